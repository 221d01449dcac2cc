#include "sluice/partitioner/crc32.hpp"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "support.hpp"

using namespace sluice::partitioner;
using sluice::partitioner::test::bytes_of;

namespace {

// Bit at a time, straight from the definition (reflected 0x04C11DB7).
std::uint32_t reference_crc32(std::span<const std::uint8_t> data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

}  // namespace

TEST_CASE("crc32 known vectors: the CRC-32 check value, the empty input, short strings") {
  CHECK(crc32(bytes_of("123456789")) == 0xCBF43926u);
  CHECK(crc32({}) == 0u);
  CHECK(crc32(bytes_of("a")) == 0xE8B7BE43u);
  CHECK(crc32(bytes_of("kafka")) == 0x5BBC7517u);
  CHECK(crc32(bytes_of("The quick brown fox jumps over the lazy dog")) == 0x414FA339u);
  // Not CRC-32C (record batches use that one).
  CHECK(crc32(bytes_of("123456789")) != 0xE3069283u);
}

TEST_CASE("crc32 equals zlib's crc32 (what librdkafka calls) and the bitwise definition on random keys") {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::uint8_t> key(rng() % 200);
    for (auto& b : key) b = static_cast<std::uint8_t>(rng());
    const auto zlib = static_cast<std::uint32_t>(::crc32(0L, key.data(), static_cast<uInt>(key.size())));
    INFO("key of " << key.size() << " bytes");
    REQUIRE(crc32(key) == zlib);
    REQUIRE(crc32(key) == reference_crc32(key));
  }
}

TEST_CASE("consistent_partition takes the CRC as unsigned, null and empty keys land on partition 0") {
  // 0xCBF43926 is negative as int32: a signed remainder would differ.
  CHECK(consistent_partition(bytes_of("123456789"), 7) == 5);
  CHECK(consistent_partition(bytes_of("123456789"), 1000) == 262);
  CHECK(consistent_partition(bytes_of("123456789"), 1) == 0);
  for (std::int32_t n : {1, 3, 12, 1000, 0x7fffffff}) CHECK(consistent_partition({}, n) == 0);
}

TEST_CASE("consistent_partition spreads distinct keys evenly") {
  constexpr std::int32_t partitions = 7;
  constexpr int keys = 70000;
  std::vector<int> hits(partitions);
  for (int i = 0; i < keys; ++i) {
    const std::string key = "order-" + std::to_string(i);
    const std::int32_t p = consistent_partition(bytes_of(key), partitions);
    REQUIRE(p >= 0);
    REQUIRE(p < partitions);
    ++hits[static_cast<std::size_t>(p)];
  }
  for (int h : hits) CHECK(std::abs(h - keys / partitions) < 500);
}
