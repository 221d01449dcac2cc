#pragma once
// RecordAccumulator: the per-partition queues of batches (the Java client's
// RecordAccumulator role). Sans-I/O: it is told the time and the leaders and
// answers what is ready and what to drain; it never touches a socket, a
// clock or a thread. Owned by the producer's I/O thread.
//
// Each partition has one open batch at the back of its queue, encoded in
// place as records arrive. A batch is ready when it holds
// batch.num.messages records, reaches batch.size bytes, its first record has
// waited linger.ms, a batch is queued behind it (so it is full), it holds a
// sync send, or the producer is flushing. A batch waiting for a retry is
// ready at its retry_at. Batches leave the queue when drained into a request
// (the accumulator counts them in flight for their partition) and come back
// with reenqueue() for a retry, in creation order.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "producer_batch.hpp"

namespace sluice::detail {

struct AccumulatorOptions {
  std::size_t batch_size = 16384;
  std::int32_t batch_num_messages = 10000;
  std::chrono::microseconds linger{5000};  // linger.ms, to the microsecond
  std::size_t max_request_size = 1048576;
  std::chrono::milliseconds delivery_timeout{120000};
};

// Request framing and per-partition overhead in a Produce request, generous.
inline constexpr std::size_t kRequestOverhead = 61 + 200;

class RecordAccumulator {
  struct PartitionQueue;

 public:
  // One partition's queue. A Lane& stays valid for the accumulator's
  // lifetime (partitions are never removed), so the engine looks a
  // partition up once and appends to it record after record without a map
  // lookup (or a TopicPartition string copy) per record.
  using Lane = PartitionQueue;

  explicit RecordAccumulator(AccumulatorOptions options) : options_(options) {}

  // tp's lane, created empty the first time.
  Lane& lane(const TopicPartition& tp);

  // Appends a record to tp's open batch, opening a new one when the record
  // does not fit (count, batch.size, max.request.size) or the open batch is
  // sealed. A record larger than batch.size gets a batch of its own.
  // Returns the batch it went into.
  ProducerBatch& append(const TopicPartition& tp, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key,
                        std::optional<protocol::ByteView> value, std::span<const protocol::RecordHeaderView> headers,
                        DeliveryCallback callback, std::size_t reserved_bytes, Clock::time_point enqueued,
                        bool urgent, std::uint64_t generation = 0) {
    return append(lane(tp), timestamp_ms, key, value, headers, std::move(callback), reserved_bytes, enqueued, urgent,
                  generation);
  }
  ProducerBatch& append(Lane& lane, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key,
                        std::optional<protocol::ByteView> value, std::span<const protocol::RecordHeaderView> headers,
                        DeliveryCallback&& callback, std::size_t reserved_bytes, Clock::time_point enqueued,
                        bool urgent, std::uint64_t generation);

  // A batch that got its reports: its encoding buffers are kept (a few) for
  // the next batches, which then neither grow a buffer from scratch nor
  // fault its pages in again. The batch is left empty.
  void recycle(ProducerBatch& batch);

  // Partitions whose first queued batch is ready at `now` (flushing: every
  // non-empty partition).
  std::vector<TopicPartition> ready(Clock::time_point now, bool flushing) const;

  // The first queued batch of tp (nullptr if none).
  ProducerBatch* head(const TopicPartition& tp);

  // Removes tp's first batch for sending and counts it in flight.
  std::unique_ptr<ProducerBatch> take_head(const TopicPartition& tp);

  // A batch back from a request: no longer in flight. Requeued for a retry
  // (keeping creation order ahead of newer batches) or dropped by the caller.
  void returned(const TopicPartition& tp);
  void reenqueue(std::unique_ptr<ProducerBatch> batch);

  // Removes and returns queued batches whose delivery.timeout.ms has passed.
  std::vector<std::unique_ptr<ProducerBatch>> expire(Clock::time_point now);

  // Removes and returns queued batches never sent (purge()).
  std::vector<std::unique_ptr<ProducerBatch>> take_unsent();
  // Removes and returns every queued batch (close()).
  std::vector<std::unique_ptr<ProducerBatch>> take_all();

  // The earliest future time at which something queued becomes ready or
  // expires (for the timer); nullopt if nothing is queued.
  std::optional<Clock::time_point> next_wakeup(Clock::time_point now, bool flushing) const;

  std::int32_t in_flight(const TopicPartition& tp) const;
  // Statistics: each partition's queue, read only.
  struct QueueStats {
    std::uint64_t open_records = 0, open_bytes = 0;      // the open batch at the back
    std::uint64_t closed_records = 0, closed_bytes = 0;  // batches closed or waiting for a retry
    std::uint64_t appended = 0;                          // records appended since start
  };
  template <class F>
  void for_each_queue(F&& f) const {
    for (const auto& [tp, q] : partitions_) f(tp, queue_stats(q));
  }
  std::size_t queued_batches() const noexcept;
  bool empty() const noexcept { return queued_batches() == 0; }
  // True when tp has nothing queued and nothing in flight.
  bool idle(const TopicPartition& tp) const;
  // The same for every partition of `topic` it ever had (a recreated topic
  // may have fewer now).
  bool topic_idle(const std::string& topic) const;

 private:
  struct PartitionQueue {
    const TopicPartition* tp = nullptr;                  // its key in partitions_
    std::deque<std::unique_ptr<ProducerBatch>> batches;  // back() is the open one
    std::int32_t in_flight = 0;
    std::uint64_t next_order = 0;
    // Size the last batch opened here reached: the next one reserves that
    // much at once, so a busy partition's batch never grows its buffer
    // record by record (each doubling copied it and faulted in new pages).
    std::size_t last_batch_bytes = 0;
    std::size_t last_batch_records = 0;  // and its record count, for the per-record vectors
    std::uint64_t appended = 0;          // records appended (statistics)
  };
  static QueueStats queue_stats(const PartitionQueue& q);
  std::unique_ptr<ProducerBatch> new_batch(PartitionQueue& q, Clock::time_point enqueued, std::size_t record_size);
  static void note_last_batch(PartitionQueue& q, const ProducerBatch& b);
  bool is_ready(const PartitionQueue& q, Clock::time_point now, bool flushing) const;
  Clock::time_point ready_at(const PartitionQueue& q) const;

  AccumulatorOptions options_;
  std::map<TopicPartition, PartitionQueue> partitions_;
  std::vector<protocol::RecordBatchBuilder> spare_builders_;  // recycled, reset, capacity kept
  std::size_t spare_bytes_ = 0;                                // their capacity, bounded (kSpareBytes)
};

}  // namespace sluice::detail
