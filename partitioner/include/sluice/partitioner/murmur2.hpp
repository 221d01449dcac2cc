#pragma once
// Kafka's murmur2 (the Java client's Utils.murmur2) and the Java default
// partition of a keyed record.
#include <cstdint>
#include <span>

namespace sluice::partitioner {

// 32-bit murmur2 with Kafka's seed 0x9747b28c, as Java computes it.
std::int32_t murmur2(std::span<const std::uint8_t> key) noexcept;

// Java's `toPositive(murmur2(key)) % num_partitions` (num_partitions > 0).
std::int32_t java_keyed_partition(std::span<const std::uint8_t> key, std::int32_t num_partitions) noexcept;

}  // namespace sluice::partitioner
