# tools/compare_report.py: the statistics (medians, ratios) of tools/compare's
# runs and what it writes from them: results.json, the gnuplot plots and
# BENCHMARKS.md. Not a program (tools/compare imports it); ReportWriter is a
# part of tools/compare_runner.py's Compare.
import json
import math
import os
import re
import statistics

import compare_tls
from compare_common import KAFKA_VERSION, Failure, debian_version, rel, run_quiet
from compare_workloads import (BATCH_SIZE, BUFFER_BYTES, CLIENT_NAMES, JAVA_PERF_CLASS, LINGER_MS, MAX_IN_FLIGHT,
                               PERCENTILE_LABELS, PERCENTILES, QUEUE_MAX_MESSAGES)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize_runs(runs, client, java_baseline_cpu_s=()):
    """Medians (and the min and max records/s) of the successful runs among
    RUNS, all of one kind, row and client; "runs" counts them, "of" all RUNS.
    Java's CPU per record is estimated net of the JVM's fixed cost: the median
    CPU of the one-record runs in JAVA_BASELINE_CPU_S."""
    rs = [r for r in runs if r["ok"]]
    n_all = len(runs)
    if not rs:
        return {"runs": 0, "of": n_all}
    s = {
        "runs": len(rs), "of": n_all,
        "records_per_s": median(r["records_per_s"] for r in rs),
        "records_per_s_min": min(r["records_per_s"] for r in rs),
        "records_per_s_max": max(r["records_per_s"] for r in rs),
        "mib_per_s": median(r["mib_per_s"] for r in rs),
        "process_cpu_us": median(r.get("process_cpu_us_per_record") for r in rs),
        "peak_rss_mib": median(r["peak_rss_mib"] for r in rs),
        "client_rss_mib": median(r["client_rss_mib"] for r in rs),
        "latency_us": {p: median(r["latency_us"][p] for r in rs) for p in PERCENTILES},
    }
    if client == "java":
        base = median(java_baseline_cpu_s)
        s["tool_cpu_us"] = None
        if base is not None:
            est = median((r["process_cpu_s"] - base) * 1e6 / r["records"] for r in rs
                         if r.get("process_cpu_s") is not None)
            s["est_cpu_us"] = est if est is not None and est > 0 else None
    else:
        s["tool_cpu_us"] = median(r["tool_cpu_us_per_record"] for r in rs)
    s["cpu_us"] = s["tool_cpu_us"] if client != "java" else s.get("est_cpu_us")
    return s


def fmt(x, digits, thousands=False):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}" if thousands else f"{x:.{digits}f}"


def lat(s, p):
    return s.get("latency_us", {}).get(p) if s.get("runs") else None


def ratio(x, y, bold=False):
    if x is None or y is None or y == 0:
        return "n/a"
    t = f"{x / y:.2f}"
    return f"**{t}**" if bold else t


