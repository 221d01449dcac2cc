# tools/compare_tls.py: the TLS and SASL rows of tools/compare (`tools/compare --tls`).
#
# The same workload as the plaintext table (acks=1, no compression, the same
# batching settings for both clients), run over PLAINTEXT, SSL and SASL_SSL
# on one `tools/kafka-local start --secure` broker, Sluice and librdkafka in
# alternation. It writes a section of its own into BENCHMARKS.md, between the
# markers below, and leaves the rest of the file alone; a plaintext run of
# tools/compare keeps the section (see carry_over()).
#
# Not a program: tools/compare imports it and, with --tls, runs
# make_class(itself)(args).main(): a subclass of its Compare class that
# reuses the dirs, build, topic creation, measured runs and JSON parsing.
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import time

BEGIN = "<!-- tools/compare --tls: begin (generated, do not edit by hand; rerun tools/compare --tls) -->"
END = "<!-- tools/compare --tls: end -->"
SECTION_BEFORE = "## Machine and versions"  # where a new section goes in a full report

DEFAULT_ROWS = ("100-1-none", "1024-1-none")
PROTOCOLS = ("plaintext", "ssl", "sasl_ssl")
PROTOCOL_NAMES = {"plaintext": "PLAINTEXT", "ssl": "SSL", "sasl_ssl": "SASL_SSL"}
SLUICE_SASL = "SCRAM-SHA-512"
# librdkafka 2.0.2 (Debian 12) cannot log in with SCRAM to Kafka 4.x: its
# client-final message repeats the client nonce (docs/KAFKA-LOCAL-SECURE.md). PLAIN
# works, and the mechanism only matters once per connection.
RDKAFKA_SASL_DEFAULT = "PLAIN"
SASL_USER = "admin"  # a super user: it may write the fresh topic of every run
PW_VAR = "$ADMIN_PASSWORD"


# ------------------------------------------------------------------ the section in BENCHMARKS.md
def extract(text):
    """The TLS section (markers included) of a BENCHMARKS.md text, or None."""
    i, j = text.find(BEGIN), text.find(END)
    return text[i:j + len(END)] if i >= 0 and j > i else None


def splice(text, block):
    """text with its TLS section replaced by block, or block inserted before the
    machine section (or appended)."""
    old = extract(text)
    if old is not None:
        return text.replace(old, block)
    k = text.find("\n" + SECTION_BEFORE)
    if k >= 0:
        return text[:k + 1] + block + "\n\n" + text[k + 1:]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def carry_over(old_path, new_text):
    """For the plaintext report: keep the TLS section an earlier --tls run wrote."""
    try:
        with open(old_path, encoding="utf-8") as f:
            block = extract(f.read())
    except OSError:
        block = None
    return splice(new_text, block) if block else new_text


