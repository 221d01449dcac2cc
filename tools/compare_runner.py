# tools/compare_runner.py: the runner of tools/compare: it builds the bench
# tools, starts a broker (tools/kafka-local), creates the topics, runs and
# measures every client (wall time, CPU, RSS) in the planned order, and hands
# the runs to the report writer. Not a program (tools/compare imports it).
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import shlex

from compare_common import (KAFKA_LOCAL, KAFKA_VERSION, ROOT, Failure, cmdline, cpu_info, loadavg, rel, run_quiet,
                            say, tail)
from compare_report import ReportWriter, median
from compare_workloads import (BATCH_SIZE, BUFFER_BYTES, CLIENT_NAMES, LINGER_MS, MAX_IN_FLIGHT, ROW_BY_ID,
                               client_command, parse_bench, parse_java)

TOPIC_CLASS = "org.apache.kafka.tools.TopicCommand"


def read_stat_cpu(pid):
    """utime+stime (s) of a process from /proc/<pid>/stat; works on an unreaped zombie,
    whose figures then cover every thread of the process."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    comm = data[data.index("(") + 1:data.rindex(")")]
    rest = data[data.rindex(")") + 2:].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(rest[11]) + int(rest[12])) / ticks, comm


CURRENT_CHILD = None


def run_measured(cmd, log_prefix, timeout):
    """Runs cmd with stdout/stderr to LOG.out/.err; returns exit code, wall time, the
    process's CPU from /proc/<pid>/stat read between its exit and its reaping, and
    wait4's rusage (CPU and max RSS) as a cross-check."""
    global CURRENT_CHILD
    out_path, err_path = log_prefix + ".out", log_prefix + ".err"
    with open(log_prefix + ".cmd", "w") as f:
        f.write(cmdline(cmd) + "\n")
    t0 = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    CURRENT_CHILD = p
    try:
        while True:
            info = os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
            if info is not None:
                break
            if time.monotonic() - t0 > timeout:
                kill_child(p)
                raise Failure(f"{cmdline(cmd[:3])}... ran over {timeout:.0f} s and was killed (logs: {rel(log_prefix)}.*)")
            time.sleep(0.05)
        wall = time.monotonic() - t0
        try:
            stat_cpu, comm = read_stat_cpu(p.pid)
        except (OSError, ValueError, IndexError):
            stat_cpu, comm = None, None
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        CURRENT_CHILD = None
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    return {"rc": p.returncode, "wall_s": wall, "stat_cpu_s": stat_cpu, "comm": comm,
            "rusage_cpu_s": ru.ru_utime + ru.ru_stime, "rusage_maxrss_mib": ru.ru_maxrss / 1024,
            "stdout": stdout, "stderr_path": err_path}


def kill_child(p):
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if p.poll() is not None:
                return
            time.sleep(0.1)


