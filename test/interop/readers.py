"""Readers Sluice did not write, for the broker interop suite (broker_suite.py).

Both read a whole topic from the beginning to the end offsets and return
records as dicts {partition, offset, tstype, ts, key, value, headers}, bytes
fields as bytes (None for null), headers as a list of (name bytes, value
bytes or None):

- java_read: Kafka's own KafkaConsumer from the jars of the broker version
  under test (InteropReader.java, compiled once per version into the cache).
- kcat_read: kcat on the newest librdkafka, the one in the confluent-kafka
  wheel that tools/setup installs (rdkafka_dir() holds its librdkafka.so.1).
"""
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


class ReaderError(Exception):
    pass


def cache_root():
    if os.environ.get("SLUICE_CACHE"):
        return Path(os.environ["SLUICE_CACHE"])
    return Path.home() / ".cache" / "sluice"


def rdkafka_dir():
    """The folder with librdkafka.so.1 -> the confluent-kafka wheel's librdkafka (tools/setup)."""
    d = cache_root() / "librdkafka-newest"
    if not (d / "librdkafka.so.1").exists():
        raise ReaderError(f"{d}/librdkafka.so.1 is missing: run tools/setup (it installs confluent-kafka "
                          "into a venv under the cache and links its librdkafka there)")
    return d


def kcat_env():
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = str(rdkafka_dir()) + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def kcat_version():
    """'kcat 1.7.1, librdkafka 2.16.0' (fails unless kcat runs on the newest librdkafka, >= 2.10)."""
    try:
        out = subprocess.run(["kcat", "-V"], env=kcat_env(), capture_output=True, text=True, timeout=30).stdout
    except FileNotFoundError:
        raise ReaderError("kcat not found: install the Debian package kcat (tools/setup)")
    m = re.search(r"Version (\S+) .*librdkafka (\d+)\.(\d+)\.(\d+)", out)
    if not m:
        raise ReaderError(f"cannot read kcat -V: {out!r}")
    major, minor = int(m.group(2)), int(m.group(3))
    if (major, minor) < (2, 10):
        raise ReaderError(f"kcat runs on librdkafka {m.group(2)}.{minor}, not the newest: "
                          f"LD_LIBRARY_PATH={rdkafka_dir()} did not take (re-run tools/setup)")
    return f"kcat {m.group(1)}, librdkafka {major}.{minor}.{m.group(4)}"


def kafka_lib(version):
    lib = cache_root() / f"kafka-{version}" / "lib"
    if not lib.is_dir():
        raise ReaderError(f"no jars for Kafka {version} in {lib}: run tools/kafka-local --version {version} setup")
    return lib


def _java_reader_classes(version):
    """Compiles InteropReader.java against Kafka VERSION's jars (once per source and version)."""
    src = HERE / "InteropReader.java"
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:12]
    out = cache_root() / f"kafka-{version}" / f"interop-reader-{digest}"
    if (out / "InteropReader.class").exists():
        return out
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["javac", "-nowarn", "-cp", f"{kafka_lib(version)}/*", "-d", str(tmp), str(src)],
                       capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        raise ReaderError(f"javac InteropReader.java against Kafka {version} failed (is a JDK installed? "
                          f"tools/setup installs openjdk-17-jdk-headless):\n{r.stderr[-2000:]}")
    try:
        tmp.rename(out)
    except OSError:  # another run got there first
        pass
    return out


def _log_opt(version):
    kdir = cache_root() / f"kafka-{version}"
    if (kdir / "tools-log4j.properties").exists():
        return f"-Dlog4j.configuration=file:{kdir}/tools-log4j.properties"
    return f"-Dlog4j2.configurationFile={kdir}/tools-log4j2.properties"


def _unhex(s):
    return None if s == "-" else bytes.fromhex(s)


class Listener:
    """How a reader connects: the listener's bootstrap and its security, the same one Sluice wrote through.
    protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; ca: the PEM CA file (SSL); mechanism, user,
    password: SASL (PLAIN or SCRAM-SHA-256/512)."""

    def __init__(self, bootstrap, protocol="PLAINTEXT", ca=None, mechanism=None, user=None, password=None):
        self.bootstrap, self.protocol, self.ca = bootstrap, protocol, ca
        self.mechanism, self.user, self.password = mechanism, user, password

    def describe(self):
        return self.protocol + (f" {self.mechanism} as {self.user}" if self.mechanism else "")

    def java_props(self):
        p = [f"security.protocol={self.protocol}"]
        if self.ca:
            p += ["ssl.truststore.type=PEM", f"ssl.truststore.location={self.ca}"]
        if self.mechanism:
            module = ("org.apache.kafka.common.security.plain.PlainLoginModule" if self.mechanism == "PLAIN"
                      else "org.apache.kafka.common.security.scram.ScramLoginModule")
            p += [f"sasl.mechanism={self.mechanism}",
                  f'sasl.jaas.config={module} required username="{self.user}" password="{self.password}";']
        return p

    def kcat_props(self):
        p = [f"security.protocol={self.protocol}"]
        if self.ca:
            p += [f"ssl.ca.location={self.ca}"]
        if self.mechanism:
            p += [f"sasl.mechanism={self.mechanism}", f"sasl.username={self.user}", f"sasl.password={self.password}"]
        return p


