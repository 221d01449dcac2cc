"""One measured Spark write, in a fresh process (so its JVM's and workers'
peak RSS belong to this run alone), for tools/compare-spark.

    python job.py --client spark|confluent|sluice --rows N --size BYTES --topic T --bootstrap B --jars J

Prints one JSON line: rows, seconds (the write action alone, the DataFrame
cached and counted before), cpu_s (all processes of this Spark application:
the Python driver, the JVM, the Python workers, over the write), peak RSS of
the JVM and of the largest Python worker (MiB), and what the sink counted.
"""
import argparse
import json
import os
import sys
import time

# The same producer settings for the three clients (docs/BENCHMARKS-SPARK.md).
SETTINGS = {"acks": "all", "linger.ms": "5", "batch.size": "131072", "enable.idempotence": "true",
            "compression.type": "none"}


def proc_tree(root):
    """root and every descendant pid (from /proc/*/stat's parent field)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def cpu_seconds(pids):
    """utime+stime of the live processes and of their reaped children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except OSError:
            pass
    return total / tick


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


_confluent = None


def confluent_partition(topic, config):
    def write(rows):
        global _confluent
        from confluent_kafka import Producer

        if _confluent is None:
            _confluent = Producer(config)
        p = _confluent
        failed = [0]

        def on_delivery(err, msg):
            if err is not None:
                failed[0] += 1

        n = 0
        for value, key in rows:
            while True:
                try:
                    p.produce(topic, value=value, key=key, on_delivery=on_delivery)
                    break
                except BufferError:
                    p.poll(0.05)
            n += 1
            if n % 10000 == 0:
                p.poll(0)
        p.flush()
        if failed[0]:
            raise RuntimeError(f"confluent-kafka: {failed[0]} records failed")
        yield n, 0

    return write


def main():
    ap = argparse.ArgumentParser()
    # rdd-only: the same rows into Python workers and counted, nothing sent
    # (what the Python clients pay before any Kafka client runs).
    ap.add_argument("--client", required=True, choices=["spark", "confluent", "sluice", "sluice-rows", "rdd-only"])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--jars", required=True)
    a = ap.parse_args()
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName(f"bench-{a.client}").config("spark.jars", a.jars)
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.range(0, a.rows, 1, 4).selectExpr(
        "cast(id as string) as key",
        f"cast(substring(concat(cast(id as string), repeat('x', {a.size})), 1, {a.size}) as binary) as value").cache()
    assert df.count() == a.rows
    tree = proc_tree(os.getpid())
    cpu0 = cpu_seconds(tree)
    t0 = time.monotonic()
    counted = {}
    if a.client == "spark":
        w = df.write.format("kafka").option("kafka.bootstrap.servers", a.bootstrap).option("topic", a.topic)
        for k, v in SETTINGS.items():
            w = w.option(f"kafka.{k}", v)
        w.save()
    elif a.client == "confluent":
        import confluent_kafka

        config = dict(SETTINGS, **{"bootstrap.servers": a.bootstrap})
        res = df.select("value", "key").rdd.mapPartitions(confluent_partition(a.topic, config)).collect()
        counted = {"acknowledged": sum(r[0] for r in res), "confluent_kafka": confluent_kafka.__version__,
                   "librdkafka": confluent_kafka.libversion()[0]}
    elif a.client == "rdd-only":
        counted = {"acknowledged": sum(df.select("value", "key").rdd.mapPartitions(lambda rows: [sum(1 for _ in rows)])
                                       .collect())}
    else:
        import sluice.spark

        config = dict(SETTINGS, **{"bootstrap.servers": a.bootstrap})
        # sluice: the columnar path (mapInArrow); sluice-rows: Python Rows (df.rdd).
        r = sluice.spark.write_dataframe(df, a.topic, config, key_col="key", arrow=a.client == "sluice")
        if r.acknowledged != a.rows:
            raise SystemExit(f"sluice acknowledged {r.acknowledged} of {a.rows}")
        counted = {"acknowledged": r.acknowledged, "producers": r.producers}
    seconds = time.monotonic() - t0
    tree = proc_tree(os.getpid())
    cpu = cpu_seconds(tree) - cpu0
    jvm = [p for p in tree if "java" in cmdline(p).split(" ")[0]]
    workers = [p for p in tree if "pyspark.daemon" in cmdline(p) or "pyspark.worker" in cmdline(p)
               or (p != os.getpid() and cmdline(p).startswith(sys.executable))]
    print(json.dumps({"client": a.client, "rows": a.rows, "size": a.size, "seconds": seconds,
                      "rows_per_s": a.rows / seconds, "cpu_s": cpu, "cpu_us_per_row": cpu / a.rows * 1e6,
                      "jvm_peak_rss_mib": max((peak_rss_mib(p) for p in jvm), default=0.0),
                      "python_worker_peak_rss_mib": max((peak_rss_mib(p) for p in workers), default=0.0),
                      "python_workers": len(workers), **counted}), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
