#include "sluice/partitioner/random.hpp"

namespace sluice::partitioner {

std::uint64_t SplitMix64::next() noexcept {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

std::int32_t uniform_partition(std::uint64_t random, std::span<const std::int32_t> available,
                               std::int32_t partition_count) noexcept {
  const std::uint64_t range =
      available.empty() ? static_cast<std::uint64_t>(partition_count) : static_cast<std::uint64_t>(available.size());
  const auto index = static_cast<std::size_t>(((random >> 32) * range) >> 32);
  return available.empty() ? static_cast<std::int32_t>(index) : available[index];
}

}  // namespace sluice::partitioner