class ReportWriter:
    """The report half of Compare: needs self.a, self.runs, self.assets, self.logs,
    self.java_baseline_cpu_s and what Compare.main() sets before write_report()."""

    def ok_runs(self, kind, row_id, client):
        return [r for r in self.runs if r["kind"] == kind and r["row"] == row_id and r["client"] == client and r["ok"]]

    def all_runs(self, kind, row_id, client):
        return [r for r in self.runs if r["kind"] == kind and r["row"] == row_id and r["client"] == client]

    # --------------------------------------------------------------- results
    def summarize(self, kind, row_id, client):
        return summarize_runs(self.all_runs(kind, row_id, client), client, self.java_baseline_cpu_s)

    def versions(self):
        v = {}
        for c in ("sluice", "librdkafka"):
            for r in self.runs:
                if r["client"] == c and r.get("client_version"):
                    v[c] = r["client_version"]
                    break
        cache = os.environ.get("SLUICE_CACHE") or os.path.join(os.environ.get("HOME", "/root"), ".cache", "sluice")
        lib = os.path.join(cache, f"kafka-{KAFKA_VERSION}", "lib")
        try:
            jars = [j for j in os.listdir(lib) if re.fullmatch(r"kafka-clients-[\d.]+\.jar", j)]
        except OSError:
            jars = []
        v["kafka_clients"] = jars[0][len("kafka-clients-"):-4] if jars else "?"
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        rc, out, err = run_quiet([java, "-version"], timeout=30)
        v["java"] = (err or out).strip().splitlines()[0] if (err or out).strip() else "?"
        rc, out, _ = run_quiet(["dpkg-query", "-W", "-f=${Version}", "librdkafka1"], timeout=20)
        v["librdkafka_deb"] = out.strip() if rc == 0 else None
        v.update(self.source_state)
        return v

    def write_results_json(self, meta):
        path = os.path.join(self.assets, "results.json")
        with open(path, "w") as f:
            json.dump({"meta": meta, "runs": self.runs}, f, indent=1)
            f.write("\n")
        return path

    # --------------------------------------------------------------- plots
    def plots(self):
        if not self.gnuplot:
            return []
        made = []
        cl = self.a.client_list
        names = {c: self.client_label(c) for c in cl}
        colors = {"sluice": "#1b9e77", "librdkafka": "#d95f02", "java": "#7570b3"}
        work = os.path.join(self.logs, "plots")
        os.makedirs(work, exist_ok=True)

        def bars(fname, title, ylabel, value):
            dat = os.path.join(work, fname.replace(".png", ".dat"))
            with open(dat, "w") as f:
                f.write("# row " + " ".join(cl) + "\n")
                for row in self.a.row_list:
                    vals = []
                    for c in cl:
                        v = value(self.summarize("throughput", row.id, c), c)
                        vals.append("NaN" if v is None else f"{v:.6g}")
                    f.write(f'"{row.short}" ' + " ".join(vals) + "\n")
            plot = ", ".join(
                f"'{dat}' using {i + 2}{':xtic(1)' if i == 0 else ''} title '{names[c]}' lc rgb '{colors[c]}'"
                for i, c in enumerate(cl))
            self.gnuplot_script(fname, f"""
set title "{title}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set ylabel "{ylabel}"
set yrange [0:*]
set grid ytics
set key outside top center horizontal
set xtics rotate by -30 scale 0 nomirror
set format y "%.0f"
plot {plot}
""", work)
            made.append(fname)

        reps = self.a.reps
        bars("throughput.png", f"Records/s per workload (median of {reps} run{'s' if reps > 1 else ''}, unthrottled, one partition)",
             "records/s", lambda s, c: s.get("records_per_s"))
        bars("cpu.png", "Client CPU per record, whole process (/proc/<pid>/stat), median",
             "CPU us/record", lambda s, c: s.get("process_cpu_us"))

        if getattr(self, "rate", None):
            dat = os.path.join(work, "latency.dat")
            xs = {"p50": math.log10(2), "p95": math.log10(20), "p99": 2, "p99_9": 3, "max": 4}
            with open(dat, "w") as f:
                f.write("# x percentile " + " ".join(cl) + "\n")
                for p in PERCENTILES:
                    vals = []
                    for c in cl:
                        v = self.summarize("fixed", self.rate_row.id, c).get("latency_us", {}).get(p)
                        vals.append("NaN" if v is None else f"{max(v, 1) / 1000:.6g}")
                    f.write(f"{xs[p]:.4f} {PERCENTILE_LABELS[p]} " + " ".join(vals) + "\n")
            plot = ", ".join(f"'{dat}' using 1:{i + 3} title '{names[c]}' with linespoints lw 2 pt 7 lc rgb '{colors[c]}'"
                             for i, c in enumerate(cl))
            self.gnuplot_script("latency.png", f"""
set title "Send->ack latency at a fixed {self.rate:,} records/s ({self.rate_row.label}), median of {reps} run{'s' if reps > 1 else ''}"
set xlabel "percentile"
set ylabel "latency (ms, log scale)"
set logscale y
set grid xtics ytics mytics
set xtics ("p50" {xs['p50']:.4f}, "p95" {xs['p95']:.4f}, "p99" 2, "p99.9" 3, "max" 4)
set xrange [0.1:4.2]
set key top left
plot {plot}
""", work)
            made.append("latency.png")
        return made

    def gnuplot_script(self, png, body, work):
        script = os.path.join(work, png.replace(".png", ".gp"))
        out = os.path.join(self.assets, png)
        with open(script, "w") as f:
            f.write(f'set terminal pngcairo size 1000,560 font "DejaVu Sans,10"\nset output "{out}"\n{body}')
        rc, _, err = run_quiet([self.gnuplot, script], timeout=60)
        if rc != 0:
            raise Failure(f"gnuplot failed on {rel(script)}: {err.strip()[-300:]}")

    # --------------------------------------------------------------- report
    def client_label(self, c):
        v = self.vers
        if c == "sluice":
            return v.get("sluice", "Sluice").replace("sluice", "Sluice")
        if c == "librdkafka":
            return v.get("librdkafka", "librdkafka")
        return f"Java {v.get('kafka_clients', '?')}"

    def write_report(self):
        a = self.a
        self.vers = self.vers if hasattr(self, "vers") else self.versions()
        cl = self.a.client_list
        v = self.vers
        cpu = self.cpu
        md = []
        w = md.append
        quick = " (QUICK SMOKE RUN: too few records for the figures to mean anything)" if a.quick else ""
        w(f"# Benchmarks: Sluice, librdkafka and the Java producer{quick}\n")
        w(f"Generated by `tools/compare` on {self.started_at} (UTC); do not edit by hand, rerun it. "
          f"Raw figures of every run: [`benchmarks/results.json`](benchmarks/results.json).\n")
        w("From Python and Spark (Spark's own Kafka sink, confluent-kafka-python and `sluice.spark` "
          "writing the same DataFrame, and the plain Python loop): [BENCHMARKS-SPARK.md](BENCHMARKS-SPARK.md), "
          "written by `tools/compare-spark`.\n")
        w("**These figures are noisy.** The machine is a shared 2-core VM: while this ran, other "
          "builds, brokers and tests of other users were running on the same cores "
          f"(load average {' / '.join(self.load_before)} before, {' / '.join(self.load_after)} after; "
          f"1-minute load at the start of each run: {self.load_range}). "
          "Each figure is a median of a few runs; the records/s ranges in the table show the spread. "
          "Running the clients in alternation spreads slow changes of load over all of them, but any single run "
          "can still be hit by a burst of other work, and a client pinned to one core shares it with "
          "whatever else the scheduler puts there.\n")

        # ---- results table
        w("## Results (medians)\n")
        w(f"{a.reps} repetition{'s' if a.reps > 1 else ''} per row and client, unthrottled "
          f"({a.records:,} records of 100 B, {a.records_1k:,} of 1 KiB per run). "
          "CPU µs/record is the client's CPU over the records it sent: for Sluice and librdkafka the "
          "benchmark tool's own figure (getrusage over the send window, first send to last ack); for Java "
          "the JVM's whole-process CPU from `/proc/<pid>/stat` minus the CPU of a one-record run "
          f"(the JVM's fixed cost: start, producer set-up, close; median {self.java_base_txt}), marked ≈. "
          "Process CPU µs/record is the whole process for every client, start and exit included, "
          "from `/proc/<pid>/stat` (utime+stime, all threads). p99 is the send→ack latency of an unthrottled "
          "run, which is mostly time spent queued in the client. Peak RSS: Sluice and librdkafka minus the "
          "tool's latency table (12 B/record); Java: the JVM's `ru_maxrss`.\n")
        w("| workload | client | records/s | (min–max) | MiB/s | CPU µs/record | process CPU µs/record | p99 ms | peak RSS MiB | runs |")
        w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        for row in a.row_list:
            for c in cl:
                s = self.summarize("throughput", row.id, c)
                if not s["runs"]:
                    w(f"| {row.label} | {CLIENT_NAMES[c]} | failed | | | | | | | 0/{s['of']} |")
                    continue
                cpu_txt = (f"≈{s['cpu_us']:.2f}" if c == "java" and s["cpu_us"] is not None else
                           fmt(s["cpu_us"], 2))
                w(f"| {row.label} | {CLIENT_NAMES[c]} | {s['records_per_s']:,.0f} | "
                  f"{s['records_per_s_min']:,.0f}–{s['records_per_s_max']:,.0f} | {s['mib_per_s']:.1f} | "
                  f"{cpu_txt} | {fmt(s['process_cpu_us'], 2)} | {s['latency_us']['p99'] / 1000:.2f} | "
                  f"{s['client_rss_mib']:.1f} | {s['runs']}/{s['of']} |")
        w("")

        peers = [c for c in cl if c != "sluice"]
        if peers:
            w("## Ratios Sluice / peer, per row\n")
            w("Below 1 is better for Sluice on CPU and latency, above 1 is better for Sluice on records/s. "
              "CPU (headline): the CPU µs/record column above; "
              + ("against Java also on whole-process CPU, where both sides pay start and exit. " if "java" in peers else "")
              + "\n")
            head = ["workload"]
            for p in peers:
                head.append(f"CPU vs {CLIENT_NAMES[p]}")
                if p == "java":
                    head.append("process CPU vs Java")
            for p in peers:
                head.append(f"records/s vs {CLIENT_NAMES[p]}")
            for p in peers:
                head.append(f"p99 vs {CLIENT_NAMES[p]}")
            w("| " + " | ".join(head) + " |")
            w("|---" + "|--:" * (len(head) - 1) + "|")
            for row in a.row_list:
                s0 = self.summarize("throughput", row.id, "sluice")
                cells = [row.label]
                ps = {p: self.summarize("throughput", row.id, p) for p in peers}
                for p in peers:
                    cells.append(ratio(s0.get("cpu_us"), ps[p].get("cpu_us"), bold=True))
                    if p == "java":
                        cells.append(ratio(s0.get("process_cpu_us"), ps[p].get("process_cpu_us")))
                for p in peers:
                    cells.append(ratio(s0.get("records_per_s"), ps[p].get("records_per_s")))
                for p in peers:
                    cells.append(ratio(lat(s0, "p99"), lat(ps[p], "p99")))
                w("| " + " | ".join(cells) + " |")
            w("")

        # ---- fixed rate
        if getattr(self, "rate", None):
            row = self.rate_row
            w(f"## Latency at a fixed rate: {self.rate:,} records/s\n")
            w(f"Workload {row.label}; {self.rate_records:,} records per run ({a.rate_seconds:g} s), "
              f"{a.reps} run{'s' if a.reps > 1 else ''} per client, medians. The rate is {self.rate_basis}. "
              "Sluice and librdkafka count each record's latency from its **intended** send time "
              "(start + i/rate), so a stall delays every record behind it and shows; Java's "
              "ProducerPerformance counts from its actual send call, in whole milliseconds (its own "
              "throttle; a stall there hides part of itself), so its figures are flattering by comparison "
              "and its low percentiles are rounded to 1 ms steps.\n")
            w("| client | records/s achieved | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | CPU µs/record | peak RSS MiB | runs |")
            w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
            for c in cl:
                s = self.summarize("fixed", row.id, c)
                if not s["runs"]:
                    w(f"| {CLIENT_NAMES[c]} | failed | | | | | | | | 0/{s['of']} |")
                    continue
                l = s["latency_us"]
                cpu_txt = f"≈{s['cpu_us']:.2f}" if c == "java" and s["cpu_us"] is not None else fmt(s["cpu_us"], 2)
                w(f"| {CLIENT_NAMES[c]} | {s['records_per_s']:,.0f} | "
                  + " | ".join(f"{l[p] / 1000:.2f}" for p in PERCENTILES)
                  + f" | {cpu_txt} | {s['client_rss_mib']:.1f} | {s['runs']}/{s['of']} |")
            w("")

        # ---- plots
        if self.made_plots:
            w("## Plots\n")
            for p in self.made_plots:
                cap = {"throughput.png": "Records/s per workload and client (medians)",
                       "cpu.png": "Whole-process CPU per record (medians)",
                       "latency.png": f"Latency percentiles at {self.rate:,} records/s (medians)"
                       if getattr(self, "rate", None) else ""}[p]
                w(f"![{cap}](benchmarks/{p})\n")

        # ---- targets
        w("## Against the targets (issue 6)\n")
        w("Judged on the medians above; the status column is computed, not edited.\n")
        w("| target | figures | status |")
        w("|---|---|---|")
        for t in self.targets():
            w(f"| {t[0]} | {t[1]} | {t[2]} |")
        w("")

        # ---- machine, versions, settings, commands
        ci = cpu
        w("## Machine and versions\n")
        w("| | |")
        w("|---|---|")
        w(f"| CPU | {ci['model']} ({ci['family']}), {ci['cores']} cores"
          + (f", {float(ci['mhz']):.0f} MHz" if ci.get("mhz") else "") + " (`/proc/cpuinfo`) |")
        if ci.get("mem_gib"):
            w(f"| memory | {ci['mem_gib']:.1f} GiB |")
        w(f"| OS | Debian {debian_version()}, Linux {ci['kernel']} |")
        w(f"| load average (1/5/15 min) | before: {' / '.join(self.load_before)}; after: {' / '.join(self.load_after)} |")
        w(f"| pinning | {self.pin_txt} |")
        w(f"| broker | {self.broker_desc} |")
        w(f"| topics | a fresh topic per run, {a.partitions} partition{'s' if a.partitions > 1 else ''}, replication factor 1, created with Kafka's TopicCommand |")
        w(f"| Sluice | {v.get('sluice', '?')}; work tree at commit {v.get('commit', '?')}"
          + (" with uncommitted changes" if v.get("dirty") else "")
          + f" when the run started; sluice-bench binary built {v.get('sluice_bench_built_utc', '?')} UTC"
          + (f"; {self.compiler['compiler']}, `{self.compiler['flags']}`" if self.compiler and self.compiler.get("compiler") else "")
          + " |")
        if "librdkafka" in cl:
            w(f"| librdkafka | {v.get('librdkafka', '?')} (Debian package librdkafka1 {v.get('librdkafka_deb') or '?'}), via rdkafka-bench |")
        if "java" in cl:
            w(f"| Java producer | kafka-clients {v.get('kafka_clients', '?')}, `{JAVA_PERF_CLASS}`, {v.get('java', '?')}; "
              "JVM options of `tools/kafka-local run-class`: `-Xms64m -Xmx512m -XX:+UseG1GC`, full JIT, CDS archive |")
        w(f"| run time | {self.elapsed_txt} |")
        w("")

        w("## Settings, the same for every client\n")
        w("| meaning | Sluice (`sluice-bench`) | librdkafka (`rdkafka-bench`) | Java (`ProducerPerformance --command-property`) |")
        w("|---|---|---|---|")
        w(f"| acks | `--acks 1` / `--acks all` | `--acks 1` / `--acks all` | `acks=1` / `acks=all` |")
        w(f"| compression | `--compression none` / `lz4` | `--compression none` / `lz4` | `compression.type=none` / `lz4` |")
        w(f"| linger | `--linger-ms {LINGER_MS}` | `--linger-ms {LINGER_MS}` | `linger.ms={LINGER_MS}` |")
        w(f"| batch size | `--batch-size {BATCH_SIZE}` | `--batch-size {BATCH_SIZE}` | `batch.size={BATCH_SIZE}` |")
        w("| idempotence | `enable.idempotence=true` with acks=all, `false` with acks=1 (Java refuses idempotence without acks=all) | same | same |")
        w(f"| requests in flight | `max.in.flight.requests.per.connection={MAX_IN_FLIGHT}` | same | same |")
        w(f"| buffer | `buffer.memory={BUFFER_BYTES}`, `queue.buffering.max.messages={QUEUE_MAX_MESSAGES}` | "
          f"`queue.buffering.max.kbytes={BUFFER_BYTES // 1024}`, `queue.buffering.max.messages={QUEUE_MAX_MESSAGES}` "
          f"(its default) | `buffer.memory={BUFFER_BYTES}` (no record cap in the Java client) |")
        w("| records | null keys; the value is the same random capital letters for every record | same | same (its own payload) |")
        w("")
        w("Each client sends the same value in every record, so lz4 compresses each batch far better "
          "than it would real data.\n")

        w("## Method\n")
        w(f"- Clients run one at a time, in alternation: in each repetition every row runs every client, "
          f"and the client order is rotated from row to row and from repetition to repetition. "
          f"A discarded warm-up run of each client (JVM, page cache, broker) comes first, then "
          f"{min(3, a.reps)} one-record Java run{'s' if min(3, a.reps) > 1 else ''} whose CPU is the JVM's fixed cost.")
        w("- Each run produces to a fresh topic; the topics of a repetition are created before it starts, so "
          "no topic creation overlaps a measured run.")
        w(f"- {self.pin_txt}")
        w("- records/s, MiB/s (value bytes / 2^20) and latency: each tool's own report (docs/TOOLS.md for "
          "sluice-bench and rdkafka-bench; ProducerPerformance's final line for Java, which counts from its "
          "first send and in whole milliseconds). Every acknowledged record is a latency sample in all three.")
        w("- Process CPU: `utime+stime` of `/proc/<pid>/stat`, read after the process exits and before it is "
          "reaped (so every thread is counted), divided by the records sent. For Java the pid is the JVM "
          "(`tools/kafka-local run-class` execs `java`).")
        w("- Medians per row and client over the successful runs; the ratio columns divide medians.")
        w("")
        w("## Commands\n")
        w("This report:\n")
        w("```sh\n" + self.invocation + "\n```\n")
        if getattr(self, "build_cmd", None):
            w(f"Build: `{self.build_cmd}` (a Release build; configured with `-DCMAKE_BUILD_TYPE=Release` if new).\n")
        if not a.bootstrap:
            w(f"Broker: `{self.broker_cmd}`; stopped afterwards with `tools/kafka-local --base {a.base} stop`.\n")
        w(f"Topic of each run: `{self.topic_cmd}`\n")
        w(f"One run per client, shown for row {self.example_row.label} (the other rows change `--acks`, "
          "`--compression`, `--record-size`, `--num-records`, `enable.idempotence`; every run's exact "
          "command is in results.json):\n")
        w("```sh")
        for c in cl:
            w(self.example_cmds[c])
        w("```\n")
        if getattr(self, "rate", None):
            w(f"The fixed-rate runs add `--throughput {self.rate}` (all three tools) with "
              f"`--num-records {self.rate_records}`.\n")

        if self.failures:
            w("## Failed runs\n")
            for f in self.failures:
                w(f"- {f}")
            w("")

        w("<details><summary>Every measured run</summary>\n")
        w("| kind | workload | rep | client | records/s | CPU µs/record (tool) | process CPU µs/record | p99 ms | load (1 min) before | ok |")
        w("|---|---|--:|---|--:|--:|--:|--:|--:|---|")
        for r in self.runs:
            w(f"| {r['kind']} | {r['row']} | {r['rep']} | {CLIENT_NAMES[r['client']]} | "
              f"{fmt(r.get('records_per_s'), 0, True)} | {fmt(r.get('tool_cpu_us_per_record'), 2)} | "
              f"{fmt(r.get('process_cpu_us_per_record'), 2)} | "
              f"{fmt(r['latency_us']['p99'] / 1000 if r.get('latency_us') else None, 2)} | {r['load1_before']:.2f} | "
              f"{'yes' if r['ok'] else 'no'} |")
        w("\n</details>\n")

        path = os.path.join(self.out, "BENCHMARKS.md")
        text = compare_tls.carry_over(path, "\n".join(md))  # the section of an earlier --tls run stays
        with open(path, "w") as f:
            f.write(text)
        return path, md

    def targets(self):
        a = self.a
        out = []
        rows = a.row_list
        if "librdkafka" in a.client_list:
            figs, bad = [], 0
            for row in rows:
                s0, s1 = self.summarize("throughput", row.id, "sluice"), self.summarize("throughput", row.id, "librdkafka")
                if s0.get("cpu_us") is None or s1.get("cpu_us") is None:
                    figs.append(f"{row.id}: n/a")
                    bad += 1
                    continue
                r = s0["cpu_us"] / s1["cpu_us"]
                figs.append(f"{row.id}: {s0['cpu_us']:.2f} vs {s1['cpu_us']:.2f} = {r:.2f}×")
                bad += r > 0.5
            out.append(("Sluice CPU per record ≤ 0.5× librdkafka's, every row", "; ".join(figs),
                        "**met**" if not bad else f"**not met** on {bad} of {len(rows)} rows"))
        peers = [c for c in a.client_list if c != "sluice"]
        if peers:
            figs, bad = [], 0
            for row in rows:
                s0 = self.summarize("throughput", row.id, "sluice")
                ps = {p: self.summarize("throughput", row.id, p).get("records_per_s") for p in peers}
                ps = {p: x for p, x in ps.items() if x is not None}
                if s0.get("records_per_s") is None or not ps:
                    figs.append(f"{row.id}: n/a")
                    bad += 1
                    continue
                best = max(ps, key=ps.get)
                figs.append(f"{row.id}: {s0['records_per_s']:,.0f} vs {CLIENT_NAMES[best]} {ps[best]:,.0f}")
                bad += s0["records_per_s"] < ps[best]
            out.append(("Sluice records/s ≥ the best peer's, every row", "; ".join(figs),
                        "**met**" if not bad else f"**not met** on {bad} of {len(rows)} rows"))
        if getattr(self, "rate", None) and "librdkafka" in a.client_list:
            s0, s1 = self.summarize("fixed", self.rate_row.id, "sluice"), self.summarize("fixed", self.rate_row.id, "librdkafka")
            if s0["runs"] and s1["runs"]:
                x0, x1 = s0["latency_us"]["p99"], s1["latency_us"]["p99"]
                out.append((f"p99 at the fixed rate ≤ librdkafka's", f"{x0 / 1000:.2f} ms vs {x1 / 1000:.2f} ms",
                            "**met**" if x0 <= x1 else "**not met**"))
        limit = BUFFER_BYTES / 2**20 + 16
        rss = [r["client_rss_mib"] for r in self.runs if r["client"] == "sluice" and r["ok"]]
        if rss:
            worst = max(rss)
            rr = max((r for r in self.runs if r["client"] == "sluice" and r["ok"]), key=lambda r: r["client_rss_mib"])
            out.append((f"Sluice RSS below buffer.memory + 16 MiB = {limit:.0f} MiB",
                        f"highest of {len(rss)} Sluice runs: {worst:.1f} MiB ({rr['kind']} {rr['row']}; "
                        f"{rr['peak_rss_mib']:.1f} MiB with the tool's latency table)",
                        "**met**" if worst < limit else "**not met**"))
        return out