# ------------------------------------------------------------------ the comparison
class Compare(ReportWriter):
    def __init__(self, a):
        self.a = a
        self.runs = []          # every measured run (dicts, see record())
        self.failures = []      # one line per failed run
        self.broker_started = False
        self.bootstrap = a.bootstrap
        self.pin = None         # {"client": "1", "broker": "0"} or None
        self.pin_note = ""
        self.topic_seq = 0
        self.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.t_start = time.monotonic()
        self.java_baseline_cpu_s = []

    # --------------------------------------------------------------- setup
    def prepare_dirs(self):
        a = self.a
        if a.out:
            self.out = os.path.abspath(a.out)
        elif a.quick:
            os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
            self.out = tempfile.mkdtemp(prefix="compare-quick-", dir=os.path.join(ROOT, "build"))
        else:
            self.out = os.path.join(ROOT, "docs")
        self.assets = os.path.join(self.out, "benchmarks")
        if a.logs:
            self.logs = os.path.abspath(a.logs)
        elif a.quick:
            self.logs = os.path.join(self.out, "logs")
        else:
            self.logs = os.path.join(ROOT, "build", "compare-logs", self.stamp)
        for d in (self.out, self.assets, self.logs):
            try:
                os.makedirs(d, exist_ok=True)
            except OSError as e:
                raise Failure(f"cannot create {d}: {e.strerror}")
        say(f"output: {rel(self.out)}/BENCHMARKS.md and {rel(self.assets)}/; per-run logs: {rel(self.logs)}/")

    def check_tools(self):
        a = self.a
        need_java = True  # TopicCommand creates every run's topic
        if need_java and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise Failure("java not found: topics are created with Kafka's TopicCommand and the Java client is "
                          "ProducerPerformance (run tools/setup, or set JAVA_HOME)")
        self.gnuplot = None if a.no_plots else shutil.which("gnuplot")
        if not a.no_plots and not self.gnuplot:
            if a.quick:
                say("gnuplot not found: no plots (run tools/setup to install gnuplot-nox)")
            else:
                raise Failure("gnuplot not found: run tools/setup (it installs gnuplot-nox), or pass --no-plots")
        if not a.no_pin:
            if not shutil.which("taskset"):
                self.pin_note = "taskset not found (util-linux): nothing was pinned."
            elif (os.cpu_count() or 1) < 2:
                self.pin_note = "one core only: nothing was pinned."
            else:
                last = str(os.cpu_count() - 1)
                self.pin = {"client": last, "broker": "0"}
        else:
            self.pin_note = "pinning switched off (--no-pin)."

    def build(self):
        a = self.a
        self.bins = {}
        want = []
        if a.sluice_bench:
            self.bins["sluice"] = os.path.abspath(a.sluice_bench)
        else:
            want.append(("sluice", "sluice-bench"))
        if "librdkafka" in a.client_list:
            if a.rdkafka_bench:
                self.bins["librdkafka"] = os.path.abspath(a.rdkafka_bench)
            else:
                want.append(("librdkafka", "rdkafka-bench"))
        bdir = os.path.abspath(a.build_dir)
        self.build_dir = bdir if want else None
        if want and not a.no_build:
            cache = os.path.join(bdir, "CMakeCache.txt")
            log = os.path.join(self.logs, "build.log")
            if os.path.exists(cache):
                with open(cache, errors="replace") as f:
                    m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", f.read(), re.M)
                if not m or m.group(1) != "Release":
                    raise Failure(f"{rel(bdir)} is a {m.group(1) if m else 'multi-config or unknown'} build, not "
                                  f"Release: pass another --build-dir")
            else:
                gen = ["-G", "Ninja"] if shutil.which("ninja") else []
                cfg = ["cmake", "-S", ROOT, "-B", bdir, *gen, "-DCMAKE_BUILD_TYPE=Release", "-DSLUICE_BUILD_TESTS=OFF"]
                say(f"configuring a Release build: {cmdline(cfg)}")
                with open(log, "a") as f:
                    if subprocess.run(cfg, stdout=f, stderr=subprocess.STDOUT).returncode != 0:
                        raise Failure(f"cmake configure failed; last lines of {rel(log)}:\n{tail(log)}")
            targets = [t for _, t in want]
            cmd = ["cmake", "--build", bdir, "-j", str(os.cpu_count() or 2), "--target", *targets]
            say(f"building: {cmdline(cmd)}")
            self.build_cmd = cmdline(cmd)
            with open(log, "a") as f:
                if subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode != 0:
                    msg = f"build failed; last lines of {rel(log)}:\n{tail(log)}"
                    if "rdkafka-bench" in targets and "unknown target 'rdkafka-bench'" in tail(log, 200):
                        msg = ("rdkafka-bench is not a target of this build (librdkafka-dev missing when it was "
                               "configured? run tools/setup and reconfigure), or pass --clients sluice,java")
                    raise Failure(msg)
        for client, target in want:
            self.bins[client] = os.path.join(bdir, "tools", target)
        for client, path in self.bins.items():
            if not os.access(path, os.X_OK):
                raise Failure(f"{rel(path)} is not an executable (build it, or point --{'sluice' if client == 'sluice' else 'rdkafka'}-bench at one)")
        self.compiler = self.compiler_info()
        # the source state now, next to the binary: commits can land while the runs go on
        rc, out, _ = run_quiet(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], timeout=20)
        commit = out.strip() if rc == 0 else "?"
        rc, out, _ = run_quiet(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], timeout=20)
        dirty = bool(out.strip()) if rc == 0 else None
        built = datetime.datetime.fromtimestamp(os.stat(self.bins["sluice"]).st_mtime, datetime.timezone.utc)
        self.source_state = {"commit": commit, "dirty": dirty, "sluice_bench_built_utc": built.strftime("%Y-%m-%d %H:%M")}

    def compiler_info(self):
        if not self.build_dir:
            return None
        try:
            with open(os.path.join(self.build_dir, "CMakeCache.txt"), errors="replace") as f:
                cache = f.read()
        except OSError:
            return None
        cxx = re.search(r"^CMAKE_CXX_COMPILER:\w+=(.*)$", cache, re.M)
        flags = re.search(r"^CMAKE_CXX_FLAGS_RELEASE:\w+=(.*)$", cache, re.M)
        version = None
        if cxx:
            rc, out, _ = run_quiet([cxx.group(1), "--version"], timeout=20)
            version = out.splitlines()[0] if rc == 0 and out else None
        return {"compiler": version, "flags": flags.group(1) if flags else None}

    def start_broker(self):
        a = self.a
        if self.bootstrap:
            say(f"using the running cluster at {self.bootstrap}")
            self.broker_desc = f"an already running cluster at {self.bootstrap} (given with -b; version not checked)"
            return
        rc, out, err = run_quiet([KAFKA_LOCAL, "--base", str(a.base), "status"], timeout=30)
        if rc == 0:
            raise Failure(f"a kafka-local cluster already runs on base {a.base}: use it with "
                          f"-b $(tools/kafka-local --base {a.base} bootstrap), or stop it "
                          f"(tools/kafka-local --base {a.base} stop), or pass another --base")
        cmd = [KAFKA_LOCAL, "--base", str(a.base), "start"]
        if self.pin:
            cmd = ["taskset", "-c", self.pin["broker"]] + cmd
        say(f"starting a broker: {cmdline(cmd)}")
        log = os.path.join(self.logs, "kafka-local-start.log")
        with open(log, "w") as f:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=f, text=True, timeout=600)
        if r.returncode != 0:
            raise Failure(f"tools/kafka-local start failed; last lines of {rel(log)}:\n{tail(log)}")
        self.broker_started = True
        self.bootstrap = r.stdout.strip().splitlines()[-1]
        self.broker_desc = (f"Apache Kafka {KAFKA_VERSION} (tools/kafka-local: one KRaft controller and one broker, "
                            f"base port {a.base}, broker JVM C1-only, G1, -Xmx512m)")
        say(f"broker ready at {self.bootstrap}")

    def stop_broker(self):
        if self.broker_started and not self.a.keep_broker:
            say(f"stopping the broker (base {self.a.base})")
            run_quiet([KAFKA_LOCAL, "--base", str(self.a.base), "stop"], timeout=120)
            self.broker_started = False

    # --------------------------------------------------------------- runs
    def client_prefix(self):
        return ["taskset", "-c", self.pin["client"]] if self.pin else []

    def new_topic(self, tag):
        self.topic_seq += 1
        return f"cmp-{self.stamp.lower()}-{self.topic_seq:03d}-{tag}"

    def create_topics(self, topics):
        for t in topics:
            cmd = [KAFKA_LOCAL, "run-class", TOPIC_CLASS, "--bootstrap-server", self.bootstrap, "--create",
                   "--topic", t, "--partitions", str(self.a.partitions), "--replication-factor", "1"]
            if self.pin:
                cmd = ["taskset", "-c", self.pin["broker"]] + cmd
            env = dict(os.environ)
            env["SLUICE_KAFKA_TOOL_OPTS"] = (env.get("SLUICE_KAFKA_TOOL_OPTS", "") + " -XX:TieredStopAtLevel=1").strip()
            rc, out, err = run_quiet(cmd, timeout=180, env=env)
            if rc != 0:
                raise Failure(f"creating topic {t} failed (exit {rc}): {err.strip().splitlines()[-1] if err.strip() else out.strip()}"
                              f" [{cmdline(cmd)}]")
        self.last_create_cmd = cmdline(cmd) if topics else None

    def client_cmd(self, client, row, topic, records, rate):
        return self.client_prefix() + client_command(client, row, self.bins.get(client), self.bootstrap, topic,
                                                     records, rate)

    def run_client(self, client, row, topic, records, rate=None, kind="throughput", rep=0):
        cmd = self.client_cmd(client, row, topic, records, rate)
        load1 = loadavg()[0]
        prefix = os.path.join(self.logs, f"{topic}")
        say(f"  {kind:10} {row.id:13} {CLIENT_NAMES[client]:10} {records:>9} records"
            + (f" at {rate}/s" if rate else "") + f"  (load {load1})")
        m = run_measured(cmd, prefix, self.a.run_timeout)
        run = {"kind": kind, "client": client, "row": row.id, "rep": rep, "topic": topic, "records": records,
               "rate": rate, "load1_before": float(load1), "exit_code": m["rc"], "wall_s": round(m["wall_s"], 3),
               "process_cpu_s": m["stat_cpu_s"], "rusage_cpu_s": round(m["rusage_cpu_s"], 3),
               "rusage_maxrss_mib": round(m["rusage_maxrss_mib"], 1), "command": cmdline(cmd), "ok": False}
        try:
            if client == "java":
                self.parse_java(run, m, row, records)
            else:
                self.parse_bench(run, m, row, records)
            run["ok"] = True
        except Failure as e:
            run["error"] = str(e)
            self.failures.append(f"{kind} {row.id} {client} ({topic}): {e}")
            say(f"  FAILED: {e} (logs: {rel(prefix)}.out/.err)")
        if run.get("process_cpu_s") is not None:
            run["process_cpu_us_per_record"] = run["process_cpu_s"] * 1e6 / records
        if kind in ("throughput", "fixed"):
            self.runs.append(run)
        return run

    def parse_bench(self, run, m, row, records):
        parse_bench(run, m, records)

    def parse_java(self, run, m, row, records):
        parse_java(run, m, row, records)

    # --------------------------------------------------------------- plan
    def records_for(self, row):
        return self.a.records if row.size == 100 else self.a.records_1k

    def order(self, k):
        cl = self.a.client_list
        k %= len(cl)
        return cl[k:] + cl[:k]

    def warm_up(self):
        """One discarded run of every client (JVM, page cache, broker's JIT), and with Java
        one-record runs whose CPU is the JVM's fixed cost (start, producer set-up, close)."""
        row = self.a.row_list[0]
        n = max(1000, self.records_for(row) // 4)
        jobs = [(c, n, "warm-up") for c in self.a.client_list]
        if "java" in self.a.client_list:
            jobs += [("java", 1, "java-idle")] * min(3, self.a.reps)
        topics = [self.new_topic(f"{kind}-{c}") for c, _, kind in jobs]
        self.create_topics(topics)
        say(f"warm-up ({', '.join(CLIENT_NAMES[c] for c in self.a.client_list)}; discarded)")
        for (c, n, kind), t in zip(jobs, topics):
            r = self.run_client(c, row, t, n, kind=kind)
            if kind == "java-idle" and r["process_cpu_s"] is not None and r.get("ok"):
                self.java_baseline_cpu_s.append(r["process_cpu_s"])
            if kind == "warm-up" and not r.get("ok"):
                raise Failure(f"the warm-up run of {CLIENT_NAMES[c]} failed: {r.get('error')} "
                              f"(logs: {rel(self.logs)}/{t}.*)")

    def throughput_runs(self):
        a = self.a
        for rep in range(a.reps):
            plan = []
            for i, row in enumerate(a.row_list):
                for c in self.order(rep + i):
                    plan.append((row, c, self.new_topic(f"{row.id}-r{rep + 1}-{c}")))
            say(f"repetition {rep + 1} of {a.reps}: creating {len(plan)} topics")
            self.create_topics([t for _, _, t in plan])
            for row, c, t in plan:
                self.run_client(c, row, t, self.records_for(row), rep=rep + 1)

    def fixed_rate_runs(self):
        a = self.a
        row = ROW_BY_ID[a.rate_row]
        peers = [c for c in a.client_list if c != "sluice"] or ["sluice"]
        if a.rate:
            self.rate, self.rate_basis = a.rate, "given with --rate"
        else:
            meds = {c: median(r["records_per_s"] for r in self.ok_runs("throughput", row.id, c)) for c in peers}
            if any(v is None for v in meds.values()):
                row = next((r for r in a.row_list if all(
                    self.ok_runs("throughput", r.id, c) for c in peers)), None)
                if row is None:
                    say("no throughput figures to derive the fixed rate from: fixed-rate run skipped")
                    self.rate = None
                    return
                say(f"row {a.rate_row} was not run: the fixed-rate run uses {row.id}")
                meds = {c: median(r["records_per_s"] for r in self.ok_runs("throughput", row.id, c)) for c in peers}
            slow = min(meds, key=meds.get)
            self.rate = max(100, int(round(meds[slow] / 2, -2)))
            if slow == "sluice":
                self.rate_basis = f"half Sluice's median records/s on this row ({meds[slow]:,.0f}; no peer ran)"
            else:
                self.rate_basis = (f"half the median records/s of the slower peer on this row "
                                   f"({CLIENT_NAMES[slow]}, {meds[slow]:,.0f} records/s)")
        self.rate_row = row
        n = max(100, int(self.rate * a.rate_seconds))
        self.rate_records = n
        plan = []
        for rep in range(a.reps):
            for c in self.order(rep):
                plan.append((rep + 1, c, self.new_topic(f"rate-{row.id}-r{rep + 1}-{c}")))
        say(f"fixed-rate runs: {self.rate} records/s, {n} records each, row {row.id}")
        self.create_topics([t for _, _, t in plan])
        for rep, c, t in plan:
            self.run_client(c, row, t, n, rate=self.rate, kind="fixed", rep=rep)

    # --------------------------------------------------------------- main
    def main(self):
        a = self.a
        self.started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        self.invocation = "tools/compare " + " ".join(shlex.quote(x) for x in sys.argv[1:])
        self.prepare_dirs()
        self.check_tools()
        self.build()
        self.cpu = cpu_info()
        if self.pin:
            # this script's own polling stays off the client's core
            try:
                os.sched_setaffinity(0, {int(self.pin["broker"])})
            except OSError:
                pass
        self.load_before = loadavg()
        self.start_broker()
        if self.pin:
            self.pin_txt = ((f"broker and controller JVMs pinned to CPU {self.pin['broker']} "
                             f"(`taskset -c {self.pin['broker']} tools/kafka-local start`), " if self.broker_started
                             else "the broker was not started here and is not pinned; ")
                            + f"every client pinned to CPU {self.pin['client']} (`taskset -c {self.pin['client']}`), "
                            f"so each client had one core for all its threads; topic creation and this script on "
                            f"CPU {self.pin['broker']}. Other users' processes were not pinned and ran on both.")
        else:
            self.pin_txt = "No pinning: " + self.pin_note
        self.broker_cmd = ("taskset -c 0 " if self.pin else "") + f"tools/kafka-local --base {a.base} start"
        try:
            self.warm_up()
            self.throughput_runs()
            if not a.no_rate_run:
                self.fixed_rate_runs()
        finally:
            self.load_after = loadavg()
            self.stop_broker()
        secs = time.monotonic() - self.t_start
        self.elapsed_txt = f"{int(secs // 60)} min {int(secs % 60)} s for the whole `tools/compare` run"
        loads = [r["load1_before"] for r in self.runs]
        self.load_range = f"{min(loads):.2f} to {max(loads):.2f}" if loads else "n/a"
        base = median(self.java_baseline_cpu_s)
        self.java_base_txt = f"{base:.2f} s CPU" if base is not None else "not measured"
        self.example_row = a.row_list[0]
        ex_topic = "TOPIC"
        self.example_cmds = {c: self.client_cmd(c, self.example_row, ex_topic, self.records_for(self.example_row), None)
                             for c in a.client_list}
        self.example_cmds = {c: cmdline(cmd).replace(self.bootstrap, "$B") for c, cmd in self.example_cmds.items()}
        self.topic_cmd = (("taskset -c 0 " if self.pin else "")
                          + f"tools/kafka-local run-class {TOPIC_CLASS} --bootstrap-server $B --create "
                            f"--topic TOPIC --partitions {a.partitions} --replication-factor 1")
        self.vers = self.versions()
        self.made_plots = []
        try:
            self.made_plots = self.plots()
        except Failure as e:
            self.failures.append(str(e))
            say(str(e))
        meta = {"started_utc": self.started_at, "invocation": self.invocation, "cpu": self.cpu,
                "load_before": self.load_before, "load_after": self.load_after, "pinning": self.pin_txt,
                "broker": self.broker_desc, "versions": self.vers, "java_idle_run_cpu_s": self.java_baseline_cpu_s,
                "settings": {"linger.ms": LINGER_MS, "batch.size": BATCH_SIZE, "max.in.flight": MAX_IN_FLIGHT,
                             "buffer_bytes": BUFFER_BYTES, "partitions": a.partitions},
                "fixed_rate": getattr(self, "rate", None), "elapsed_s": round(secs, 1)}
        self.write_results_json(meta)
        path, md = self.write_report()
        # stdout: the results table (the smoke test reads it)
        start = md.index("## Results (medians)\n")
        end = next(i for i in range(start + 1, len(md)) if md[i].startswith("## "))
        print("\n".join(l for l in md[start:end] if l.startswith("|") or l.startswith("##")))
        if getattr(self, "rate", None):
            s = next(i for i, l in enumerate(md) if l.startswith("## Latency at a fixed rate"))
            e = next(i for i in range(s + 1, len(md)) if md[i].startswith("## "))
            print("\n".join(l for l in md[s:e] if l.startswith("|") or l.startswith("##")))
        say(f"wrote {rel(path)}" + (f" and {', '.join(rel(os.path.join(self.assets, p)) for p in self.made_plots)}"
                                    if self.made_plots else "") + f" in {self.elapsed_txt.split(' for')[0]}")
        if self.failures:
            say(f"{len(self.failures)} run(s) failed:")
            for f in self.failures:
                print(f"  {f}", file=sys.stderr)
            return 1
        return 0
