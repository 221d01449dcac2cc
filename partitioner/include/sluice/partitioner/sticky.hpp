#pragma once
// One topic's uniform sticky partition (KIP-794, the Java client's
// BuiltInPartitioner without adaptive weighting): records that may go
// anywhere go to one partition until about batch.size bytes were appended to
// it, so they fill whole batches, then to another chosen uniformly at random.
// Owned by one thread; Partitioner keeps one per topic.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sluice/partitioner/random.hpp"

namespace sluice::partitioner {

class StickyPartition {
 public:
  // batch_bytes: bytes to append before moving on (batch.size). 0 moves on
  // after every append: a fresh random partition per record.
  explicit StickyPartition(std::size_t batch_bytes) noexcept : batch_bytes_(batch_bytes) {}

  // The partition to use now. Keeps the current one while it is below
  // partition_count and, when `available` is non-empty, listed in it (a
  // partition that lost its leader is left at once, as librdkafka does; Java
  // stays on it). Otherwise picks anew, uniformly among `available`, or among
  // all partitions when none has a leader. `available` must be sorted
  // ascending (it is binary-searched). partition_count > 0.
  std::int32_t get(SplitMix64& rng, std::int32_t partition_count, std::span<const std::int32_t> available);

  // `bytes` were appended to `partition`; counted only when that is the
  // current sticky partition (whoever placed the record: they all fill the
  // same batch). Moves on once batch_bytes were counted and `batch_full` (the
  // append left no open batch with room: switching now cuts no batch short),
  // or once twice batch_bytes were counted whatever `batch_full` says, the
  // bound Java uses too.
  void appended(std::int32_t partition, std::size_t bytes, bool batch_full) noexcept;

  // The open batch of `partition` was closed (full, or handed to the sender
  // by linger.ms or a flush): completes a move that appended() held back
  // waiting for that batch, as Java does when it finds the batch gone.
  void batch_closed(std::int32_t partition) noexcept;

  // The current sticky partition, if one is chosen and not due to change.
  std::optional<std::int32_t> current() const noexcept;
  // Bytes counted on the current partition.
  std::size_t produced_bytes() const noexcept { return produced_; }

 private:
  void move_on() noexcept;

  std::size_t batch_bytes_;
  std::int32_t partition_ = -1;  // -1: none chosen yet, or due to move on at the next get()
  std::size_t produced_ = 0;
};

}  // namespace sluice::partitioner
