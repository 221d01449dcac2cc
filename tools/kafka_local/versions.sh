# shellcheck shell=bash
# Sourced by tools/kafka-local: what differs between the Kafka versions it
# runs (the broker matrix of docs/COMPATIBILITY.md). Each version is fetched
# from Maven Central into its own cache dir, kafka-VERSION (see kafka-local's
# do_setup); everything else in kafka-local is the same for all of them.
#
#   version  logging                                        ACL tool class
#   3.9.2    SLF4J 1.7 -> reload4j (log4j 1.x API): slf4j-reload4j, log4j.properties
#   4.0.2    SLF4J 1.7 -> log4j2: log4j-slf4j-impl + log4j-core 2.24.3 (4.0.2's POMs bring no log4j)
#   4.3.1    SLF4J 1.7 -> log4j2: log4j-slf4j-impl 2.25.4 (log4j-core comes with Kafka)  [default]
#   4.4.0    SLF4J 1.7 -> log4j2: log4j-slf4j-impl 2.25.5 (log4j-core comes with Kafka)
#
# 3.9.2 is the newest 3.x that Maven Central served when this was written
# (3.9.1 runs too), 4.0.2 the newest 4.0.x.

KAFKA_DEFAULT_VERSION=4.3.1
KAFKA_KNOWN_VERSIONS="3.9.2 4.0.2 4.3.1 4.4.0"

# Sets, for VERSION: KV_LOGGING (log4j2 | reload4j), LOG4J_VERSION (log4j2:
# the SLF4J binding's version), KV_LOG4J_CORE (log4j2: non-empty when Kafka's
# POMs bring no log4j-core), SLF4J_VERSION (reload4j), KV_ACL_CLASS,
# KV_LOG_FILE (name of the logging config file).
kv_select() { # VERSION
  KV_LOG4J_CORE= SLF4J_VERSION= LOG4J_VERSION=
  KV_ACL_CLASS=org.apache.kafka.tools.AclCommand
  case $1 in
    3.9.1|3.9.2) KV_LOGGING=reload4j SLF4J_VERSION=1.7.36 KV_ACL_CLASS=kafka.admin.AclCommand ;;
    4.0.2) KV_LOGGING=log4j2 LOG4J_VERSION=2.24.3 KV_LOG4J_CORE=1 ;;
    4.3.1) KV_LOGGING=log4j2 LOG4J_VERSION=2.25.4 ;;
    4.4.0) KV_LOGGING=log4j2 LOG4J_VERSION=2.25.5 ;;
    *) die "Kafka version '$1' is not one kafka-local knows how to run: pick one of $KAFKA_KNOWN_VERSIONS (--version V or SLUICE_KAFKA_VERSION; tools/kafka_local/versions.sh lists what each needs)" ;;
  esac
  if [ "$KV_LOGGING" = log4j2 ]; then KV_LOG_FILE=log4j2.properties; else KV_LOG_FILE=log4j.properties; fi
}

# The <dependency> entries for the logging binding, in the fetch POM.
kv_pom_logging() {
  if [ "$KV_LOGGING" = reload4j ]; then
    cat <<EOF
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
EOF
    return
  fi
  cat <<EOF
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
EOF
  if [ -n "$KV_LOG4J_CORE" ]; then
    cat <<EOF
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
EOF
  fi
}

# One line naming everything the cached jars depend on (a change refetches).
kv_stamp_key() {
  if [ "$KV_LOGGING" = reload4j ]; then
    printf 'kafka=%s slf4j-reload4j=%s plugin=%s\n' "$KAFKA_VERSION" "$SLF4J_VERSION" "$DEP_PLUGIN"
  elif [ -n "$KV_LOG4J_CORE" ]; then
    printf 'kafka=%s log4j-slf4j-impl=%s log4j-core=%s plugin=%s\n' "$KAFKA_VERSION" "$LOG4J_VERSION" \
      "$LOG4J_VERSION" "$DEP_PLUGIN"
  else
    printf 'kafka=%s log4j-slf4j-impl=%s plugin=%s\n' "$KAFKA_VERSION" "$LOG4J_VERSION" "$DEP_PLUGIN"
  fi
}

# The JVM option that points the logging backend at FILE.
kv_log_opt() { # FILE
  if [ "$KV_LOGGING" = reload4j ]; then printf -- '-Dlog4j.configuration=file:%s' "$1"
  else printf -- '-Dlog4j2.configurationFile=%s' "$1"; fi
}

# Brokers and the controller: everything to stdout (node-*/server.log).
kv_broker_log_config() { # LEVEL
  if [ "$KV_LOGGING" = reload4j ]; then
    cat <<EOF
# Written by tools/kafka-local: everything to stdout, which goes to node-*/server.log.
log4j.rootLogger=$1, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.out
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
EOF
    return
  fi
  cat <<EOF
# Written by tools/kafka-local: everything to stdout, which goes to node-*/server.log.
status = error
appender.out.type = Console
appender.out.name = STDOUT
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $1
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
}

# Command-line tools (admin, run-class): WARN and above to stderr.
kv_tools_log_config() {
  if [ "$KV_LOGGING" = reload4j ]; then
    cat <<'EOF'
# Written by tools/kafka-local: command-line tools log WARN+ to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
    return
  fi
  cat <<'EOF'
# Written by tools/kafka-local: command-line tools log WARN+ to stderr.
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}
