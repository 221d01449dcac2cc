#pragma once
// Kafka's murmur2 (the Java client's Utils.murmur2) and the partition it
// gives a keyed record.
#include <cstdint>
#include <span>

namespace sluice::partitioner {

// 32-bit murmur2 with Kafka's seed 0x9747b28c, as Java computes it (bytes
// read little-endian in blocks of four, whatever the host).
std::int32_t murmur2(std::span<const std::uint8_t> key) noexcept;

// `(murmur2(key) & 0x7fffffff) % partition_count` (partition_count > 0).
// This is the Java client's BuiltInPartitioner.partitionForKey, and also
// librdkafka's `murmur2` / `murmur2_random` partitioners for a non-null key
// (both clear the sign bit rather than taking an absolute value). The
// partition is taken over all partitions, leader or not, as both clients do:
// a key must not move when a leader is briefly missing.
std::int32_t java_keyed_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept;

}  // namespace sluice::partitioner
