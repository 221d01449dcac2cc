#include "sluice/partitioner/fnv1a.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support.hpp"

using namespace sluice::partitioner;
using sluice::partitioner::test::bytes_of;

TEST_CASE("fnv1a32 known vectors (FNV-1a, 32 bits)") {
  CHECK(fnv1a32({}) == 0x811C9DC5u);
  CHECK(fnv1a32(bytes_of("a")) == 0xE40C292Cu);
  CHECK(fnv1a32(bytes_of("foobar")) == 0xBF9CF968u);
}

TEST_CASE("fnv1a_positive matches librdkafka's (Sarama-compatible) vectors at every alignment") {
  const std::string short_key = "1234";
  const std::string long_key = "PreAmbleWillBeRemoved,ThePrePartThatIs";
  auto tail = [](const std::string& s, std::size_t from) { return bytes_of(std::string_view(s).substr(from)); };
  CHECK(fnv1a_positive(bytes_of("kafka")) == 0xd33c4e1u);
  CHECK(fnv1a_positive(bytes_of("giberish123456789")) == 0x77a58295u);
  CHECK(fnv1a_positive(tail(short_key, 0)) == 0x23bdd03u);
  CHECK(fnv1a_positive(tail(short_key, 1)) == 0x2dea3cd2u);
  CHECK(fnv1a_positive(tail(short_key, 2)) == 0x740fa83eu);
  CHECK(fnv1a_positive(tail(short_key, 3)) == 0x310ca263u);
  CHECK(fnv1a_positive(tail(long_key, 0)) == 0x65cbd69cu);
  CHECK(fnv1a_positive(tail(long_key, 1)) == 0x6e49c79au);
  CHECK(fnv1a_positive(tail(long_key, 2)) == 0x69eed356u);
  CHECK(fnv1a_positive(tail(long_key, 3)) == 0x6abcc023u);
  CHECK(fnv1a_positive({}) == 0x7ee3623bu);  // also librdkafka's value for a null key
}

TEST_CASE("fnv1a_positive negates negative hashes and keeps 0x80000000") {
  // "" hashes to 0x811C9DC5, negative as int32: negated, not masked.
  CHECK(fnv1a_positive({}) == 0u - 0x811C9DC5u);
  CHECK(fnv1a_positive({}) != (0x811C9DC5u & 0x7fffffffu));
  // A key found offline whose FNV-1a is exactly 0x80000000.
  const std::vector<std::uint8_t> min_key{0x0e, 0x9c, 0x45, 0x01, 0x15};
  REQUIRE(fnv1a32(min_key) == 0x80000000u);
  CHECK(fnv1a_positive(min_key) == 0x80000000u);
  CHECK(fnv1a_partition(min_key, 7) == 2);
  CHECK(fnv1a_partition(min_key, 1000) == 648);
}

TEST_CASE("fnv1a_partition is the positive hash modulo the count, and spreads keys evenly") {
  CHECK(fnv1a_partition({}, 1000) == static_cast<std::int32_t>(0x7ee3623bu % 1000u));
  CHECK(fnv1a_partition(bytes_of("kafka"), 3) == static_cast<std::int32_t>(0xd33c4e1u % 3u));
  constexpr std::int32_t partitions = 12;
  constexpr int keys = 120000;
  std::vector<int> hits(partitions);
  for (int i = 0; i < keys; ++i) {
    const std::string key = "device-" + std::to_string(i);
    const std::int32_t p = fnv1a_partition(bytes_of(key), partitions);
    REQUIRE(p >= 0);
    REQUIRE(p < partitions);
    ++hits[static_cast<std::size_t>(p)];
  }
  for (int h : hits) CHECK(std::abs(h - keys / partitions) < 500);
}
