#pragma once
// RecordAccumulator: the per-partition queues of batches (the Java client's
// RecordAccumulator role). Sans-I/O: it is told the time and the leaders and
// answers what is ready and what to drain; it never touches a socket or a
// clock.
//
// Threads (as in the Java client): append() runs on application threads
// (a record of a topic with a published route goes straight into its
// partition's open batch: the one copy of its bytes) and on the I/O thread
// (records that waited for metadata); everything else is the I/O thread's.
// Each partition's queue has its own mutex, held while a record is encoded
// into its open batch and while the I/O thread looks at or takes its
// batches; senders to different partitions never wait for each other. Only
// the I/O thread adds partitions (lane()), so the map itself needs no lock,
// and a Lane& stays valid for the accumulator's lifetime. A batch taken out
// of its queue (take_head) is sealed: no thread but the I/O thread touches
// it again. The fields of a queued batch that appends write (builder,
// per-record vectors, reserved_bytes, urgent) are read only under its
// queue's mutex; the I/O thread's own fields (attempts, sequence, retry_at)
// are written only while the batch is out of its queue.
//
// Each partition has one open batch at the back of its queue, encoded in
// place as records arrive. A batch is ready when it holds
// batch.num.messages records, reaches batch.size bytes, its first record has
// waited linger.ms, a batch is queued behind it (so it is full), it holds a
// sync send, or the producer is flushing. A batch waiting for a retry is
// ready at its retry_at. Batches leave the queue when drained into a request
// (the accumulator counts them in flight for their partition) and come back
// with reenqueue() for a retry, in creation order.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <type_traits>
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
  // A callable that gives the time, by reference (no allocation, no copy).
  struct NowRef {
    Clock::time_point (*call)(const void*) = nullptr;
    const void* f = nullptr;
    Clock::time_point operator()() const { return call(f); }
  };

 public:
  // One partition's queue. A Lane& stays valid for the accumulator's
  // lifetime (partitions are never removed), so the engine looks a
  // partition up once and appends to it record after record without a map
  // lookup (or a TopicPartition string copy) per record.
  using Lane = PartitionQueue;

  explicit RecordAccumulator(AccumulatorOptions options) : options_(options) {}

  // tp's lane, created empty the first time.
  Lane& lane(const TopicPartition& tp);

  // What an append did.
  struct Appended {
    bool appended = false;     // false: appends are closed (close_appends); the callback was left untouched
    bool opened_batch = false; // the record opened a new batch
    bool batch_full = false;   // the batch it went into takes no more records
    bool ready = false;        // a batch of the partition is ready now (full, or holds a sync send)
  };
  // Appends a record to tp's open batch, opening a new one when the record
  // does not fit (count, batch.size, max.request.size) or the open batch is
  // sealed. A record larger than batch.size gets a batch of its own.
  // `enqueued` is asked for only when a batch is opened (its linger and
  // delivery.timeout.ms start then), so a sender reads no clock per record.
  template <class Now>
  Appended append(Lane& lane, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key,
                  std::optional<protocol::ByteView> value, std::span<const protocol::RecordHeaderView> headers,
                  DeliveryCallback&& callback, std::size_t reserved_bytes, Now&& enqueued, bool urgent,
                  std::uint64_t generation) {
    std::lock_guard lock(lane.mu);
    if (appends_closed_) return {};
    using N = std::remove_reference_t<Now>;
    NowRef now;
    if constexpr (std::is_invocable_r_v<Clock::time_point, const N&>) {
      now = NowRef{[](const void* f) { return (*static_cast<const N*>(f))(); }, &enqueued};
    } else {  // a time_point
      now = NowRef{[](const void* f) { return Clock::time_point(*static_cast<const N*>(f)); }, &enqueued};
    }
    return append_locked(lane, timestamp_ms, key, value, headers, std::move(callback), reserved_bytes, now, urgent,
                         generation);
  }
  // The same by name, on the I/O thread (tests): returns the batch it went into.
  ProducerBatch& append(const TopicPartition& tp, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key,
                        std::optional<protocol::ByteView> value, std::span<const protocol::RecordHeaderView> headers,
                        DeliveryCallback callback, std::size_t reserved_bytes, Clock::time_point enqueued,
                        bool urgent, std::uint64_t generation = 0) {
    Lane& q = lane(tp);
    append(q, timestamp_ms, key, value, headers, std::move(callback), reserved_bytes,
           [enqueued] { return enqueued; }, urgent, generation);
    std::lock_guard lock(q.mu);
    return *q.batches.back();
  }
  // Every later append is refused (Appended::appended false): the producer
  // is closing or failed, and take_all() has taken or will take what is
  // queued. A sender that passed the send gate just before reports its
  // record itself. I/O thread.
  void close_appends();

  // A batch that got its reports: its encoding buffers are kept (a few) for
  // the next batches, which then neither grow a buffer from scratch nor
  // fault its pages in again. The batch is left empty.
  void recycle(ProducerBatch& batch);

  // Partitions whose first queued batch is ready at `now` (flushing: every
  // non-empty partition).
  std::vector<TopicPartition> ready(Clock::time_point now, bool flushing) const;

  // The first queued batch of tp (nullptr if none). It may still take
  // appends: read only the I/O thread's own fields (tp, attempts, sequence).
  ProducerBatch* head(const TopicPartition& tp);
  // The encoded size of tp's first queued batch (0 if none).
  std::size_t head_bytes(const TopicPartition& tp);

  // Removes tp's first batch for sending and counts it in flight.
  std::unique_ptr<ProducerBatch> take_head(const TopicPartition& tp);
  // The same if that batch is at most `max_bytes` (measured and taken under
  // one lock: senders may still be filling it), else nullptr.
  std::unique_ptr<ProducerBatch> take_head_within(const TopicPartition& tp, std::size_t max_bytes);

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
  // Records appended to `topic` since the start (all its partitions): the
  // I/O thread sees from it that a topic is in use when every record of it
  // went straight into a batch.
  std::uint64_t topic_appended(const std::string& topic) const;
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
    mutable std::mutex mu;                               // guards what follows, except in_flight
    std::deque<std::unique_ptr<ProducerBatch>> batches;  // back() is the open one
    std::int32_t in_flight = 0;                          // I/O thread only
    std::uint64_t next_order = 0;
    // Size the last batch opened here reached: the next one reserves that
    // much at once, so a busy partition's batch never grows its buffer
    // record by record (each doubling copied it and faulted in new pages).
    std::size_t last_batch_bytes = 0;
    std::size_t last_batch_records = 0;  // and its record count, for the per-record vectors
    std::uint64_t appended = 0;          // records appended (statistics)
  };
  static QueueStats queue_stats(const PartitionQueue& q);
  std::unique_ptr<ProducerBatch> take_head_locked(PartitionQueue& q);  // q.mu held
  Appended append_locked(Lane& q, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key,
                         std::optional<protocol::ByteView> value, std::span<const protocol::RecordHeaderView> headers,
                         DeliveryCallback&& callback, std::size_t reserved_bytes,
                         NowRef enqueued, bool urgent, std::uint64_t generation);
  std::unique_ptr<ProducerBatch> new_batch(PartitionQueue& q, Clock::time_point enqueued, std::size_t record_size);
  static void note_last_batch(PartitionQueue& q, const ProducerBatch& b);
  bool is_ready(const PartitionQueue& q, Clock::time_point now, bool flushing) const;
  Clock::time_point ready_at(const PartitionQueue& q) const;

  AccumulatorOptions options_;
  std::map<TopicPartition, PartitionQueue> partitions_;  // nodes added by the I/O thread only
  std::atomic<bool> appends_closed_{false};
  std::mutex spare_mu_;                                       // guards the two below
  std::vector<protocol::RecordBatchBuilder> spare_builders_;  // recycled, reset, capacity kept
  std::size_t spare_bytes_ = 0;                                // their capacity, bounded (kSpareBytes)
};

}  // namespace sluice::detail
