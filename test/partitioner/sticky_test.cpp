#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include "sluice/partitioner/sticky.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

using namespace sluice::partitioner;

namespace {

// Appends `record_bytes` per record to whatever get() returns, `records`
// times; returns the partition of each record.
std::vector<std::int32_t> run(StickyPartition& s, SplitMix64& rng, int records, std::size_t record_bytes,
                              std::int32_t partition_count, std::span<const std::int32_t> available = {}) {
  std::vector<std::int32_t> out;
  for (int i = 0; i < records; ++i) {
    const std::int32_t p = s.get(rng, partition_count, available);
    out.push_back(p);
    s.appended(p, record_bytes, true);
  }
  return out;
}

}  // namespace

TEST_CASE("sticky: stays on one partition until batch_bytes were appended, then picks again") {
  StickyPartition s(1000);
  SplitMix64 rng(1);
  const std::int32_t first = s.get(rng, 16, {});
  CHECK(s.get(rng, 16, {}) == first);  // choosing alone moves nothing
  for (int i = 0; i < 9; ++i) {
    CHECK(s.get(rng, 16, {}) == first);
    s.appended(first, 100, true);
    CHECK(s.current() == first);
  }
  CHECK(s.produced_bytes() == 900);
  s.appended(first, 100, true);  // 1000 bytes: due to move on
  CHECK_FALSE(s.current().has_value());
  CHECK(s.produced_bytes() == 0);
}

TEST_CASE("sticky: partitions change only at batch_bytes boundaries, and every partition gets its turn") {
  StickyPartition s(1000);
  SplitMix64 rng(2);
  const auto parts = run(s, rng, 10 * 2000, 100, 16);  // 2000 runs of 10 records
  std::set<std::int32_t> seen;
  int changes = 0;
  std::vector<int> runs_per_partition(16);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    seen.insert(parts[i]);
    if (i % 10 == 0) ++runs_per_partition[static_cast<std::size_t>(parts[i])];
    if (i > 0 && parts[i] != parts[i - 1]) {
      ++changes;
      INFO("record " << i);
      CHECK(i % 10 == 0);
    }
  }
  CHECK(seen.size() == 16);
  // A uniform pick may repeat the same partition (1 in 16), so fewer
  // changes than runs, but most runs change.
  CHECK(changes > 1700);
  CHECK(changes < 2000);
  for (int r : runs_per_partition) CHECK(std::abs(r - 2000 / 16) < 50);
}

TEST_CASE("sticky: a record bigger than batch_bytes moves on at once") {
  StickyPartition s(1000);
  SplitMix64 rng(3);
  const std::int32_t p = s.get(rng, 8, {});
  s.appended(p, 5000, true);
  CHECK_FALSE(s.current().has_value());
}

TEST_CASE("sticky: only bytes appended to the sticky partition count") {
  StickyPartition s(1000);
  SplitMix64 rng(4);
  const std::int32_t p = s.get(rng, 8, {});
  const std::int32_t other = (p + 1) % 8;
  s.appended(other, 5000, true);  // a keyed record elsewhere
  CHECK(s.current() == p);
  CHECK(s.produced_bytes() == 0);
  s.appended(p, 999, true);
  CHECK(s.current() == p);
  s.appended(p, 1, true);
  CHECK_FALSE(s.current().has_value());
}

TEST_CASE("sticky: a move held back by an open batch happens when the batch closes, or at twice batch_bytes") {
  SplitMix64 rng(5);
  SECTION("batch closed (linger.ms) after the threshold") {
    StickyPartition s(1000);
    const std::int32_t p = s.get(rng, 8, {});
    for (int i = 0; i < 12; ++i) s.appended(p, 100, false);
    CHECK(s.current() == p);
    CHECK(s.produced_bytes() == 1200);
    s.batch_closed((p + 1) % 8);  // another partition's batch: no effect
    CHECK(s.current() == p);
    s.batch_closed(p);
    CHECK_FALSE(s.current().has_value());
  }
  SECTION("batch closed before the threshold keeps the partition") {
    StickyPartition s(1000);
    const std::int32_t p = s.get(rng, 8, {});
    s.appended(p, 500, false);
    s.batch_closed(p);
    CHECK(s.current() == p);
    CHECK(s.produced_bytes() == 500);
  }
  SECTION("never closed: moves on at twice batch_bytes") {
    StickyPartition s(1000);
    const std::int32_t p = s.get(rng, 8, {});
    for (int i = 0; i < 19; ++i) s.appended(p, 100, false);
    CHECK(s.current() == p);
    s.appended(p, 100, false);
    CHECK_FALSE(s.current().has_value());
  }
  SECTION("the append that fills the batch moves on") {
    StickyPartition s(1000);
    const std::int32_t p = s.get(rng, 8, {});
    for (int i = 0; i < 14; ++i) s.appended(p, 100, false);
    CHECK(s.current() == p);
    s.appended(p, 100, true);
    CHECK_FALSE(s.current().has_value());
  }
}

TEST_CASE("sticky: batch_bytes 0 picks a fresh partition for every record") {
  StickyPartition s(0);
  SplitMix64 rng(6);
  const auto parts = run(s, rng, 8000, 10, 8);
  std::vector<int> hits(8);
  int changes = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    ++hits[static_cast<std::size_t>(parts[i])];
    if (i > 0 && parts[i] != parts[i - 1]) ++changes;
  }
  CHECK(changes > 6500);  // 7 in 8 on average: 7000
  for (int h : hits) CHECK(std::abs(h - 1000) < 150);
}

TEST_CASE("sticky: picks only available partitions and leaves one that lost its leader") {
  StickyPartition s(1000);
  SplitMix64 rng(7);
  const std::vector<std::int32_t> available{2, 5, 11};
  for (std::int32_t p : run(s, rng, 3000, 100, 12, available)) {
    INFO("partition " << p);
    CHECK((p == 2 || p == 5 || p == 11));
  }
  const std::int32_t p = s.get(rng, 12, available);
  std::vector<std::int32_t> without;
  for (std::int32_t a : available) {
    if (a != p) without.push_back(a);
  }
  const std::int32_t q = s.get(rng, 12, without);
  CHECK(q != p);
  CHECK((q == without[0] || q == without[1]));
  CHECK(s.produced_bytes() == 0);
}

TEST_CASE("sticky: with no partition available any partition may be chosen") {
  StickyPartition s(100);
  SplitMix64 rng(8);
  std::set<std::int32_t> seen;
  for (std::int32_t p : run(s, rng, 2000, 100, 5)) {
    CHECK(p >= 0);
    CHECK(p < 5);
    seen.insert(p);
  }
  CHECK(seen.size() == 5);
}

TEST_CASE("sticky: a partition beyond a smaller partition count is left") {
  StickyPartition s(1000);
  SplitMix64 rng(9);
  std::int32_t p = s.get(rng, 100, {});
  for (int i = 0; i < 50 && p < 10; ++i) {  // find a run on a partition >= 10
    s.appended(p, 1000, true);
    p = s.get(rng, 100, {});
  }
  REQUIRE(p >= 10);
  const std::int32_t q = s.get(rng, 10, {});
  CHECK(q >= 0);
  CHECK(q < 10);
}
