#!/usr/bin/env python3
"""Reads Sluice's statistics JSON as exporters written against librdkafka's
STATISTICS.md do (the fields Prometheus/Datadog-style librdkafka exporters
turn into metrics), and fails on any field missing or of the wrong type.

Usage: librdkafka_stats_reader.py SAMPLE_PROGRAM   (runs it, reads each line)
       librdkafka_stats_reader.py -                (reads JSON lines on stdin)
       librdkafka_stats_reader.py --negative-control SAMPLE_PROGRAM
           (the reader must refuse the sample's last object with a field
           taken out or of the wrong type, at every level: exit 0 when each
           change is caught)
"""
import copy
import json
import subprocess
import sys

TOP = {"name": str, "client_id": str, "type": str, "ts": int, "time": int, "age": int, "replyq": int,
       "msg_cnt": int, "msg_size": int, "msg_max": int, "msg_size_max": int, "tx": int, "tx_bytes": int,
       "rx": int, "rx_bytes": int, "txmsgs": int, "txmsg_bytes": int, "rxmsgs": int, "rxmsg_bytes": int,
       "metadata_cache_cnt": int}
BROKER = {"name": str, "nodeid": int, "nodename": str, "source": str, "state": str, "stateage": int,
          "outbuf_cnt": int, "outbuf_msg_cnt": int, "waitresp_cnt": int, "waitresp_msg_cnt": int, "tx": int,
          "txbytes": int, "txerrs": int, "txretries": int, "req_timeouts": int, "rx": int, "rxbytes": int,
          "rxerrs": int, "connects": int, "disconnects": int}
WINDOWS = ("int_latency", "outbuf_latency", "rtt", "throttle")
WINDOW = ("min", "max", "avg", "sum", "cnt", "stddev", "hdrsize", "p50", "p75", "p90", "p95", "p99", "p99_99",
          "outofrange")
PARTITION = {"partition": int, "broker": int, "leader": int, "desired": bool, "unknown": bool, "msgq_cnt": int,
             "msgq_bytes": int, "xmit_msgq_cnt": int, "xmit_msgq_bytes": int, "txmsgs": int, "txbytes": int,
             "msgs": int, "msgs_inflight": int, "next_ack_seq": int, "next_err_seq": int, "acked_msgid": int}
STATES = {"INIT", "DOWN", "CONNECT", "AUTH", "APIVERSION_QUERY", "AUTH_HANDSHAKE", "UP", "UPDATE"}


def check(obj, fields, where, metrics):
    for name, kind in fields.items():
        if name not in obj:
            raise SystemExit(f"{where}: no field '{name}'")
        value = obj[name]
        # bool is an int in Python: an int field must not be a bool, nor a bool an int.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SystemExit(f"{where}.{name}: {value!r} is not {kind.__name__}")
        if kind is not str:
            metrics.append((f"{where}.{name}", value))


def part(obj, name, where):
    """obj[name], an object; a missing or non-object part fails naming it."""
    if not isinstance(obj.get(name), dict):
        raise SystemExit(f"{where}: no object '{name}'")
    return obj[name]


def read(stats):
    metrics = []
    check(stats, TOP, "top", metrics)
    if stats["type"] != "producer":
        raise SystemExit(f"type is {stats['type']!r}")
    for key, broker in part(stats, "brokers", "top").items():
        where = f"brokers[{key}]"
        check(broker, BROKER, where, metrics)
        if key != broker["name"] or broker["state"] not in STATES or broker["source"] not in ("configured", "learned"):
            raise SystemExit(f"{where}: name {broker['name']!r}, state {broker['state']!r}, source {broker['source']!r}")
        for w in WINDOWS:
            check(part(broker, w, where), dict.fromkeys(WINDOW, int), f"{where}.{w}", metrics)
        for tp in part(broker, "toppars", where).values():
            check(tp, {"topic": str, "partition": int}, f"{where}.toppars", metrics)
    for name, topic in part(stats, "topics", "top").items():
        where = f"topics[{name}]"
        check(topic, {"topic": str, "age": int, "metadata_age": int}, where, metrics)
        for w in ("batchsize", "batchcnt"):
            check(part(topic, w, where), dict.fromkeys(WINDOW, int), f"{where}.{w}", metrics)
        for pid, partition in part(topic, "partitions", where).items():
            check(partition, PARTITION, f"{where}.partitions[{pid}]", metrics)
            if int(pid) != partition["partition"]:
                raise SystemExit(f"{where}: partition key {pid} holds partition {partition['partition']}")
    return metrics


def broken_copies(stats):
    """(what was changed, a copy of `stats` with it) for each level the reader checks."""
    broker = next(iter(stats["brokers"]))
    topic = next(iter(stats["topics"]))
    partition = next(iter(stats["topics"][topic]["partitions"]))
    changes = [
        ("top.tx removed", lambda s: s.pop("tx")),
        ("top.type consumer", lambda s: s.update(type="consumer")),
        ("broker waitresp_cnt removed", lambda s: s["brokers"][broker].pop("waitresp_cnt")),
        ("broker outbuf_cnt a string", lambda s: s["brokers"][broker].update(outbuf_cnt="0")),
        ("broker rtt.p99 removed", lambda s: s["brokers"][broker]["rtt"].pop("p99")),
        ("broker state unknown", lambda s: s["brokers"][broker].update(state="SLEEPING")),
        ("topic batchcnt removed", lambda s: s["topics"][topic].pop("batchcnt")),
        ("partition msgq_cnt removed", lambda s: s["topics"][topic]["partitions"][partition].pop("msgq_cnt")),
        ("partition desired an int", lambda s: s["topics"][topic]["partitions"][partition].update(desired=0)),
    ]
    for what, change in changes:
        broken = copy.deepcopy(stats)
        change(broken)
        yield what, broken


def negative_control(sample_program):
    text = subprocess.run([sample_program], check=True, capture_output=True, text=True).stdout
    stats = json.loads([line for line in text.splitlines() if line.strip()][-1])
    read(stats)  # the sample itself is read
    missed = []
    for what, broken in broken_copies(stats):
        try:
            read(broken)
            missed.append(what)
        except SystemExit as caught:
            print(f"caught: {what}: {caught}")
    if missed:
        raise SystemExit("the reader accepted: " + ", ".join(missed))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--negative-control":
        negative_control(sys.argv[2])
        return
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    text = sys.stdin.read() if sys.argv[1] == "-" else subprocess.run(
        [sys.argv[1]], check=True, capture_output=True, text=True).stdout
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise SystemExit("no statistics read")
    full = None
    for line in lines:
        metrics = dict(read(json.loads(line)))
        full = metrics
    # The filled-in sample (last line): the values an rtt/queue dashboard shows.
    expect = {"brokers[127.0.0.1:9092/1].rtt.p99": 2500, "brokers[127.0.0.1:9092/1].rtt.cnt": 3,
              "topics[t].partitions[0].msgq_cnt": 5, "top.txmsgs": 64, "topics[t].batchcnt.avg": 64}
    for key, value in expect.items():
        if full.get(key) != value:
            raise SystemExit(f"{key}: {full.get(key)!r}, expected {value!r}")
    print(f"read {len(lines)} statistics objects, {len(full)} metrics in the last")


if __name__ == "__main__":
    main()
