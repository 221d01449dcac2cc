# Unit tests of tools/compare_report.py's statistics: medians over runs (a
# failed run counts in "of", never in a median), the Java CPU estimate net of
# the JVM's fixed cost, and the ratio/number formatting of the report.
import pytest

import compare_report as r


def run(rps, ok=True, client="sluice", **extra):
    d = {"ok": ok, "client": client, "records": 1000, "records_per_s": rps, "mib_per_s": rps / 1000,
         "process_cpu_us_per_record": rps / 100, "peak_rss_mib": 20.0, "client_rss_mib": 19.0,
         "tool_cpu_us_per_record": 1.5, "latency_us": {p: rps for p in r.PERCENTILES}}
    d.update(extra)
    return d


def test_median_skips_missing_values():
    assert r.median([3, None, 1, 2]) == 2
    assert r.median([4, 1, 3, 2]) == 2.5
    assert r.median([1, 2, 10]) == 2  # a median, not a mean
    assert r.median([None]) is None and r.median([]) is None


def test_summary_of_successful_runs_only():
    s = r.summarize_runs([run(100), run(400), run(110), run(999, ok=False)], "sluice")
    assert (s["runs"], s["of"]) == (3, 4)
    assert s["records_per_s"] == 110 and (s["records_per_s_min"], s["records_per_s_max"]) == (100, 400)
    assert s["latency_us"]["p99"] == 110 and s["mib_per_s"] == pytest.approx(0.11)
    assert s["tool_cpu_us"] == 1.5 and s["cpu_us"] == 1.5


def test_summary_without_a_successful_run():
    assert r.summarize_runs([run(5, ok=False)], "sluice") == {"runs": 0, "of": 1}
    assert r.summarize_runs([], "java") == {"runs": 0, "of": 0}


def test_java_cpu_is_net_of_the_idle_jvm():
    runs = [run(10, client="java", process_cpu_s=3.0), run(20, client="java", process_cpu_s=5.0)]
    s = r.summarize_runs(runs, "java", java_baseline_cpu_s=[1.0, 2.0, 1.0])
    # baseline median 1.0 s; (3-1) and (5-1) s over 1000 records -> median 3000 us
    assert s["est_cpu_us"] == pytest.approx(3000) and s["cpu_us"] == s["est_cpu_us"]
    assert s["tool_cpu_us"] is None
    assert "est_cpu_us" not in r.summarize_runs(runs, "java")          # no idle runs: no estimate
    assert r.summarize_runs(runs, "java", [9.0])["est_cpu_us"] is None  # below the baseline: not a figure


def test_ratio_and_formatting():
    assert r.ratio(3, 4) == "0.75" and r.ratio(3, 4, bold=True) == "**0.75**"
    assert r.ratio(None, 4) == r.ratio(3, None) == r.ratio(3, 0) == "n/a"
    assert r.fmt(1234.567, 1, thousands=True) == "1,234.6" and r.fmt(0.5, 2) == "0.50" and r.fmt(None, 2) == "n/a"
    assert r.lat({"runs": 1, "latency_us": {"p99": 7}}, "p99") == 7 and r.lat({"runs": 0}, "p99") is None
