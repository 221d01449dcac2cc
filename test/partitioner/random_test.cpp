#include "sluice/partitioner/random.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <set>
#include <vector>

using namespace sluice::partitioner;

TEST_CASE("SplitMix64 gives the reference sequence for seed 0, and the same sequence for the same seed") {
  SplitMix64 g(0);
  CHECK(g.next() == 0xE220A8397B1DCDAFu);
  CHECK(g.next() == 0x6E789E6AA1B965F4u);
  CHECK(g.next() == 0x06C45D188009454Fu);
  SplitMix64 a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    CHECK(x == b.next());
    differs = differs || x != c.next();
  }
  CHECK(differs);
}

TEST_CASE("uniform_partition maps the random range onto all partitions when none is listed available") {
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  CHECK(uniform_partition(0, {}, 5) == 0);
  CHECK(uniform_partition(max, {}, 5) == 4);
  CHECK(uniform_partition(max, {}, 1) == 0);
  CHECK(uniform_partition(max, {}, std::numeric_limits<std::int32_t>::max()) ==
        std::numeric_limits<std::int32_t>::max() - 1);
  CHECK(uniform_partition(std::uint64_t{1} << 63, {}, 4) == 2);  // the middle of the range
}

TEST_CASE("uniform_partition picks only among the available partitions, evenly") {
  const std::vector<std::int32_t> available{1, 4, 6, 9};
  SplitMix64 g(7);
  std::vector<int> hits(10);
  constexpr int picks = 40000;
  for (int i = 0; i < picks; ++i) ++hits[static_cast<std::size_t>(uniform_partition(g.next(), available, 10))];
  std::set<std::int32_t> seen;
  for (std::int32_t p = 0; p < 10; ++p) {
    INFO("partition " << p);
    if (p == 1 || p == 4 || p == 6 || p == 9) {
      CHECK(std::abs(hits[static_cast<std::size_t>(p)] - picks / 4) < 600);
    } else {
      CHECK(hits[static_cast<std::size_t>(p)] == 0);
    }
  }
  CHECK(uniform_partition(0, available, 10) == 1);
  CHECK(uniform_partition(std::numeric_limits<std::uint64_t>::max(), available, 10) == 9);
}

TEST_CASE("uniform_partition spreads evenly over all partitions") {
  SplitMix64 g(11);
  constexpr std::int32_t partitions = 7;
  constexpr int picks = 70000;
  std::vector<int> hits(partitions);
  for (int i = 0; i < picks; ++i) {
    const std::int32_t p = uniform_partition(g.next(), {}, partitions);
    REQUIRE(p >= 0);
    REQUIRE(p < partitions);
    ++hits[static_cast<std::size_t>(p)];
  }
  for (int h : hits) CHECK(std::abs(h - picks / partitions) < 500);
}
