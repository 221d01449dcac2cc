#pragma once
// FNV-1a of a key and librdkafka's `fnv1a` placement.
#include <cstdint>
#include <span>

namespace sluice::partitioner {

// 32-bit FNV-1a (offset basis 0x811C9DC5, prime 0x01000193);
// fnv1a32({}) == 0x811C9DC5.
std::uint32_t fnv1a32(std::span<const std::uint8_t> data) noexcept;

// The hash as librdkafka's `fnv1a` partitioners use it: fnv1a32 read as a
// signed 32-bit value and made non-negative by negation (which is what makes
// it agree with Sarama's default hash partitioner). 0x80000000 has no
// positive counterpart and stays 0x80000000, as it does in librdkafka.
std::uint32_t fnv1a_positive(std::span<const std::uint8_t> data) noexcept;

// librdkafka's `fnv1a` partitioner: fnv1a_positive(key) % partition_count
// (partition_count > 0). A null key hashes as no bytes in librdkafka: pass an
// empty span for it.
std::int32_t fnv1a_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept;

}  // namespace sluice::partitioner
