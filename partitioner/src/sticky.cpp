#include "sluice/partitioner/sticky.hpp"

#include <algorithm>
#include <cassert>

namespace sluice::partitioner {

std::int32_t StickyPartition::get(SplitMix64& rng, std::int32_t partition_count,
                                  std::span<const std::int32_t> available) {
  assert(partition_count > 0);
  assert(std::is_sorted(available.begin(), available.end()));
  const bool valid = partition_ >= 0 && partition_ < partition_count &&
                     (available.empty() || std::binary_search(available.begin(), available.end(), partition_));
  if (!valid) {
    // The new partition is picked now rather than when the old one filled,
    // so it comes from the leaders known at this moment.
    partition_ = uniform_partition(rng.next(), available, partition_count);
    produced_ = 0;
  }
  return partition_;
}

void StickyPartition::appended(std::int32_t partition, std::size_t bytes, bool batch_full) noexcept {
  if (partition_ < 0 || partition != partition_) return;
  produced_ += bytes;
  if (produced_ < batch_bytes_) return;
  // Written so that 2 * batch_bytes cannot overflow.
  if (batch_full || produced_ - batch_bytes_ >= batch_bytes_) move_on();
}

void StickyPartition::batch_closed(std::int32_t partition) noexcept {
  if (partition_ >= 0 && partition == partition_ && produced_ >= batch_bytes_) move_on();
}

std::optional<std::int32_t> StickyPartition::current() const noexcept {
  if (partition_ < 0) return std::nullopt;
  return partition_;
}

void StickyPartition::move_on() noexcept {
  partition_ = -1;
  produced_ = 0;
}

}  // namespace sluice::partitioner
