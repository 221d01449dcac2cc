#pragma once
// IdempotenceState: the idempotent producer's bookkeeping (the Java client's
// TransactionManager, idempotence part only). Sans-I/O: the I/O shell sends
// InitProducerId when asked, feeds back the answer and every batch outcome,
// and asks before draining a batch whether it may go now.
//
// Life cycle: needs_id -> (InitProducerId sent) requesting -> ready, or back
// to needs_id after a retriable error (COORDINATOR_LOAD_IN_PROGRESS is what
// a fresh broker answers until it can hand out ids), or fatal for an error
// no retry can fix (CLUSTER_AUTHORIZATION_FAILED).
//
// Sequences: a batch gets its partition's next sequence when first drained
// and keeps it across retries, so the broker drops a resent batch it already
// has (DUPLICATE_SEQUENCE_NUMBER, or the original offset). Ordering across
// retries: a batch that already has a sequence goes out again only once
// nothing else of its partition is in flight, and batches requeue in
// creation order (RecordAccumulator), so resent batches arrive in order.
//
// KIP-360: UNKNOWN_PRODUCER_ID, a real sequence gap (OUT_OF_ORDER_SEQUENCE
// for the very batch the broker expects next), or a sequenced batch given up
// on (expired, failed, split) bumps the epoch locally (a new pid when the
// epoch is exhausted) and restarts every partition's sequences at 0. A
// partition sends under the new epoch only after its batches in flight under
// the old one are back. The producer is never left dead by an outage.
//
// Owned by the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <system_error>

#include "producer_batch.hpp"
#include "sluice/protocol/init_producer_id.hpp"

namespace sluice::detail {

class IdempotenceState {
 public:
  enum class Phase { needs_id, requesting, ready, fatal };

  IdempotenceState(bool enabled, std::chrono::milliseconds retry_backoff, std::chrono::milliseconds retry_backoff_max)
      : enabled_(enabled), backoff_(retry_backoff), backoff_max_(retry_backoff_max) {}

  bool enabled() const noexcept { return enabled_; }
  Phase phase() const noexcept { return enabled_ ? phase_ : Phase::ready; }
  std::int64_t producer_id() const noexcept { return producer_id_; }
  std::int16_t producer_epoch() const noexcept { return producer_epoch_; }

  // --- InitProducerId ---
  // True when an InitProducerId request should be sent at `now`.
  bool should_request_id(Clock::time_point now) const noexcept {
    return enabled_ && phase_ == Phase::needs_id && now >= retry_at_;
  }
  Clock::time_point id_retry_at() const noexcept { return retry_at_; }
  protocol::InitProducerIdRequest id_request() const;
  void on_id_requested() noexcept { phase_ = Phase::requesting; }
  // The answer: `error` empty and `code` the broker's error code (0 = ok),
  // or `error` a transport error. `jitter` in 0.8..1.2.
  void on_id_response(std::error_code transport_error, std::int16_t code, std::int64_t producer_id,
                      std::int16_t producer_epoch, Clock::time_point now, double jitter);
  // Set when phase() is fatal: what every record fails with.
  std::error_code fatal_error() const noexcept { return fatal_error_; }
  const std::string& fatal_message() const noexcept { return fatal_message_; }

  // --- batches ---
  // May tp's first queued batch be sent now, with `in_flight` batches of tp
  // in flight?
  bool may_send(const ProducerBatch& head, std::int32_t in_flight) const;
  // Gives the batch the current producer id/epoch and, if it has none under
  // them, the partition's next sequence (written into the finished batch).
  void assign(ProducerBatch& batch);
  // The broker appended the batch (or said it was a duplicate).
  void on_acknowledged(const ProducerBatch& batch);
  // The broker refused the batch with `code` and it will be retried.
  void on_retriable_error(const ProducerBatch& batch, std::int16_t code);
  // The batch will not be retried (failed, expired, or split into new
  // batches) although it had a sequence: the broker's view of its
  // partition's sequences is unknown now.
  void on_abandoned(const ProducerBatch& batch);

  std::int32_t next_sequence(const TopicPartition& tp) const;
  std::uint32_t epoch_bumps() const noexcept { return bumps_; }

 private:
  struct PartitionState {
    std::int32_t next_sequence = 0;
    std::int32_t last_acked = -1;     // last sequence the broker acknowledged under the current epoch
    std::int64_t sent_producer_id = -1;  // producer id and epoch of the latest batch sent
    std::int16_t sent_epoch = -1;
  };
  void bump_epoch();
  bool current(const ProducerBatch& b) const noexcept {
    return b.has_sequence() && b.producer_id == producer_id_ && b.producer_epoch == producer_epoch_;
  }

  bool enabled_;
  std::chrono::milliseconds backoff_;
  std::chrono::milliseconds backoff_max_;
  Phase phase_ = Phase::needs_id;
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = -1;
  Clock::time_point retry_at_{};
  std::int32_t id_failures_ = 0;
  std::uint32_t bumps_ = 0;
  std::error_code fatal_error_;
  std::string fatal_message_;
  std::map<TopicPartition, PartitionState> partitions_;
};

}  // namespace sluice::detail
