# shellcheck shell=bash
# Sourced by tools/kafka-local: the Java runtime, the jars fetched from Maven Central into
# the cache (setup), and the class-data-sharing archive made from them.

find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA=$JAVA_HOME/bin/java
  elif JAVA=$(command -v java 2>/dev/null); then :
  else die "java not found: install a JDK/JRE >= 17 (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"; fi
}

check_java_version() {
  local v major
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')
  v=${v%%$'\n'*}
  major=${v%%.*}
  [ "$major" = 1 ] && major=$(printf '%s' "$v" | cut -d. -f2)
  if is_uint "${major:-x}" && [ "$major" -lt 17 ]; then
    die "Kafka $KAFKA_VERSION needs Java >= 17, but $JAVA is version $v"
  fi
}

# Class-data sharing: an AppCDS archive of the Kafka classes (built once by the
# first `start`, see cds_build) cuts JVM start time by about a third on a small
# machine. The JVM silently ignores an archive that does not match (other JDK,
# other classpath). SLUICE_KAFKA_CDS=0 disables it.
cds_init() { # needs JAVA
  CDS_ARCHIVE= CDS_ARGS=()
  [ "${SLUICE_KAFKA_CDS:-1}" != 0 ] || return 0
  local real key
  real=$(readlink -f "$JAVA" 2>/dev/null) || real=$JAVA
  key=$(printf '%s %s' "$real" "$(stat -L -c '%s-%Y' "$real" 2>/dev/null)" | cksum | cut -d' ' -f1)
  CDS_ARCHIVE=$CDS_DIR/kafka-$key.jsa
  if [ -f "$CDS_ARCHIVE" ]; then CDS_ARGS=("-XX:SharedArchiveFile=$CDS_ARCHIVE"); fi
}

cds_want_training() {
  [ -n "$CDS_ARCHIVE" ] && [ ! -f "$CDS_ARCHIVE" ] && [ ! -f "$CDS_ARCHIVE.failed" ]
}

cds_build() { # after a successful start that recorded class lists
  [ -n "$CDS_TRAIN" ] || return 0
  mkdir -p "$CDS_DIR" 2>/dev/null || return 0
  (
    if command -v flock >/dev/null 2>&1; then
      flock -n 8 || { say "another kafka-local is building the CDS archive; not waiting"; exit 0; }
    fi
    [ -f "$CDS_ARCHIVE" ] && exit 0
    say "[$(elapsed)] one-time: building a class-data-sharing archive for faster JVM starts (~20 s)"
    local list=$CDS_TRAIN/all.classlist tmp=$CDS_ARCHIVE.tmp.$$ f
    # drop each list's last line: a still-running JVM may be mid-write
    for f in "$CDS_TRAIN"/*.lst; do sed '$d' "$f"; done | awk '!seen[$0]++' >"$list"
    if nice -n 10 "$JAVA" -Xshare:dump -XX:SharedClassListFile="$list" \
         -XX:SharedArchiveFile="$tmp" -cp "$LIB/*" </dev/null >"$CDS_TRAIN/dump.log" 2>&1 \
       && [ -s "$tmp" ]; then
      mv -f "$tmp" "$CDS_ARCHIVE"
      say "[$(elapsed)] CDS archive ready: $CDS_ARCHIVE"
    else
      rm -f "$tmp"
      cp "$CDS_TRAIN/dump.log" "$CDS_ARCHIVE.failed" 2>/dev/null || true
      say "could not build the CDS archive (log: $CDS_ARCHIVE.failed); continuing without it"
    fi
  ) 8>"$CDS_DIR/.lock" || true
  rm -rf "$CDS_TRAIN"
  CDS_TRAIN=
}

ensure_cache_writable() {
  mkdir -p "$KDIR" 2>/dev/null \
    || die "cannot create the jar cache directory $KDIR (set SLUICE_CACHE to a writable dir)"
  local probe=$KDIR/.write-probe.$$
  if ! ( : >"$probe" ) 2>/dev/null; then
    die "the jar cache directory $KDIR is not writable (set SLUICE_CACHE to a writable dir)"
  fi
  rm -f "$probe"
}

write_pom() {
  cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by tools/kafka-local: the jars needed to run Kafka $KAFKA_VERSION. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sluice</groupId>
  <artifactId>kafka-local-deps</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
$(kv_pom_logging)
  </dependencies>
</project>
EOF
}

write_if_changed() { # FILE: content on stdin; rewrite only when different
  local tmp=$1.tmp.$$
  cat >"$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

tools_log4j_config() { kv_tools_log_config; }

stamp_key() { kv_stamp_key; }

setup_done() {
  [ -f "$STAMP" ] && [ -d "$LIB" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$(stamp_key)" ]
}

do_setup() { # runs under the cache lock
  if setup_done; then return 0; fi
  command -v mvn >/dev/null 2>&1 \
    || die "mvn (Apache Maven) not found: it is needed once to fetch the Kafka jars into $LIB"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIB (one-time)..."
  rm -f "$STAMP"
  local build=$KDIR/build
  rm -rf "$build" "$KDIR/lib.partial"
  mkdir -p "$build"
  write_pom "$build/pom.xml"
  if ! (cd "$build" && mvn -B -q -Dstyle.color=never "$DEP_PLUGIN:copy-dependencies" \
          -DoutputDirectory="$KDIR/lib.partial" -DincludeScope=runtime </dev/null 2>&1 \
          | sed 's/\x1b\[[0-9;]*m//g' >&2); then
    die "mvn failed to fetch the Kafka jars (see above); nothing was cached"
  fi
  [ -f "$KDIR/lib.partial/kafka_2.13-$KAFKA_VERSION.jar" ] \
    || die "mvn finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $KDIR/lib.partial"
  rm -rf "$LIB" "$CDS_DIR"
  mv "$KDIR/lib.partial" "$LIB"
  rm -rf "$build"
  stamp_key >"$STAMP"
  say "jars cached in $LIB ($(ls "$LIB" | wc -l) files)"
}

ensure_setup() {
  if ! setup_done; then
    ensure_cache_writable
    if command -v flock >/dev/null 2>&1; then
      # Serialize concurrent setups (e.g. two bases started at once).
      ( flock 9; do_setup ) 9>"$KDIR/.lock" || exit 1
    else
      do_setup
    fi
  fi
  if [ ! -f "$TOOLS_LOG4J" ] || ! tools_log4j_config | cmp -s - "$TOOLS_LOG4J"; then
    tools_log4j_config | write_if_changed "$TOOLS_LOG4J" 2>/dev/null \
      || die "cannot write $TOOLS_LOG4J (is the cache writable?)"
  fi
}
