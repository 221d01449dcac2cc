"""The plain Python loop for tools/compare-spark: produce() N records of SIZE
bytes in a loop, then flush(), with Sluice or confluent-kafka-python, in a
fresh process. Prints one JSON line: rows/s and CPU µs per row of the whole
process (getrusage over the loop and the flush), peak RSS.

    python loop.py --client sluice|confluent --rows N --size BYTES --topic T --bootstrap B
"""
import argparse
import json
import resource
import time

from job import SETTINGS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", required=True, choices=["sluice", "confluent"])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--bootstrap", required=True)
    a = ap.parse_args()
    config = dict(SETTINGS, **{"bootstrap.servers": a.bootstrap})
    values = [(b"%d" % i + b"x" * a.size)[: a.size] for i in range(1000)]
    failed = [0]

    def on_delivery(err, _):
        if err is not None:
            failed[0] += 1

    if a.client == "sluice":
        import sluice as lib

        p = lib.Producer(config, on_delivery=on_delivery)
        version = "sluice " + lib.__version__
    else:
        import confluent_kafka as lib

        config["on_delivery"] = on_delivery
        p = lib.Producer(config)
        version = f"confluent-kafka {lib.__version__}, librdkafka {lib.libversion()[0]}"
    p.produce(a.topic, value=b"warm-up")  # connect and fetch metadata before the clock starts
    p.flush(30)
    failed[0] = 0
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    for i in range(a.rows):
        while True:
            try:
                p.produce(a.topic, value=values[i % 1000], key=str(i))
                break
            except BufferError:  # confluent-kafka's full queue (Sluice blocks instead)
                p.poll(0.05)
        if i % 10000 == 0:
            p.poll(0)
    left = p.flush(120)
    seconds = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if left or failed[0]:
        raise SystemExit(f"{a.client}: {left} without a report, {failed[0]} failed")
    print(json.dumps({"client": a.client, "rows": a.rows, "size": a.size, "seconds": seconds,
                      "rows_per_s": a.rows / seconds, "cpu_us_per_row": cpu / a.rows * 1e6,
                      "peak_rss_mib": r1.ru_maxrss / 1024, "version": version}), flush=True)


if __name__ == "__main__":
    main()
