#include "sluice/partitioner/murmur2.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support.hpp"

using namespace sluice::partitioner;
using sluice::partitioner::test::bytes_of;

TEST_CASE("murmur2 matches the Java client's Utils.murmur2 test vectors") {
  CHECK(murmur2(bytes_of("21")) == -973932308);
  CHECK(murmur2(bytes_of("foobar")) == -790332482);
  CHECK(murmur2(bytes_of("a-little-bit-long-string")) == -985981536);
  CHECK(murmur2(bytes_of("a-little-bit-longer-string")) == -1486304829);
  CHECK(murmur2(bytes_of("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")) == -58897971);
  CHECK(murmur2(bytes_of("abc")) == 479470107);
}

TEST_CASE("murmur2 matches librdkafka's vectors, at every alignment and for the empty key") {
  const std::string short_key = "1234";
  const std::string long_key = "PreAmbleWillBeRemoved,ThePrePartThatIs";
  auto tail = [](const std::string& s, std::size_t from) { return bytes_of(std::string_view(s).substr(from)); };
  CHECK(murmur2(bytes_of("kafka")) == static_cast<std::int32_t>(0xd067cf64u));
  CHECK(murmur2(bytes_of("giberish123456789")) == static_cast<std::int32_t>(0x8f552b0cu));
  CHECK(murmur2(tail(short_key, 0)) == static_cast<std::int32_t>(0x9fc97b14u));
  CHECK(murmur2(tail(short_key, 1)) == static_cast<std::int32_t>(0xe7c009cau));
  CHECK(murmur2(tail(short_key, 2)) == static_cast<std::int32_t>(0x873930dau));
  CHECK(murmur2(tail(short_key, 3)) == static_cast<std::int32_t>(0x5a4b5ca1u));
  CHECK(murmur2(tail(long_key, 0)) == static_cast<std::int32_t>(0x78424f1cu));
  CHECK(murmur2(tail(long_key, 1)) == static_cast<std::int32_t>(0x4a62b377u));
  CHECK(murmur2(tail(long_key, 2)) == static_cast<std::int32_t>(0xe0e4e09eu));
  CHECK(murmur2(tail(long_key, 3)) == static_cast<std::int32_t>(0x62b8b43fu));
  CHECK(murmur2({}) == 0x106e08d9);
}

TEST_CASE("java_keyed_partition clears the sign bit of the hash, then takes the remainder") {
  // "21" hashes negative: an absolute value would give 973932308 instead.
  const std::int32_t h = murmur2(bytes_of("21"));
  REQUIRE(h < 0);
  const std::int32_t positive = h & 0x7fffffff;
  CHECK(positive == 1173551340);
  for (std::int32_t n : {1, 2, 3, 7, 12, 100, 1000, 0x7fffffff}) {
    INFO("partitions " << n);
    CHECK(java_keyed_partition(bytes_of("21"), n) == positive % n);
  }
  CHECK(java_keyed_partition(bytes_of("21"), 7) == 1173551340 % 7);
  CHECK(java_keyed_partition(bytes_of("anything"), 1) == 0);
  CHECK(java_keyed_partition({}, 1000) == 0x106e08d9 % 1000);
}

TEST_CASE("java_keyed_partition spreads distinct keys evenly") {
  constexpr std::int32_t partitions = 12;
  constexpr int keys = 120000;
  std::vector<int> hits(partitions);
  for (int i = 0; i < keys; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::int32_t p = java_keyed_partition(bytes_of(key), partitions);
    REQUIRE(p >= 0);
    REQUIRE(p < partitions);
    ++hits[static_cast<std::size_t>(p)];
  }
  // Expected 10000 each; a fair hash stays within a few percent.
  for (int h : hits) CHECK(std::abs(h - keys / partitions) < 500);
}
