#pragma once
// Randomness for the partitioners that spread records: a small seeded
// generator and a uniform pick among partitions. Deterministic for a given
// seed, so the stateful Partitioner can be tested exactly.
#include <cstdint>
#include <span>

namespace sluice::partitioner {

// SplitMix64: 64-bit state, one add and three mix steps per value. Good
// enough statistically for spreading records; not for anything secret.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept;

 private:
  std::uint64_t state_;
};

// A partition chosen uniformly with the random value `random` (all 64 bits
// random): among `available` when it is non-empty (which then holds valid
// partition ids), else among 0..partition_count-1 (partition_count > 0).
// Uses the high 32 bits times the range (Lemire's multiply-shift): bias
// below range/2^32, no division.
std::int32_t uniform_partition(std::uint64_t random, std::span<const std::int32_t> available,
                               std::int32_t partition_count) noexcept;

}  // namespace sluice::partitioner
