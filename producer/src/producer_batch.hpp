#pragma once
// ProducerBatch: one partition's records encoded in place, plus everything
// the producer must remember about them until each gets its report.
// Owned by the I/O thread (the accumulator's queue while unsent or waiting
// for a retry, the Produce request while in flight).
#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

using Clock = std::chrono::steady_clock;

struct TopicPartition {
  std::string topic;
  std::int32_t partition = -1;
  auto operator<=>(const TopicPartition&) const = default;
  std::string str() const { return topic + "-" + std::to_string(partition); }
};

struct ProducerBatch {
  TopicPartition tp;
  protocol::RecordBatchBuilder builder;
  std::vector<DeliveryCallback> callbacks;  // one per record, in record order
  std::vector<std::int64_t> timestamps;     // one per record (the reports carry them)
  std::vector<std::uint64_t> generations;   // one per record: the flush generation it was sent in
  std::size_t reserved_bytes = 0;           // buffer.memory charged for its records
  // Position within its partition: batches are created 2^32 apart, and a
  // split batch's halves share its span (first half first), so retries and
  // split halves requeue exactly where their records belong.
  std::uint64_t order = 0;
  std::uint64_t order_span = std::uint64_t{1} << 32;
  Clock::time_point created{};              // send() of its first record: delivery.timeout.ms runs from here
  Clock::time_point retry_at{};             // not before this when attempts > 0
  std::int32_t attempts = 0;                // Produce requests that carried it so far
  bool urgent = false;                      // a sync send is in it: do not wait out linger.ms
  bool sealed = false;                      // finished (and compressed): no more appends
  bool maybe_sent = false;                  // may be in the log although no request succeeded
  // Idempotence: the producer state it was last sequenced under.
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;

  std::int32_t record_count() const noexcept { return builder.record_count(); }
  bool has_sequence() const noexcept { return base_sequence >= 0; }
};

}  // namespace sluice::detail
