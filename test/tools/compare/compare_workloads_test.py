# Unit tests of tools/compare_workloads.py: the rows, each client's command
# line, and the parsing of sluice-bench's JSON report and ProducerPerformance's
# final line (the fixtures in data/ are real output of both).
import copy
import json
import os

import pytest

import compare_workloads as w
from compare_common import Failure

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def bench_m(stdout, rc=0, tmp_path=None):
    err = (tmp_path / "run.err") if tmp_path else None
    if err:
        err.write_text("first\nsecond\nthe last stderr line\n")
    return {"stdout": stdout, "rc": rc, "stderr_path": str(err) if err else "/nonexistent", "comm": None}


def new_run(rate=None, maxrss=123.4):
    return {"rate": rate, "rusage_maxrss_mib": maxrss}


def test_rows_are_every_size_acks_codec():
    assert len(w.ALL_ROWS) == 8
    assert [r.id for r in w.ALL_ROWS][:2] == ["100-1-none", "100-1-lz4"]
    r = w.ROW_BY_ID["1024-all-lz4"]
    assert (r.size, r.acks, r.codec, r.label, r.short) == (1024, "all", "lz4", "1 KiB, acks=all, lz4", "1KiB acks=all lz4")
    assert r.idempotence == "true" and w.ROW_BY_ID["100-1-none"].idempotence == "false"


def test_client_commands_carry_the_same_settings():
    row = w.ROW_BY_ID["100-all-lz4"]
    s = w.client_command("sluice", row, "/b/sluice-bench", "h:1", "t", 1000, None)
    assert s[:3] == ["/b/sluice-bench", "-b", "h:1"] and s[-1] == "--json"
    assert ["--acks", "all"] == s[s.index("--acks"):s.index("--acks") + 2]
    assert f"buffer.memory={w.BUFFER_BYTES}" in s and "--throughput" not in s
    r = w.client_command("librdkafka", row, "/b/rdkafka-bench", "h:1", "t", 1000, 500)
    assert f"queue.buffering.max.kbytes={w.BUFFER_BYTES // 1024}" in r
    assert r[r.index("--throughput") + 1] == "500"
    j = w.client_command("java", row, None, "h:1", "t", 1000, None)
    assert j[1:3] == ["run-class", w.JAVA_PERF_CLASS] and j[j.index("--throughput") + 1] == "-1"
    for cmd in (s, r):
        assert "enable.idempotence=true" in cmd and f"max.in.flight.requests.per.connection={w.MAX_IN_FLIGHT}" in cmd
    assert "enable.idempotence=true" in j and f"linger.ms={w.LINGER_MS}" in j


def test_parse_bench_reads_a_real_report():
    line = open(os.path.join(DATA, "sluice-bench-report.json")).read().strip()
    rep = json.loads(line)
    run = new_run()
    w.parse_bench(run, bench_m("some progress line\n" + line + "\n"), 20000)
    assert run["client_version"] == "sluice 0.1.0"
    assert run["acknowledged"] == 20000 and run["failed"] == 0
    assert run["records_per_s"] == rep["records_per_second"]
    assert run["latency_us"] == {p: rep["latency_us"][p] for p in w.PERCENTILES}
    assert run["tool_cpu_us_per_record"] == rep["cpu"]["us_per_record"]
    # the tool's 12 B/record latency table is taken out of the RSS
    assert run["client_rss_mib"] == pytest.approx(rep["peak_rss_mib"] - 20000 * 12 / 2**20)


def test_parse_bench_failures_name_the_cause(tmp_path):
    with pytest.raises(Failure, match="(?s)exit 1, no JSON report; stderr: .*the last stderr line"):
        w.parse_bench(new_run(), bench_m("no json here\n", rc=1, tmp_path=tmp_path), 10)
    with pytest.raises(Failure, match="unreadable JSON report"):
        w.parse_bench(new_run(), bench_m("{not json\n"), 10)
    rep = json.loads(open(os.path.join(DATA, "sluice-bench-report.json")).read())
    short = copy.deepcopy(rep)
    short["records"]["acknowledged"] = 19990
    short["failures"] = [{"first_message": "Broker: Request timed out"}]
    with pytest.raises(Failure, match="exit 0, 19990 of 20000 acknowledged Broker: Request timed out"):
        w.parse_bench(new_run(), bench_m(json.dumps(short)), 20000)


def test_parse_java_reads_the_final_line():
    out = open(os.path.join(DATA, "producer-performance.out")).read()
    final = [l for l in out.splitlines() if "records sent" in l and "99.9th" in l][-1]
    n = int(final.split()[0])
    run = new_run()
    w.parse_java(run, {"stdout": out, "rc": 0, "stderr_path": "/nonexistent", "comm": "java"},
                 w.ROW_BY_ID["100-1-none"], n)
    rps = float(final.split(",")[1].split()[0])
    assert run["acknowledged"] == n and run["records_per_s"] == rps
    assert run["mib_per_s"] == pytest.approx(rps * 100 / 2**20)
    p99 = int(final.split(" ms 99th")[0].rsplit(" ", 1)[1])
    assert run["latency_us"]["p99"] == p99 * 1000
    assert run["latency_from"] == "send_call_ms" and run["peak_rss_mib"] == 123.4


def test_parse_java_failures():
    row = w.ROW_BY_ID["100-1-none"]
    with pytest.raises(Failure, match="not the JVM"):
        w.parse_java(new_run(), {"stdout": "", "rc": 0, "stderr_path": "/x", "comm": "taskset"}, row, 1)
    with pytest.raises(Failure, match="no final ProducerPerformance line"):
        w.parse_java(new_run(), {"stdout": "10 records sent, 5.0 records/sec\n", "rc": 1, "stderr_path": "/x",
                                 "comm": "java"}, row, 10)
    line = ("90 records sent, 45.0 records/sec (0.00 MB/sec), 3.00 ms avg latency, 9.00 ms max latency, "
            "2 ms 50th, 5 ms 95th, 8 ms 99th, 9 ms 99.9th.\n")
    with pytest.raises(Failure, match="exit 0, 90 of 100 records acknowledged"):
        w.parse_java(new_run(), {"stdout": line, "rc": 0, "stderr_path": "/x", "comm": "java"}, row, 100)