# ------------------------------------------------------------------ arguments
def finish_args(a, die, row_by_id):
    """Checks and defaults of --tls (called from compare's parse_args)."""
    if a.bootstrap is not None:
        die("--tls finds the SSL and SASL_SSL listeners with `tools/kafka-local secure-info`: give the "
            "base port of a running --secure cluster with --base instead of -b", 2)
    if "java" in a.client_list and a.clients:
        die("--tls: the TLS rows compare Sluice and librdkafka only (--clients sluice,librdkafka)", 2)
    a.client_list = [c for c in a.client_list if c != "java"]
    protos = [p.strip().lower() for p in (a.protocols or ",".join(PROTOCOLS)).split(",") if p.strip()]
    for p in protos:
        if p not in PROTOCOLS:
            die(f"--protocols: unknown protocol '{p}' (expected plaintext, ssl, sasl_ssl)", 2)
    a.protocol_list = [p for p in PROTOCOLS if p in protos]
    if not a.rows:
        a.row_list = [row_by_id[r] for r in DEFAULT_ROWS]
    a.no_plots = True  # a table, no plots
    a.rdkafka_sasl = (a.rdkafka_sasl or RDKAFKA_SASL_DEFAULT).upper()
    if a.rdkafka_sasl not in ("NONE", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        die(f"--rdkafka-sasl: expected PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or none, got '{a.rdkafka_sasl}'", 2)


def shell_vars(command):
    """A shown command line with its $VARS in double quotes, so that a shell expands them."""
    return re.sub(r"'([^'$]*\$[A-Z_]+[^']*)'", r'"\1"', command)


class Variant:
    def __init__(self, client, protocol, mechanism=None):
        self.client, self.protocol, self.mechanism = client, protocol, mechanism

    @property
    def key(self):
        return f"{self.client}/{self.protocol}"

    @property
    def proto_label(self):
        p = PROTOCOL_NAMES[self.protocol]
        return f"{p} ({self.mechanism})" if self.mechanism else p


def make_class(cmp):
    class TlsCompare(cmp.Compare):
        # ----------------------------------------------------------- setup
        def variants(self):
            out = []
            for c in self.a.client_list:
                for p in self.a.protocol_list:
                    if p != "sasl_ssl":
                        out.append(Variant(c, p))
                    elif c == "sluice":
                        out.append(Variant(c, p, SLUICE_SASL))
                    elif self.a.rdkafka_sasl != "NONE":
                        out.append(Variant(c, p, self.a.rdkafka_sasl))
            return out

        def kafka_local(self, *args, timeout=60, env=None):
            return cmp.run_quiet([cmp.KAFKA_LOCAL, "--base", str(self.a.base), *args], timeout=timeout, env=env)

        def start_broker(self):
            a = self.a
            rc, _, _ = self.kafka_local("status", timeout=30)
            if rc == 0:
                rc, out, err = self.kafka_local("secure-info")
                if rc != 0:
                    raise cmp.Failure(f"the kafka-local cluster on base {a.base} is not a --secure one "
                                      f"({err.strip() or out.strip()}): stop it or pass another --base")
                cmp.say(f"using the running --secure cluster on base {a.base}")
                self.broker_note = "already running (not started by this run, not pinned here)"
            else:
                cmd = [cmp.KAFKA_LOCAL, "--base", str(a.base), "start", "--secure"]
                if self.pin:
                    cmd = ["taskset", "-c", self.pin["broker"]] + cmd
                env = dict(os.environ, SLUICE_KAFKA_REAUTH_MS=str(a.reauth_ms))
                cmp.say(f"starting a --secure broker: SLUICE_KAFKA_REAUTH_MS={a.reauth_ms} {cmp.cmdline(cmd)}")
                log = os.path.join(self.logs, "kafka-local-start.log")
                with open(log, "w") as f:
                    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=f, text=True, timeout=900, env=env)
                if r.returncode != 0:
                    raise cmp.Failure(f"tools/kafka-local start --secure failed; last lines of {cmp.rel(log)}:\n"
                                      f"{cmp.tail(log)}")
                self.broker_started = True
                self.broker_note = f"started by this run: `{self.broker_cmd}`"
                rc, out, err = self.kafka_local("secure-info")
                if rc != 0:
                    raise cmp.Failure(f"tools/kafka-local secure-info failed: {err.strip()}")
            self.info = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
            need = ("bootstrap.plaintext", "bootstrap.ssl", "bootstrap.sasl_ssl", "ca.file",
                    f"user.{SASL_USER}.password", "sasl.reauth.ms", "brokers")
            missing = [k for k in need if k not in self.info]
            if missing:
                raise cmp.Failure(f"secure-info lacks {', '.join(missing)}: is tools/kafka-local up to date?")
            self.bootstrap = self.info["bootstrap.plaintext"]
            self.broker_desc = (f"Apache Kafka {cmp.KAFKA_VERSION} (tools/kafka-local --secure: one KRaft controller "
                                f"and {self.info['brokers']} broker(s), base port {a.base}, broker JVM C1-only, G1, "
                                f"-Xmx512m; connections.max.reauth.ms={self.info['sasl.reauth.ms']} on the SASL "
                                f"listeners; {self.broker_note})")
            self.tls_session = self.probe_tls()
            cmp.say(f"listeners: PLAINTEXT {self.bootstrap}, SSL {self.info['bootstrap.ssl']}, SASL_SSL "
                    f"{self.info['bootstrap.sasl_ssl']}; {self.tls_session}")

        def broker_cpu_s(self):
            """utime+stime of every broker JVM (not the controller), or None when unknown."""
            if not hasattr(self, "broker_pids"):
                self.broker_pids = []
                for i in range(1, int(self.info.get("brokers", "1")) + 1):
                    rc, out, _ = self.kafka_local("pid", str(i), timeout=20)
                    if rc == 0 and out.strip().isdigit():
                        self.broker_pids.append(int(out.strip()))
            try:
                return sum(cmp.read_stat_cpu(p)[0] for p in self.broker_pids) if self.broker_pids else None
            except (OSError, ValueError, IndexError):
                return None

        def probe_tls(self):
            """What the SSL listener negotiates with an OpenSSL client (both clients use OpenSSL)."""
            host = self.info["bootstrap.ssl"].split(",")[0]
            try:
                r = subprocess.run(["openssl", "s_client", "-brief", "-connect", host, "-CAfile", self.info["ca.file"],
                                    "-verify_hostname", host.rsplit(":", 1)[0]], input="", capture_output=True,
                                   text=True, timeout=30)
                text = r.stdout + r.stderr
            except (OSError, subprocess.TimeoutExpired) as e:
                return f"TLS probe failed: {e}"
            ver = re.search(r"Protocol version: (\S+)", text)
            cipher = re.search(r"Ciphersuite: (\S+)", text)
            peer = re.search(r"Peer signature type: (\S+)", text)
            if not ver:
                return "TLS version not probed (openssl s_client said: " + " ".join(text.split())[:120] + ")"
            return (f"{ver.group(1)}, {cipher.group(1) if cipher else '?'}"
                    + (f", broker key {peer.group(1)}" if peer else "") + " (openssl s_client against the SSL listener)")

        # ----------------------------------------------------------- runs
        def security_props(self, v, shown=False):
            if v.protocol == "plaintext":
                return []
            ca = "$CA" if shown else self.info["ca.file"]
            props = [("security.protocol", PROTOCOL_NAMES[v.protocol]), ("ssl.ca.location", ca)]
            if v.protocol == "sasl_ssl":
                mech_name = "sasl.mechanism" if v.client == "sluice" else "sasl.mechanisms"
                pw = PW_VAR if shown else self.info[f"user.{SASL_USER}.password"]
                props += [(mech_name, v.mechanism), ("sasl.username", SASL_USER), ("sasl.password", pw)]
            return props

        def endpoint(self, v, shown=False):
            if shown:
                return {"plaintext": "$B", "ssl": "$B_SSL", "sasl_ssl": "$B_SASL_SSL"}[v.protocol]
            return self.info[f"bootstrap.{v.protocol}"]

        def variant_cmd(self, v, row, topic, records, shown=False):
            cmd = self.client_cmd(v.client, row, topic, records, None)
            cmd[cmd.index("-b") + 1] = self.endpoint(v, shown)
            extra = []
            for k, val in self.security_props(v, shown):
                extra += ["-X", f"{k}={val}"]
            j = cmd.index("--json")
            return cmd[:j] + extra + cmd[j:]

        def run_variant(self, v, row, topic, records, kind, rep=0):
            cmd = self.variant_cmd(v, row, topic, records)
            shown = shell_vars(cmp.cmdline(self.variant_cmd(v, row, topic, records, shown=True)))
            load1 = cmp.loadavg()[0]
            prefix = os.path.join(self.logs, topic)
            cmp.say(f"  {kind:10} {row.id:12} {cmp.CLIENT_NAMES[v.client]:10} {v.proto_label:24} {records:>9} records"
                    f"  (load {load1})")
            b0 = self.broker_cpu_s()
            m = cmp.run_measured(cmd, prefix, self.a.run_timeout)
            b1 = self.broker_cpu_s()
            with open(prefix + ".cmd", "w") as f:  # never the password
                f.write(shown + "\n")
            run = {"kind": kind, "client": v.client, "protocol": v.protocol, "sasl_mechanism": v.mechanism,
                   "variant": v.key, "row": row.id, "rep": rep, "topic": topic, "records": records, "rate": None,
                   "load1_before": float(load1), "exit_code": m["rc"], "wall_s": round(m["wall_s"], 3),
                   "process_cpu_s": m["stat_cpu_s"], "rusage_cpu_s": round(m["rusage_cpu_s"], 3),
                   "rusage_maxrss_mib": round(m["rusage_maxrss_mib"], 1), "command": shown, "ok": False}
            try:
                self.parse_bench(run, m, row, records)
                run["ok"] = True
            except cmp.Failure as e:
                run["error"] = str(e)
                self.failures.append(f"{kind} {row.id} {cmp.CLIENT_NAMES[v.client]} {v.proto_label} ({topic}): {e}")
                cmp.say(f"  FAILED: {e} (logs: {cmp.rel(prefix)}.out/.err)")
            if run.get("process_cpu_s") is not None:
                run["process_cpu_us_per_record"] = run["process_cpu_s"] * 1e6 / records
            if b0 is not None and b1 is not None and b1 >= b0:
                run["broker_cpu_s"] = round(b1 - b0, 3)
                run["broker_cpu_us_per_record"] = (b1 - b0) * 1e6 / records
                run["broker_cpu_share"] = (b1 - b0) / m["wall_s"] if m["wall_s"] > 0 else None
            if kind == "throughput":
                self.runs.append(run)
            return run

        def warm_up(self):
            row = self.a.row_list[0]
            n = max(1000, self.records_for(row) // 4)
            vs = self.variants()
            topics = [self.new_topic(f"warm-{v.client}-{v.protocol}") for v in vs]
            self.create_topics(topics)
            cmp.say("warm-up (every client and protocol once; discarded)")
            for v, t in zip(vs, topics):
                r = self.run_variant(v, row, t, n, "warm-up")
                if not r["ok"]:
                    self.failures.append(f"warm-up of {cmp.CLIENT_NAMES[v.client]} over {v.proto_label} failed: "
                                         f"{r.get('error')}")

        def throughput_runs(self):
            a, vs = self.a, self.variants()
            for rep in range(a.reps):
                plan = []
                for i, row in enumerate(a.row_list):
                    k = (rep + i) % len(vs)
                    for v in vs[k:] + vs[:k]:
                        plan.append((row, v, self.new_topic(f"{row.id}-r{rep + 1}-{v.client}-{v.protocol}")))
                cmp.say(f"repetition {rep + 1} of {a.reps}: creating {len(plan)} topics")
                self.create_topics([t for _, _, t in plan])
                for row, v, t in plan:
                    self.run_variant(v, row, t, self.records_for(row), "throughput", rep + 1)

        # ----------------------------------------------------------- results
        def summary(self, row_id, key):
            rs = [r for r in self.runs if r["row"] == row_id and r["variant"] == key]
            ok = [r for r in rs if r["ok"]]
            if not ok:
                return {"runs": 0, "of": len(rs)}
            med = cmp.median
            return {"runs": len(ok), "of": len(rs),
                    "records_per_s": med(r["records_per_s"] for r in ok),
                    "min": min(r["records_per_s"] for r in ok), "max": max(r["records_per_s"] for r in ok),
                    "mib_per_s": med(r["mib_per_s"] for r in ok),
                    "cpu_us": med(r["tool_cpu_us_per_record"] for r in ok),
                    "process_cpu_us": med(r.get("process_cpu_us_per_record") for r in ok),
                    "p99_us": med(r["latency_us"]["p99"] for r in ok),
                    "broker_cpu_us": med(r.get("broker_cpu_us_per_record") for r in ok),
                    "broker_share": med(r.get("broker_cpu_share") for r in ok),
                    "rss_mib": med(r["client_rss_mib"] for r in ok)}

        def section(self):
            a, vs = self.a, self.variants()
            md = []
            w = md.append
            f, ratio = cmp.fmt, cmp.ratio
            loads = [r["load1_before"] for r in self.runs]
            quick = " (QUICK SMOKE RUN: too few records for the figures to mean anything)" if a.quick else ""
            w(BEGIN)
            w(f"## Over TLS and SASL: PLAINTEXT, SSL and SASL_SSL{quick}\n")
            w(f"Generated by `{self.invocation}` on {self.started_at} (UTC), separately from the tables above "
              f"(which it does not touch); raw figures: [`benchmarks/tls-results.json`](benchmarks/tls-results.json).\n")
            w(f"**Noisy, like everything here**: the same shared 2-core VM, with other users' builds, brokers and "
              f"tests running at the same time (load average {' / '.join(self.load_before)} before, "
              f"{' / '.join(self.load_after)} after; 1-minute load at the start of each run: "
              + (f"{min(loads):.2f} to {max(loads):.2f}" if loads else "n/a") + "). "
              "Compare figures of the same run (the ratios below), not with the tables above. Over TLS the broker "
              "decrypts every request in a C1-only JVM (tools/kafka-local's setting) on a core it shares with that "
              "other work: read the broker CPU column before taking records/s over TLS for a client's own speed.\n")
            w(f"{a.reps} repetition{'s' if a.reps > 1 else ''} per row, client and protocol, unthrottled "
              f"({a.records:,} records of 100 B, {a.records_1k:,} of 1 KiB per run), one broker. Client and protocol "
              "alternate run by run (the order rotated per row and repetition), so PLAINTEXT and TLS runs share the "
              "same slow swings of load. CPU µs/record is the tool's own figure (getrusage over the send window, "
              "TLS handshakes and SASL included); p99 is the unthrottled send→ack latency (mostly queueing in the "
              "client); peak RSS without the tool's latency table. Broker CPU: the broker JVM's utime+stime "
              "(`/proc/<pid>/stat`) from the client's start to its exit, per record, and as a share of one core "
              "over that time: the broker's side of TLS.\n")
            w("| workload | client | protocol | records/s | (min–max) | MiB/s | CPU µs/record | process CPU µs/record "
              "| p99 ms | peak RSS MiB | broker CPU µs/record | broker busy | runs |")
            w("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
            for row in a.row_list:
                for v in vs:
                    s = self.summary(row.id, v.key)
                    name = cmp.CLIENT_NAMES[v.client]
                    if not s["runs"]:
                        w(f"| {row.label} | {name} | {v.proto_label} | failed | | | | | | | | | 0/{s['of']} |")
                        continue
                    w(f"| {row.label} | {name} | {v.proto_label} | {s['records_per_s']:,.0f} | "
                      f"{s['min']:,.0f}–{s['max']:,.0f} | {s['mib_per_s']:.1f} | {f(s['cpu_us'], 2)} | "
                      f"{f(s['process_cpu_us'], 2)} | {s['p99_us'] / 1000:.2f} | {s['rss_mib']:.1f} | "
                      f"{f(s['broker_cpu_us'], 2)} | "
                      + (f"{s['broker_share'] * 100:.0f}%" if s["broker_share"] is not None else "n/a")
                      + f" | {s['runs']}/{s['of']} |")
            w("")
            secure = [p for p in a.protocol_list if p != "plaintext"]
            if "plaintext" in a.protocol_list and secure:
                w("### Cost of TLS: each client against itself over PLAINTEXT\n")
                w("Medians divided: records/s below 1 and CPU above 1 mean the secure listener costs that much.\n")
                head = ["workload", "client"]
                for p in secure:
                    head += [f"records/s {PROTOCOL_NAMES[p]} / PLAINTEXT", f"CPU {PROTOCOL_NAMES[p]} / PLAINTEXT"]
                w("| " + " | ".join(head) + " |")
                w("|---|---" + "|--:" * (len(head) - 2) + "|")
                for row in a.row_list:
                    for c in a.client_list:
                        base = self.summary(row.id, f"{c}/plaintext")
                        cells = [row.label, cmp.CLIENT_NAMES[c]]
                        for p in secure:
                            s = self.summary(row.id, f"{c}/{p}")
                            cells += [ratio(s.get("records_per_s"), base.get("records_per_s")),
                                      ratio(s.get("cpu_us"), base.get("cpu_us"), bold=True)]
                        w("| " + " | ".join(cells) + " |")
                w("")
            if "librdkafka" in a.client_list:
                w("### Sluice / librdkafka on the same listener\n")
                w("Above 1 is better for Sluice on records/s, below 1 on CPU and p99.\n")
                w("| workload | protocol | records/s | CPU µs/record | p99 |")
                w("|---|---|--:|--:|--:|")
                for row in a.row_list:
                    for p in a.protocol_list:
                        s0, s1 = self.summary(row.id, f"sluice/{p}"), self.summary(row.id, f"librdkafka/{p}")
                        label = PROTOCOL_NAMES[p] + (f" (Sluice {SLUICE_SASL}, librdkafka {a.rdkafka_sasl})"
                                                     if p == "sasl_ssl" else "")
                        if p == "sasl_ssl" and a.rdkafka_sasl == "NONE":
                            continue
                        w(f"| {row.label} | {label} | {ratio(s0.get('records_per_s'), s1.get('records_per_s'))} | "
                          f"{ratio(s0.get('cpu_us'), s1.get('cpu_us'), bold=True)} | "
                          f"{ratio(s0.get('p99_us'), s1.get('p99_us'))} |")
                w("")
            w("### What works over which listener\n")
            w("- Sluice: PLAINTEXT, SSL (server certificate verified against the test CA, host name `localhost` "
              f"checked), SASL_SSL with {SLUICE_SASL} as `{SASL_USER}`.")
            if "librdkafka" in a.client_list:
                w(f"- {self.vers.get('librdkafka', 'librdkafka')}: PLAINTEXT and SSL. Over SASL_SSL it cannot use SCRAM "
                  "against Kafka 4.3.1: its client-final message repeats the client nonce and the broker answers "
                  "`Authentication failed during authentication due to invalid credentials with SASL mechanism "
                  "SCRAM-SHA-512` (docs/KAFKA-LOCAL-SECURE.md, \"What was verified\"). "
                  + (f"Its SASL_SSL row therefore logs in with {a.rdkafka_sasl}; the mechanism only matters once per "
                     "connection, the records then flow over the same TLS." if a.rdkafka_sasl in ("PLAIN",) else
                     "It has no SASL_SSL row here." if a.rdkafka_sasl == "NONE" else ""))
            w(f"- TLS session: {self.tls_session}.")
            st = self.source_state
            bins = "; ".join(f"`{cmp.rel(path)}`" for path in self.bins.values())
            w(f"- Binaries: {bins}; sluice-bench built {st.get('sluice_bench_built_utc', '?')} UTC; {self.vers.get('sluice', '?')}"
              + (f", {self.vers['librdkafka']} (Debian librdkafka1 {self.vers.get('librdkafka_deb') or '?'})"
                 if self.vers.get("librdkafka") else "")
              + f". Work tree at commit {st.get('commit', '?')}" + (" with uncommitted changes" if st.get("dirty") else "")
              + " when the run started." + (f" {self.a.note}" if self.a.note else ""))
            w(f"- Broker: {self.broker_desc}. Pinning: {self.pin_txt}")
            w("")
            w("### Settings and commands\n")
            w(f"Batching as in the tables above, the same for both clients: `--acks 1 --compression none "
              f"--linger-ms {cmp.LINGER_MS} --batch-size {cmp.BATCH_SIZE}`, `enable.idempotence=false`, "
              f"`max.in.flight.requests.per.connection={cmp.MAX_IN_FLIGHT}`, a {cmp.BUFFER_BYTES >> 20} MiB buffer "
              f"(`buffer.memory` / `queue.buffering.max.kbytes`), null keys, a fresh one-partition topic per run "
              "(created over PLAINTEXT before the repetition starts). Security settings, given with `-X`:\n")
            w("| listener | Sluice (`sluice-bench`) | librdkafka (`rdkafka-bench`) |")
            w("|---|---|---|")
            for p in a.protocol_list:
                cells = []
                for c in ("sluice", "librdkafka"):
                    mech = SLUICE_SASL if c == "sluice" else a.rdkafka_sasl
                    if c not in a.client_list or (p == "sasl_ssl" and mech == "NONE"):
                        cells.append("not run")
                        continue
                    props = self.security_props(Variant(c, p, mech), shown=True)
                    cells.append(" ".join(f"`{k}={v}`" for k, v in props) or "none")
                w(f"| {PROTOCOL_NAMES[p]} | {cells[0]} | {cells[1]} |")
            w("")
            base = a.base
            w("```sh")
            w(f"{self.invocation}")
            w(f"# the listeners and files it used (tools/kafka-local --base {base} secure-info):")
            w(f"B=$(tools/kafka-local --base {base} bootstrap)")
            w(f"eval \"$(tools/kafka-local --base {base} secure-info | sed -n "
              f"'s/^bootstrap\\.ssl=/B_SSL=/p; s/^bootstrap\\.sasl_ssl=/B_SASL_SSL=/p; s/^ca\\.file=/CA=/p; "
              f"s/^user\\.{SASL_USER}\\.password=/ADMIN_PASSWORD=/p')\"")
            row = a.row_list[0]
            for v in vs:
                w(shell_vars(cmp.cmdline(self.variant_cmd(v, row, "TOPIC", self.records_for(row), shown=True))))
            w("```\n")
            if self.failures:
                w("Failed runs:\n")
                for x in self.failures:
                    w(f"- {x}")
                w("")
            w("<details><summary>Every measured run</summary>\n")
            w("| workload | rep | client | protocol | records/s | CPU µs/record | p99 ms | load (1 min) before | ok |")
            w("|---|--:|---|---|--:|--:|--:|--:|---|")
            for r in self.runs:
                w(f"| {r['row']} | {r['rep']} | {cmp.CLIENT_NAMES[r['client']]} | "
                  f"{Variant(r['client'], r['protocol'], r['sasl_mechanism']).proto_label} | "
                  f"{f(r.get('records_per_s'), 0, True)} | {f(r.get('tool_cpu_us_per_record'), 2)} | "
                  f"{f(r['latency_us']['p99'] / 1000 if r.get('latency_us') else None, 2)} | "
                  f"{r['load1_before']:.2f} | {'yes' if r['ok'] else 'no'} |")
            w("\n</details>\n")
            w(END)
            return "\n".join(md)

        # ----------------------------------------------------------- main
        def rerender(self, path):
            """--from-results: the section again from a tls-results.json, nothing run."""
            with open(path, encoding="utf-8") as fh:
                d = json.load(fh)
            meta, self.runs = d["meta"], d["runs"]
            orig = cmp.parse_args(shlex.split(meta["invocation"])[1:])
            orig.quick, orig.out, orig.from_results = self.a.quick, self.a.out, None
            self.a = orig
            self.invocation, self.started_at = meta["invocation"], meta["started_utc"]
            self.load_before, self.load_after = meta["load_before"], meta["load_after"]
            self.broker_desc, self.tls_session, self.pin_txt = meta["broker"], meta["tls"], meta["pinning"]
            self.vers = self.source_state = meta["versions"]
            self.pin = meta.get("pin", {"client": "1", "broker": "0"} if "taskset -c 1" in self.pin_txt else None)
            self.bins = meta.get("bins") or {c: os.path.abspath(getattr(orig, f"{c.replace('librdkafka', 'rdkafka')}_bench") or
                                                            os.path.join(orig.build_dir, "tools", f"{c.replace('librdkafka', 'rdkafka')}-bench"))
                                             for c in orig.client_list}
            self.failures = meta.get("failures", [])
            self.bootstrap = "$B"
            return self.write_section()

        def write_section(self):
            block = self.section()
            path = os.path.join(self.out, "BENCHMARKS.md")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except FileNotFoundError:
                text = "# Benchmarks: Sluice, librdkafka and the Java producer\n"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(splice(text, block))
            lines = block.splitlines()
            end = next((i for i, l in enumerate(lines) if l.startswith("### What works")), len(lines))
            print("\n".join(l for l in lines[:end] if l.startswith("|") or l.startswith("#")))
            return path

        def main(self):
            a = self.a
            if a.from_results:
                self.prepare_dirs()
                path = self.rerender(a.from_results)
                cmp.say(f"rewrote the TLS section of {cmp.rel(path)} from {a.from_results}")
                return 0
            self.started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
            self.invocation = "tools/compare " + " ".join(shlex.quote(x) for x in sys.argv[1:])
            self.prepare_dirs()
            self.check_tools()
            self.build()
            if self.pin:
                try:
                    os.sched_setaffinity(0, {int(self.pin["broker"])})
                except OSError:
                    pass
                self.pin_txt = (f"broker JVMs (when started here) on CPU {self.pin['broker']}, every client on CPU "
                                f"{self.pin['client']} (`taskset -c {self.pin['client']}`); other users' processes "
                                "ran on both.")
            else:
                self.pin_txt = "none: " + self.pin_note
            self.broker_cmd = (("taskset -c 0 " if self.pin else "") +
                               f"SLUICE_KAFKA_REAUTH_MS={a.reauth_ms} tools/kafka-local --base {a.base} start --secure")
            self.load_before = cmp.loadavg()
            self.start_broker()
            try:
                self.warm_up()
                self.throughput_runs()
            finally:
                self.load_after = cmp.loadavg()
                self.stop_broker()
            secs = time.monotonic() - self.t_start
            self.vers = self.versions()
            meta = {"started_utc": self.started_at, "invocation": self.invocation, "load_before": self.load_before,
                    "load_after": self.load_after, "broker": self.broker_desc, "tls": self.tls_session,
                    "pinning": self.pin_txt, "versions": self.vers, "elapsed_s": round(secs, 1),
                    "protocols": a.protocol_list, "sluice_sasl": SLUICE_SASL, "rdkafka_sasl": a.rdkafka_sasl,
                    "pin": self.pin, "bins": self.bins, "failures": self.failures}
            with open(os.path.join(self.assets, "tls-results.json"), "w") as fh:
                json.dump({"meta": meta, "runs": self.runs}, fh, indent=1)
                fh.write("\n")
            path = self.write_section()
            cmp.say(f"wrote the TLS section of {cmp.rel(path)} and {cmp.rel(self.assets)}/tls-results.json in "
                    f"{int(secs // 60)} min {int(secs % 60)} s")
            if self.failures:
                cmp.say(f"{len(self.failures)} run(s) failed:")
                for x in self.failures:
                    print(f"  {x}", file=sys.stderr)
                return 1
            return 0

    return TlsCompare
