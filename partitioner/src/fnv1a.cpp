#include "sluice/partitioner/fnv1a.hpp"

namespace sluice::partitioner {

std::uint32_t fnv1a32(std::span<const std::uint8_t> data) noexcept {
  std::uint32_t h = 0x811C9DC5u;
  for (std::uint8_t b : data) {
    h ^= b;
    h *= 0x01000193u;
  }
  return h;
}

std::uint32_t fnv1a_positive(std::span<const std::uint8_t> data) noexcept {
  const std::uint32_t h = fnv1a32(data);
  // Two's-complement negation in unsigned arithmetic: no signed overflow,
  // and 0x80000000 maps to itself as librdkafka's int32 negation does.
  return (h & 0x80000000u) ? 0u - h : h;
}

std::int32_t fnv1a_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept {
  return static_cast<std::int32_t>(fnv1a_positive(key) % static_cast<std::uint32_t>(partition_count));
}

}  // namespace sluice::partitioner
