#!/usr/bin/env python3
"""The broker interop suite: Sluice against one real Kafka version, read back by
two consumers Sluice did not write (readers.py: Kafka's Java consumer of that
version, kcat on the newest librdkafka).

  test/interop/broker_suite.py --build build/test [--version V] [--base PORT]
                               [--running] [--only a,b] [--json FILE]

Without --running it starts `tools/kafka-local --version V start --brokers 3
--secure` on PORT and stops it at the end; with --running it uses the cluster
already running there (tools/test's). Each scenario produces with
test/interop/interop_produce to a fresh topic (names carry a run id), then
both readers must find every acknowledged record at the partition and offset
its delivery report gave, with the same key, value, headers (order, repeats,
empty and null values) and CreateTime (the explicit one where one was set),
and nothing else in the reported offset ranges; fresh topics must hold
exactly the acknowledged records. Keyed records must sit where Java's
partitioner puts them (python/tests/murmur2.py, not Sluice's code). The API
versions Sluice negotiated with each broker come from its debug log.
Exit 0 when every scenario passed, 1 otherwise, 2 when it could not run.
"""
import argparse
import copy
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Java's placement of a keyed record: the Python tests' murmur2.py (written from
# Kafka's algorithm, checked against Kafka's Utils.murmur2 by test_spark.py).
sys.path.append(str(ROOT / "python" / "tests"))
import readers  # noqa: E402
from murmur2 import partition_of as java_partition  # noqa: E402

KAFKA_LOCAL = ROOT / "tools" / "kafka-local"
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


class Cluster:
    def __init__(self, base, version, running):
        self.base, self.version, self.running = base, version, running
        self.env = dict(os.environ, SLUICE_KAFKA_BASE=str(base))
        self.env.pop("SLUICE_KAFKA_DATA", None)
        if not running:
            self.env["SLUICE_KAFKA_VERSION"] = version

    def kl(self, *args, check=True, timeout=300):
        r = subprocess.run([str(KAFKA_LOCAL), *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"tools/kafka-local {' '.join(args)} (base {self.base}) failed: {r.stderr[-2000:]}")
        return r

    def start(self):
        if self.running:
            info = self.kl("secure-info", check=False)
            if info.returncode != 0:
                raise RuntimeError(f"--running: no secure cluster on base {self.base} ({info.stderr.strip()}); "
                                   f"start one with `tools/kafka-local --base {self.base} start --brokers 3 --secure`")
        else:
            self.kl("stop", check=False)
            self.kl("start", "--brokers", "3", "--secure", timeout=600)
        self.info = dict(line.split("=", 1) for line in self.kl("secure-info").stdout.splitlines() if "=" in line)
        env_file = Path(os.environ.get("SLUICE_KAFKA_DATA", f"/tmp/sluice-kafka-{self.base}")) / "cluster.env"
        got = re.search(r"^KAFKA_VERSION=(\S+)", env_file.read_text(), re.M) if env_file.exists() else None
        self.version = got.group(1) if got else "4.3.1"  # a cluster.env from before --version: the default
        if int(self.info["brokers"]) < 3:
            raise RuntimeError(f"the cluster on base {self.base} has {self.info['brokers']} brokers; the suite needs 3")

    def stop(self):
        if not self.running:
            self.kl("stop", check=False)


class Suite:
    def __init__(self, args, cluster):
        self.args, self.c = args, cluster
        self.run_id = secrets.token_hex(3)
        self.work = Path(args.work) / f"{cluster.version}-{self.run_id}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.produce = Path(args.build) / "test" / "interop" / "interop_produce"
        if not self.produce.exists():
            raise RuntimeError(f"{self.produce} not built: cmake --build {args.build} --target interop_produce")
        self.results, self.versions = [], {}
        self.negative_control = None  # what the checker caught in altered reports (once per run)

    # --- producing
    def run_produce(self, name, topic, bootstrap, records, props=(), create=None, extra=()):
        out, log = self.work / f"{name}.jsonl", self.work / f"{name}.log"
        cmd = [str(self.produce), "--bootstrap", bootstrap, "--topic", topic, "--records", str(records),
               "--tag", f"{name}-{self.run_id}", "--out", str(out), "--log", str(log)]
        for p in props:
            cmd += ["-X", p]
        if create:
            cmd += ["--create", create]
        cmd += list(extra)
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=self.c.env)
        seconds = time.monotonic() - t0
        sent = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
        for line in log.read_text().splitlines() if log.exists() else []:
            m = re.search(r"connected to (?:bootstrap )?broker (?:(\d+) at )?(\S+): API versions (.*)$", line)
            if m:
                who = f"broker {m.group(1)}" if m.group(1) else f"bootstrap {m.group(2)}"
                self.versions.setdefault(m.group(3), set()).add(who)
        return r, sent, seconds

    # --- checking
    def check(self, topic, sent, fresh, partitions, where):
        """Problems (strings) found by comparing both readers' records (read through `where`, a
        readers.Listener) with the reports."""
        problems = []
        acked = [s for s in sent if s["error"] is None]
        for s in sent:
            if s["error"] is not None:
                problems.append(f"record {s['i']} failed: {s['error']}")
        for s in acked:
            if s["key"] is not None:
                want = java_partition(bytes.fromhex(s["key"]), partitions)
                if s["partition"] != want:
                    problems.append(f"record {s['i']} key {s['key']}: partition {s['partition']}, Java's "
                                    f"murmur2 placement is {want}")
                    break
            if s["timestamp_set"] is not None and s["timestamp"] != s["timestamp_set"]:
                problems.append(f"record {s['i']}: report timestamp {s['timestamp']} != CreateTime set {s['timestamp_set']}")
                break
        ranges = {}
        for s in acked:
            lo, hi = ranges.get(s["partition"], (s["offset"], s["offset"]))
            ranges[s["partition"]] = (min(lo, s["offset"]), max(hi, s["offset"]))
        by_pos = {(s["partition"], s["offset"]): s for s in acked}
        for reader, read in (("java", lambda: readers.java_read(self.c.version, where, topic)),
                             ("kcat", lambda: readers.kcat_read(where, topic))):
            try:
                got = read()
            except (readers.ReaderError, subprocess.TimeoutExpired) as e:
                problems.append(f"{reader}: {e}")
                continue
            seen = set()
            for g in got:
                pos = (g["partition"], g["offset"])
                lo, hi = ranges.get(g["partition"], (1, 0))
                s = by_pos.get(pos)
                if s is None:
                    if fresh or lo <= g["offset"] <= hi:
                        problems.append(f"{reader}: record at partition {pos[0]} offset {pos[1]} is no acknowledged "
                                        "record of this run (a duplicate or a stranger)")
                    continue
                if pos in seen:
                    problems.append(f"{reader}: offset {pos} read twice")
                seen.add(pos)
                diffs = []
                if g["key"] != (None if s["key"] is None else bytes.fromhex(s["key"])):
                    diffs.append(f"key {g['key']!r}")
                if g["value"] != (None if s["value"] is None else bytes.fromhex(s["value"])):
                    diffs.append(f"value {g['value'][:40] if g['value'] else g['value']!r}")
                want_h = [(bytes.fromhex(n), None if v is None else bytes.fromhex(v)) for n, v in s["headers"]]
                if g["headers"] != want_h:
                    diffs.append(f"headers {g['headers']} (sent {want_h})")
                if g["tstype"] != "create" or g["ts"] != s["timestamp"]:
                    diffs.append(f"timestamp {g['tstype']} {g['ts']} (report: CreateTime {s['timestamp']})")
                if diffs:
                    problems.append(f"{reader}: record {s['i']} at {pos}: " + "; ".join(diffs))
            missing = [s["i"] for p, s in by_pos.items() if p not in seen]
            if missing:
                problems.append(f"{reader}: {len(missing)} acknowledged records not found, e.g. #{missing[:5]}")
            if len(problems) > 20:
                break
        return problems

    def control(self, topic, sent, fresh, partitions, where):
        """The checker must catch an altered header value, timestamp and a dropped report in both readers.
        Returns problems (empty when all six were caught)."""
        bad = copy.deepcopy(sent)
        acked = [s for s in bad if s["error"] is None]
        with_h = next(s for s in acked if s["headers"])
        with_h["headers"][0][1] = (with_h["headers"][0][1] or "") + "00"
        other = next(s for s in acked if s is not with_h)
        other["timestamp"] += 1
        dropped = next(s for s in acked if s is not with_h and s is not other)
        bad.remove(dropped)
        caught = self.check(topic, bad, fresh, partitions, where)
        missed = []
        for reader in ("java", "kcat"):
            for what, needle in (("header", f"record {with_h['i']} at"), ("timestamp", f"record {other['i']} at"),
                                 ("dropped report", f"offset {dropped['offset']} is no acknowledged")):
                if not any(p.startswith(f"{reader}:") and needle in p for p in caught):
                    missed.append(f"{reader} {what}")
        if missed:
            return [f"negative control: the checker did not catch {', '.join(missed)} (it reported {caught[:6]})"]
        self.negative_control = "caught in both readers"
        return []

    def scenario(self, name, what, records, props=(), create="3:3", bootstrap=None, topic=None, extra=(),
                 after=None, expect=None, read=None):
        """read: the readers.Listener the readers use (the one Sluice wrote through); PLAINTEXT by default."""
        if self.args.only and not any(name.startswith(o) for o in self.args.only):
            return
        topic = topic or f"interop-{name}-{self.run_id}"
        fresh = topic.startswith("interop-")
        t0 = time.monotonic()
        r, sent, seconds = self.run_produce(name, topic, bootstrap or self.bootstrap, records, props,
                                            create if fresh else None, extra)
        problems = []
        if r.returncode not in (0, 1):
            problems.append(f"interop_produce exit {r.returncode}: {r.stderr.strip()[-1500:]}")
        if after:
            problems += after()
        partitions = None
        if not problems:
            try:
                md = readers.topic_metadata(self.bootstrap, topic)
                partitions = len(md)
                if expect:
                    problems += expect(md)
            except readers.ReaderError as e:
                problems.append(str(e))
        where = read or readers.Listener(self.bootstrap)
        if partitions:
            problems += self.check(topic, sent, fresh, partitions, where)
            if not problems and fresh and self.negative_control is None:
                problems += self.control(topic, sent, fresh, partitions, where)
        acked = sum(1 for s in sent if s["error"] is None)
        res = {"name": name, "what": what, "records": records, "acked": acked, "passed": not problems,
               "problems": problems[:20], "produce_seconds": round(seconds, 1),
               "seconds": round(time.monotonic() - t0, 1), "read_over": where.describe()}
        self.results.append(res)
        print(f"  {'PASS' if res['passed'] else 'FAIL'} {name}: {acked}/{records} acknowledged, "
              f"read back by java+kcat over {where.describe()} ({res['seconds']} s) {what}", flush=True)
        for p in problems[:20]:
            print(f"       {p}", flush=True)

    def run(self):
        c = self.c
        self.bootstrap = c.info["bootstrap.plaintext"]
        ca = c.info["ca.file"]
        rf3 = lambda md: [f"partition {p}: replicas {reps}, wanted 3" for p, (_, reps) in md.items() if len(reps) != 3]
        self.scenario("create-topics", "CreateTopics (3 partitions, RF 3), then produce", 300,
                      expect=lambda md: ([] if len(md) == 3 else [f"{len(md)} partitions, wanted 3"]) + rf3(md))
        for codec in CODECS:
            self.scenario(f"codec-{codec}", f"compression.type={codec}, idempotent", 400,
                          [f"compression.type={codec}", "linger.ms=20"])
        self.scenario("idempotent", "enable.idempotence=true, acks=all, 5 in flight, small batches", 2000,
                      ["enable.idempotence=true", "acks=all", "max.in.flight.requests.per.connection=5",
                       "batch.size=2000", "linger.ms=2"])
        self.scenario("acks1-plain", "enable.idempotence=false, acks=1", 300, ["enable.idempotence=false", "acks=1"])
        self.scenario("tls", "SSL listener, CA-verified, CreateTopics over TLS", 300,
                      ["security.protocol=SSL", f"ssl.ca.location={ca}"], bootstrap=c.info["bootstrap.ssl"],
                      read=readers.Listener(c.info["bootstrap.ssl"], "SSL", ca))
        admin_pw = c.info["user.admin.password"]
        self.scenario("sasl-scram-512", "SASL_SSL + SCRAM-SHA-512 (admin), CreateTopics", 300,
                      ["security.protocol=SASL_SSL", f"ssl.ca.location={ca}", "sasl.mechanism=SCRAM-SHA-512",
                       "sasl.username=admin", f"sasl.password={c.info['user.admin.password']}"],
                      bootstrap=c.info["bootstrap.sasl_ssl"],
                      read=readers.Listener(c.info["bootstrap.sasl_ssl"], "SASL_SSL", ca, "SCRAM-SHA-512", "admin",
                                            admin_pw))
        self.scenario("sasl-scram-256-acl", "SASL_PLAINTEXT + SCRAM-SHA-256 as alice (ACLs: her one topic)", 300,
                      ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-256", "sasl.username=alice",
                       f"sasl.password={c.info['user.alice.password']}"],
                      bootstrap=c.info["bootstrap.sasl_plaintext"], topic=c.info["topic.allowed"],
                      # alice may write, not read: the readers log in as admin on the same listener.
                      read=readers.Listener(c.info["bootstrap.sasl_plaintext"], "SASL_PLAINTEXT", None,
                                            "SCRAM-SHA-256", "admin", admin_pw))
        self.leader_kill()

    def leader_kill(self):
        if self.args.only and not any("leader-kill".startswith(o) for o in self.args.only):
            return
        topic = f"interop-leader-kill-{self.run_id}"
        r, _, _ = self.run_produce("leader-kill-create", topic, self.bootstrap, 0,
                                   create="3:3:min.insync.replicas=2")
        if r.returncode != 0:
            self.results.append({"name": "leader-kill", "what": "", "records": 0, "acked": 0, "passed": False,
                                 "problems": [f"creating {topic}: {r.stderr[-1000:]}"]})
            return
        md = readers.topic_metadata(self.bootstrap, topic)
        victim = md[0][0]
        pid = self.c.kl("pid", str(victim)).stdout.strip()
        state = {}

        def after():
            problems = []
            state["after"] = readers.topic_metadata(self.bootstrap, topic)
            if state["after"][0][0] == victim:
                problems.append(f"partition 0 still led by the killed broker {victim}")
            rr = self.c.kl("restart-node", str(victim), check=False, timeout=300)
            if rr.returncode != 0:
                problems.append(f"restart-node {victim}: {rr.stderr[-500:]}")
            return problems

        # The producer is still sending when the leader of partition 0 dies
        # (kill -9 after 600 acknowledgements of 3000 at 1000 records/s).
        self.scenario("leader-kill", "kill -9 of the broker leading partition 0 after 600 of 3000 records "
                      "(1000/s), RF 3, min.insync.replicas=2, idempotent; restarted afterwards", 3000, topic=topic,
                      extra=["--rate", "1000", "--fault-cmd", f"kill -9 {pid}", "--fault-after", "600"],
                      after=after)
        res = self.results[-1]
        if res["name"] == "leader-kill" and "after" in state:
            res["note"] = f"broker {victim} killed, partition 0 moved to broker {state['after'][0][0]}"
            print(f"       {res['note']}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build dir with test/interop/interop_produce")
    ap.add_argument("--version", default=os.environ.get("SLUICE_KAFKA_VERSION", "4.3.1"))
    ap.add_argument("--base", type=int, default=int(os.environ.get("SLUICE_KAFKA_BASE", "29390")))
    ap.add_argument("--running", action="store_true", help="use the secure 3-broker cluster running on --base")
    ap.add_argument("--only", default="", help="comma-separated scenario name prefixes")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--work", default="/tmp/sluice-interop", help="per-run files (reports, logs)")
    args = ap.parse_args()
    args.only = [o for o in args.only.split(",") if o]
    t0 = time.monotonic()
    try:
        kcat = readers.kcat_version()
    except readers.ReaderError as e:
        print(f"broker_suite: {e}", file=sys.stderr)
        return 2
    cluster = Cluster(args.base, args.version, args.running)
    suite = None
    try:
        cluster.start()
        print(f"broker_suite: Kafka {cluster.version} on base {args.base} ({cluster.info['bootstrap.plaintext']}); "
              f"readers: Java KafkaConsumer {cluster.version}, {kcat}", flush=True)
        suite = Suite(args, cluster)
        suite.run()
    except (RuntimeError, readers.ReaderError, subprocess.TimeoutExpired) as e:
        print(f"broker_suite: {e}", file=sys.stderr)
        if suite is None:
            cluster.stop()
            return 2
    finally:
        if suite is not None:
            cluster.stop()
    results = suite.results
    passed = bool(results) and all(r["passed"] for r in results)
    out = {"kafka_version": cluster.version, "readers": [f"Java KafkaConsumer {cluster.version}", kcat],
           "scenarios": results, "passed": passed, "seconds": round(time.monotonic() - t0),
           "negotiated": {k: sorted(v) for k, v in suite.versions.items()}, "work": str(suite.work),
           "negative_control": suite.negative_control}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    n_ok = sum(1 for r in results if r["passed"])
    print(f"broker_suite: Kafka {cluster.version}: {n_ok} passed, {len(results) - n_ok} failed ({out['seconds']} s)")
    for summary, who in out["negotiated"].items():
        print(f"  negotiated with {', '.join(who)}: {summary}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
