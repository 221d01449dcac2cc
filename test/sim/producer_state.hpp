#pragma once
// ProducerStateTable: one partition's idempotent-producer state, checked and
// updated the way a current Kafka broker does it, so the simulated cluster
// answers a retry exactly as a real leader would.
//
// Confirmed in Kafka's source (apache/kafka): in storage/src/main/java/org/
// apache/kafka/storage/internals/log/, ProducerAppendInfo.java at 0745535 and
// ProducerStateEntry.java at 087c00f; at 1eb7644 (Oct 2024),
// ProducerStateManager.java (prepareUpdate: an unknown id starts from
// ProducerStateEntry.empty, epoch -1), core's UnifiedLog.scala and
// ReplicaManager.scala, clients' DefaultRecordBatch.java:
//  - ProducerStateEntry keeps, per producer id, the current epoch and the
//    metadata of at most NUM_BATCHES_TO_RETAIN = 5 batches (last seq, last
//    offset, offset delta, max timestamp; first seq and first offset are
//    derived from them); the oldest is dropped when a sixth is added.
//    A batch whose epoch differs from the entry's clears that list
//    (maybeUpdateProducerEpoch) before it is added.
//  - Duplicates are looked for first, before any epoch or sequence check
//    (UnifiedLog.analyzeAndValidateProducerState, client appends only):
//    findDuplicateBatch matches only at the entry's epoch and only a cached
//    batch with the same first AND last sequence. A duplicate is not
//    appended; the answer is NONE with the cached batch's first offset (and
//    last offset).
//  - ProducerAppendInfo.checkProducerEpoch: epoch < current ->
//    INVALID_PRODUCER_EPOCH (the signed int16 comparison).
//  - checkSequence, epoch != current (so higher): first seq must be 0, else
//    OUT_OF_ORDER_SEQUENCE_NUMBER, unless the entry has no epoch yet
//    (NO_PRODUCER_EPOCH = -1), which is also what "no state" looks like: a
//    producer id never seen on the partition is accepted at ANY sequence.
//  - same epoch: first seq must follow the last cached batch's last seq:
//    next == last + 1 (computed in 64 bits, so INT32_MAX + 1 is not 0 by
//    overflow) or next == 0 after last == INT32_MAX. With the entry's epoch
//    at -1 any sequence is accepted. With the epoch set but no cached batch
//    the "last seq" is -1, so only 0 follows (cannot happen here: every
//    entry this table creates holds a batch).
//  - A batch's last sequence is DefaultRecordBatch.incrementSequence(base,
//    lastOffsetDelta), which wraps past INT32_MAX to 0; a cached batch's
//    first sequence is decrementSequence(last, delta), the inverse.
//  - producer id -1 (hasProducerId() is producerId > -1): no state, no
//    checks.
// Differences from the first sketch of these rules:
//  - A duplicate's answer carries log_append_time = the original batch's
//    max timestamp (UnifiedLog sets appendInfo.setLogAppendTime(duplicate.
//    timestamp) and ReplicaManager returns it), not -1 as for a fresh
//    append to a CreateTime topic. The table keeps that timestamp for it.
//  - "Accept any sequence without state" is the idempotent producer's case;
//    transactional producers (transactions v2) must start at 0. Not
//    modelled: the simulated cluster refuses transactional batches.
//  - Not modelled: producer id expiry (producer.id.expiration.ms), state
//    rebuilt from a truncated log, DeleteRecords removing the state.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sluice/protocol/kafka_error.hpp"

namespace sluice::sim {

// What the table needs from one batch's header.
struct BatchIdentity {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::int32_t last_offset_delta = 0;  // records - 1
  std::int64_t max_timestamp = -1;
};

// One cached batch (Kafka's BatchMetadata, with first seq/offset stored).
struct CachedBatch {
  std::int32_t first_seq = 0;
  std::int32_t last_seq = 0;
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;
  std::int64_t max_timestamp = -1;
};

// Sequence arithmetic with the protocol's wrap at INT32_MAX -> 0.
std::int32_t increment_sequence(std::int32_t seq, std::int32_t by) noexcept;
std::int32_t decrement_sequence(std::int32_t seq, std::int32_t by) noexcept;

struct StateCheck {
  protocol::kafka_errc error = protocol::kafka_errc::none;
  // Set when the batch duplicates a cached one: answer with it, append nothing.
  std::optional<CachedBatch> duplicate;
};

class ProducerStateTable {
 public:
  static constexpr std::size_t kBatchesToRetain = 5;

  // The verdict for `b` against the current state; changes nothing.
  StateCheck check(const BatchIdentity& b) const;
  // Records `b`, appended at [first_offset, first_offset + delta]. Call only
  // after check() allowed an append. No-op for producer id -1.
  void record(const BatchIdentity& b, std::int64_t first_offset);

  struct Entry {
    std::int64_t producer_id = -1;
    std::int16_t epoch = -1;
    // Ring of the last batches, oldest at `head`.
    std::array<CachedBatch, kBatchesToRetain> batches{};
    std::size_t head = 0;
    std::size_t count = 0;
    const CachedBatch& at(std::size_t i) const { return batches[(head + i) % kBatchesToRetain]; }
    const CachedBatch& last() const { return at(count - 1); }
  };
  // nullptr when the producer id has no state here.
  const Entry* find(std::int64_t producer_id) const;
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  // A handful of producers per partition in a simulation: a vector scanned
  // linearly beats a map and allocates once.
  std::vector<Entry> entries_;
};

}  // namespace sluice::sim
