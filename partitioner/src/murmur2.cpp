#include "sluice/partitioner/murmur2.hpp"

namespace sluice::partitioner {

std::int32_t murmur2(std::span<const std::uint8_t> key) noexcept {
  constexpr std::uint32_t seed = 0x9747b28cu;
  constexpr std::uint32_t m = 0x5bd1e995u;
  constexpr int r = 24;
  const std::size_t length = key.size();
  std::uint32_t h = seed ^ static_cast<std::uint32_t>(length);
  const std::size_t blocks = length / 4;
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t o = i * 4;
    std::uint32_t k = static_cast<std::uint32_t>(key[o]) | static_cast<std::uint32_t>(key[o + 1]) << 8 |
                      static_cast<std::uint32_t>(key[o + 2]) << 16 | static_cast<std::uint32_t>(key[o + 3]) << 24;
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::size_t tail = blocks * 4;
  switch (length % 4) {
    case 3: h ^= static_cast<std::uint32_t>(key[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<std::uint32_t>(key[tail + 1]) << 8; [[fallthrough]];
    case 1:
      h ^= key[tail];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t java_keyed_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept {
  return (murmur2(key) & 0x7fffffff) % partition_count;
}

}  // namespace sluice::partitioner
