# tools/compare_workloads.py: the workloads of tools/compare: the rows
# (record size x acks x compression), the producer settings every client gets,
# each client's command line, and the parsing of each client's report. Not a
# program (tools/compare imports it).
import json
import re

from compare_common import KAFKA_LOCAL, Failure, tail

JAVA_PERF_CLASS = "org.apache.kafka.tools.ProducerPerformance"

CLIENTS = ("sluice", "librdkafka", "java")
CLIENT_NAMES = {"sluice": "Sluice", "librdkafka": "librdkafka", "java": "Java"}
SIZES = (100, 1024)
ACKS = ("1", "all")
CODECS = ("none", "lz4")
PERCENTILES = ("p50", "p95", "p99", "p99_9", "max")
PERCENTILE_LABELS = {"p50": "p50", "p95": "p95", "p99": "p99", "p99_9": "p99.9", "max": "max"}

# Batching and buffering, the same for every client (see settings_for()).
LINGER_MS = 5
BATCH_SIZE = 65536
MAX_IN_FLIGHT = 5
BUFFER_BYTES = 32 * 1024 * 1024
# librdkafka's default record cap, given to Sluice too so both buffer alike;
# the Java producer has no such limit (buffer.memory only).
QUEUE_MAX_MESSAGES = 100000
LATENCY_TABLE_BYTES_PER_RECORD = 12  # sluice-bench/rdkafka-bench's own table (docs/TOOLS.md)


# ------------------------------------------------------------------ rows
class Row:
    def __init__(self, size, acks, codec):
        self.size, self.acks, self.codec = size, acks, codec

    @property
    def id(self):
        return f"{self.size}-{self.acks}-{self.codec}"

    @property
    def label(self):
        size = "100 B" if self.size == 100 else "1 KiB"
        return f"{size}, acks={self.acks}, {self.codec}"

    @property
    def short(self):  # for plot axes
        size = "100B" if self.size == 100 else "1KiB"
        return f"{size} acks={self.acks} {self.codec}"

    @property
    def idempotence(self):
        # Java refuses enable.idempotence=true with acks != all; with acks=all
        # it is the Java and Sluice default, and switched on for librdkafka too.
        return "true" if self.acks == "all" else "false"


ALL_ROWS = [Row(s, a, c) for s in SIZES for a in ACKS for c in CODECS]
ROW_BY_ID = {r.id: r for r in ALL_ROWS}


def settings_for(row):
    """The producer properties of a row, by meaning, before mapping to each client's names."""
    return [
        ("acks", row.acks),
        ("compression.type", row.codec),
        ("linger.ms", str(LINGER_MS)),
        ("batch.size", str(BATCH_SIZE)),
        ("enable.idempotence", row.idempotence),
        ("max.in.flight.requests.per.connection", str(MAX_IN_FLIGHT)),
    ]


def client_command(client, row, binary, bootstrap, topic, records, rate):
    """The command line of one run of CLIENT (sluice-bench, rdkafka-bench or
    ProducerPerformance) on ROW; BINARY is the bench tool's path (not Java's)."""
    props = settings_for(row)
    if client in ("sluice", "librdkafka"):
        d = dict(props)
        cmd = [binary, "-b", bootstrap, "-t", topic, "--num-records", str(records),
               "--record-size", str(row.size), "--acks", d["acks"], "--compression", d["compression.type"],
               "--linger-ms", d["linger.ms"], "--batch-size", d["batch.size"],
               "-X", f"enable.idempotence={d['enable.idempotence']}",
               "-X", f"max.in.flight.requests.per.connection={d['max.in.flight.requests.per.connection']}"]
        if client == "sluice":
            cmd += ["-X", f"buffer.memory={BUFFER_BYTES}"]
        else:
            cmd += ["-X", f"queue.buffering.max.kbytes={BUFFER_BYTES // 1024}"]
        cmd += ["-X", f"queue.buffering.max.messages={QUEUE_MAX_MESSAGES}"]
        if rate:
            cmd += ["--throughput", str(rate)]
        cmd += ["--json"]
    else:
        cmd = [KAFKA_LOCAL, "run-class", JAVA_PERF_CLASS, "--bootstrap-server", bootstrap,
               "--topic", topic, "--num-records", str(records), "--record-size", str(row.size),
               "--throughput", str(rate or -1), "--command-property"]
        cmd += [f"{k}={v}" for k, v in props] + [f"buffer.memory={BUFFER_BYTES}"]
    return cmd


def parse_bench(run, m, records):
    """Fills RUN from sluice-bench's or rdkafka-bench's --json report (the last
    JSON line of m["stdout"]); raises Failure when it is missing or the run failed."""
    lines = [l for l in m["stdout"].splitlines() if l.startswith("{")]
    if not lines:
        raise Failure(f"exit {m['rc']}, no JSON report; stderr: {tail(m['stderr_path'], 3).strip()}")
    try:
        j = json.loads(lines[-1])
    except ValueError as e:
        raise Failure(f"unreadable JSON report: {e}")
    run["client_version"] = j.get("client")
    lat = j["latency_us"]
    run.update({
        "acknowledged": j["records"]["acknowledged"], "failed": j["records"]["failed"],
        "records_per_s": j["records_per_second"], "mib_per_s": j["mib_per_second"],
        "elapsed_s": j["elapsed_seconds"], "tool_cpu_us_per_record": j["cpu"]["us_per_record"],
        "tool_cpu_s": j["cpu"]["total_seconds"],
        "latency_us": {p: lat[p] for p in PERCENTILES}, "latency_from": lat["measured_from"],
        "peak_rss_mib": j["peak_rss_mib"],
        # the tool's own latency table (12 B per record) is in its RSS: take it out
        "client_rss_mib": j["peak_rss_mib"] - records * LATENCY_TABLE_BYTES_PER_RECORD / 2**20,
    })
    if m["rc"] != 0 or j["records"]["acknowledged"] != records:
        first = j["failures"][0]["first_message"] if j.get("failures") else ""
        raise Failure(f"exit {m['rc']}, {j['records']['acknowledged']} of {records} acknowledged {first}".strip())


JAVA_FINAL = re.compile(
    r"^(\d+)(.*?) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
    r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.\s*$", re.M)


def parse_java(run, m, row, records):
    """Fills RUN from ProducerPerformance's final line; raises Failure when
    there is none, the process measured was not the JVM, or the run failed."""
    if m["comm"] not in (None, "java"):
        raise Failure(f"the process measured was '{m['comm']}', not the JVM")
    finals = JAVA_FINAL.findall(m["stdout"])
    if not finals:
        raise Failure(f"exit {m['rc']}, no final ProducerPerformance line; stderr: "
                      f"{tail(m['stderr_path'], 3).strip()}")
    n, _, rps, mbps, avg, mx, p50, p95, p99, p999 = finals[-1]
    run.update({
        "acknowledged": int(n), "records_per_s": float(rps), "mib_per_s": float(rps) * row.size / 2**20,
        "java_mb_per_s": float(mbps),
        "latency_us": {"p50": int(p50) * 1000, "p95": int(p95) * 1000, "p99": int(p99) * 1000,
                       "p99_9": int(p999) * 1000, "max": round(float(mx) * 1000)},
        "latency_from": "send_call_ms" if not run["rate"] else "actual_send_ms",
        "peak_rss_mib": run["rusage_maxrss_mib"], "client_rss_mib": run["rusage_maxrss_mib"],
    })
    if m["rc"] != 0 or int(n) != records:
        raise Failure(f"exit {m['rc']}, {n} of {records} records acknowledged (errors on its stderr)")
