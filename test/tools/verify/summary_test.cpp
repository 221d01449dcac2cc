// How a checked run is reported (tools/verify/summary.hpp).
#include "summary.hpp"

#include <catch2/catch.hpp>

using namespace sluice::verify;

TEST_CASE("the summary line lists every counter as name=value in a fixed order") {
  Counts c;
  c.sent = 10;
  c.acked = 7;
  c.failed = 1;
  c.unknown = 2;
  c.unknown_landed = 1;
  c.lost = 3;
  c.dup = 4;
  c.reordered = 5;
  c.wrong_offset = 6;
  c.phantom = 8;
  c.missing_report = 9;
  c.multi_report = 11;
  c.misplaced = 12;
  c.corrupt = 13;
  c.foreign = 14;
  c.extra_copies = 99;  // JSON only
  CHECK(summary_line(c) ==
        "sent=10 acked=7 failed=1 unknown=2 unknown_landed=1 lost=3 dup=4 reordered=5 wrong_offset=6 phantom=8 "
        "missing_report=9 multi_report=11 misplaced=12 corrupt=13 foreign=14");
}

TEST_CASE("examples show violations first and label tolerated and informational counters") {
  CheckResult r;
  r.counts.unknown_landed = 2;
  r.counts.dup = 1;
  r.counts.lost = 1;
  r.examples["unknown_landed"] = {"u1", "u2"};
  r.examples["dup"] = {"d1"};
  r.examples["lost"] = {"l1"};
  CHECK(examples_text(r, {"lost"}) ==
        "lost=1 (violation), e.g.:\n  l1\n"
        "unknown_landed=2 (info), e.g.:\n  u1\n  u2\n"
        "dup=1 (allowed), e.g.:\n  d1\n");
  CHECK(examples_text(CheckResult{}, {}).empty());
}

TEST_CASE("the run line says how long producing and reading took and how much was read") {
  RunFacts f;
  f.run_id = "r1";
  f.topic = "t";
  f.produce_seconds = 10.25;
  f.slowest_report = 6.5;
  f.read_seconds = 0.5;
  f.records_read = 4000;
  f.read_attempts = 2;
  CHECK(run_line(f) ==
        "run r1 on t: produced and closed in 10.250 s (slowest report 6.500 s after its send), read 4000 records back "
        "in 0.500 s (2 kcat run(s))");
}


TEST_CASE("the failures line gives each failure reason's count, then an example of each") {
  RunFacts f;
  f.failure_reasons = {{"failed: producer buffer full", 3}, {"unknown: delivery.timeout.ms expired", 1}};
  CHECK(failures_line(f) == "failure reports: 3 x failed: producer buffer full; 1 x unknown: delivery.timeout.ms expired");
  f.failure_examples = {{"failed: producer buffer full", "producer buffer full: for t-0"}};
  CHECK(failures_line(f) == "failure reports: 3 x failed: producer buffer full; 1 x unknown: delivery.timeout.ms "
                            "expired\n  e.g. producer buffer full: for t-0");
  CHECK(failures_line(RunFacts{}).empty());
}
