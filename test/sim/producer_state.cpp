#include "producer_state.hpp"

#include <algorithm>
#include <climits>

namespace sluice::sim {

using protocol::kafka_errc;

std::int32_t increment_sequence(std::int32_t seq, std::int32_t by) noexcept {
  if (seq > INT32_MAX - by) return by - (INT32_MAX - seq) - 1;
  return seq + by;
}

std::int32_t decrement_sequence(std::int32_t seq, std::int32_t by) noexcept {
  if (seq < by) return INT32_MAX - (by - seq) + 1;
  return seq - by;
}

namespace {

bool in_sequence(std::int32_t last, std::int32_t next) noexcept {
  // 64-bit sum: last == INT32_MAX must not make last + 1 look like 0's
  // predecessor through overflow; the wrap is its own case.
  return static_cast<std::int64_t>(next) == static_cast<std::int64_t>(last) + 1 ||
         (next == 0 && last == INT32_MAX);
}

}  // namespace

const ProducerStateTable::Entry* ProducerStateTable::find(std::int64_t producer_id) const {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.producer_id == producer_id; });
  return it == entries_.end() ? nullptr : &*it;
}

StateCheck ProducerStateTable::check(const BatchIdentity& b) const {
  if (b.producer_id < 0) return {};
  const Entry* e = find(b.producer_id);
  if (e == nullptr) return {};  // no state: any sequence (idempotent producers)
  const std::int32_t last_seq = increment_sequence(b.base_sequence, b.last_offset_delta);
  // Duplicates first, and only at the entry's epoch.
  if (b.producer_epoch == e->epoch) {
    for (std::size_t i = 0; i < e->count; ++i) {
      const CachedBatch& c = e->at(i);
      if (c.first_seq == b.base_sequence && c.last_seq == last_seq) return {kafka_errc::none, c};
    }
  }
  if (b.producer_epoch < e->epoch) return {kafka_errc::invalid_producer_epoch, std::nullopt};
  if (b.producer_epoch != e->epoch) {
    if (b.base_sequence != 0 && e->epoch != -1) return {kafka_errc::out_of_order_sequence_number, std::nullopt};
    return {};
  }
  const std::int32_t current_last = e->count > 0 ? e->last().last_seq : -1;
  if (e->epoch != -1 && !in_sequence(current_last, b.base_sequence)) {
    return {kafka_errc::out_of_order_sequence_number, std::nullopt};
  }
  return {};
}

void ProducerStateTable::record(const BatchIdentity& b, std::int64_t first_offset) {
  if (b.producer_id < 0) return;
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.producer_id == b.producer_id; });
  if (it == entries_.end()) {
    entries_.push_back(Entry{});
    it = entries_.end() - 1;
    it->producer_id = b.producer_id;
    it->epoch = b.producer_epoch;
  }
  Entry& e = *it;
  if (e.epoch != b.producer_epoch) {
    // A new epoch forgets the old epoch's batches (maybeUpdateProducerEpoch).
    e.epoch = b.producer_epoch;
    e.head = 0;
    e.count = 0;
  }
  const CachedBatch c{b.base_sequence, increment_sequence(b.base_sequence, b.last_offset_delta), first_offset,
                      first_offset + b.last_offset_delta, b.max_timestamp};
  if (e.count == kBatchesToRetain) {
    e.batches[e.head] = c;  // the oldest slot becomes the newest
    e.head = (e.head + 1) % kBatchesToRetain;
  } else {
    e.batches[(e.head + e.count) % kBatchesToRetain] = c;
    ++e.count;
  }
}

}  // namespace sluice::sim
