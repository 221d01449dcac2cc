// Acknowledgements per partition and failures by error.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "outcome_tally.hpp"

using namespace sluice::bench;

TEST_CASE("acks count per partition with their bytes") {
  OutcomeTally t;
  t.acked(0, 100);
  t.acked(2, 100);
  t.acked(0, 50);
  CHECK(t.acked_count() == 3);
  CHECK(t.acked_bytes() == 250);
  const Outcome o = t.snapshot();
  CHECK(o.acked == 3);
  CHECK(o.failed == 0);
  CHECK(o.per_partition == std::map<std::int32_t, std::int64_t>{{0, 2}, {2, 1}});
  CHECK(o.failures.empty());
}

TEST_CASE("failures group by error, keep the first message, most frequent first") {
  OutcomeTally t;
  t.failed("timeout", "record 1 timed out");
  t.failed("too large", "record 2 is 2 MB");
  t.failed("too large", "record 3 is 3 MB");
  CHECK(t.failed_count() == 3);
  const Outcome o = t.snapshot();
  REQUIRE(o.failures.size() == 2);
  CHECK(o.failures[0].error == "too large");
  CHECK(o.failures[0].count == 2);
  CHECK(o.failures[0].first_message == "record 2 is 2 MB");
  CHECK(o.failures[1].error == "timeout");
  CHECK(o.failures[1].count == 1);
}

TEST_CASE("reports from two threads at once are all counted") {
  OutcomeTally t;
  auto work = [&t](std::int32_t partition) {
    for (int i = 0; i < 20000; ++i) {
      t.acked(partition, 1);
      if (i % 100 == 0) t.failed("e", "m");
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  const Outcome o = t.snapshot();
  CHECK(o.acked == 40000);
  CHECK(o.acked_bytes == 40000);
  CHECK(o.per_partition.at(0) == 20000);
  CHECK(o.per_partition.at(1) == 20000);
  CHECK(o.failed == 400);
  CHECK(o.failures.at(0).count == 400);
}