def _as_listener(where):
    return where if isinstance(where, Listener) else Listener(where)


def java_read(version, where, topic, timeout_s=60):
    """where: a PLAINTEXT bootstrap list or a Listener."""
    where = _as_listener(where)
    classes = _java_reader_classes(version)
    cmd = ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", _log_opt(version),
           "-cp", f"{kafka_lib(version)}/*:{classes}", "InteropReader", where.bootstrap, topic,
           str(timeout_s * 1000), *where.java_props()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s + 60)
    if r.returncode != 0:
        raise ReaderError(f"Java consumer (Kafka {version}) could not read '{topic}' to its end: {r.stderr[-1500:]}")
    records = []
    for line in r.stdout.splitlines():
        f = line.split(" ")
        if len(f) != 7:
            raise ReaderError(f"Java reader: malformed line {line[:200]!r}")
        headers = []
        if f[6]:
            for h in f[6].split(","):
                name, value = h.split("=")
                headers.append((_unhex(name), _unhex(value)))
        records.append({"partition": int(f[0]), "offset": int(f[1]),
                        "tstype": {"CreateTime": "create", "LogAppendTime": "logappend"}.get(f[2], f[2]),
                        "ts": int(f[3]), "key": _unhex(f[4]), "value": _unhex(f[5]), "headers": headers})
    return records


def _latin1(v):
    return None if v is None else v.encode("latin-1")


def kcat_read(where, topic, timeout_s=60):
    """kcat -C -J to the end of every partition (where: a PLAINTEXT bootstrap list or a Listener).
    kcat writes key, value and header bytes into its JSON strings as they are (escaping only control
    characters, quotes and backslashes), so each line is decoded as Latin-1 and the strings encoded
    back to the exact bytes."""
    where = _as_listener(where)
    cmd = ["kcat", "-C", "-b", where.bootstrap, "-t", topic, "-o", "beginning", "-e", "-J", "-q",
           "-X", "check.crcs=true"]
    for prop in where.kcat_props():
        cmd += ["-X", prop]
    r = subprocess.run(cmd, env=kcat_env(), capture_output=True, timeout=timeout_s)
    if r.returncode != 0:
        raise ReaderError(f"kcat could not read '{topic}': exit {r.returncode}: {r.stderr.decode('latin-1')[-1500:]}")
    records = []
    for raw in r.stdout.split(b"\n"):
        if not raw.strip():
            continue
        try:
            j = json.loads(raw.decode("latin-1"))
        except json.JSONDecodeError as e:
            raise ReaderError(f"kcat: malformed JSON line ({e}): {raw[:200]!r}")
        hs = j.get("headers") or []
        headers = [(_latin1(hs[k]), _latin1(hs[k + 1])) for k in range(0, len(hs), 2)]
        records.append({"partition": j["partition"], "offset": j["offset"], "tstype": j.get("tstype"),
                        "ts": j.get("ts"), "key": _latin1(j.get("key")), "value": _latin1(j.get("payload")),
                        "headers": headers})
    return records


def topic_metadata(bootstrap, topic):
    """{partition: (leader, [replicas])} from kcat -L -J (the newest librdkafka)."""
    r = subprocess.run(["kcat", "-L", "-J", "-b", bootstrap, "-t", topic], env=kcat_env(),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise ReaderError(f"kcat -L for '{topic}' failed: {r.stderr[-1000:]}")
    j = json.loads(r.stdout)
    for t in j.get("topics", []):
        if t["topic"] == topic:
            if t.get("error"):
                raise ReaderError(f"kcat -L: topic '{topic}': {t['error']}")
            return {p["partition"]: (p["leader"], [x["id"] for x in p.get("replicas", [])]) for p in t["partitions"]}
    raise ReaderError(f"kcat -L: no topic '{topic}' in {r.stdout[:500]}")
