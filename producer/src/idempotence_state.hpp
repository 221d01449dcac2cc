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
// Stamps. A batch gets a producer id, epoch and base sequence once, when it
// is first drained, and keeps all three across retries, so the broker
// recognises a resend of a batch it already appended (one of its last five
// per partition) and answers with the original offset. Each partition
// counts its sequences under its own (producer id, epoch), which is the
// producer's current one except while the partition still has batches out
// under an older one.
//
// Epoch bumps (KIP-360), for the causes the Java client bumps for and no
// others: UNKNOWN_PRODUCER_ID, a real sequence gap (OUT_OF_ORDER_SEQUENCE for
// the batch the broker must expect next, unless a later batch may be in the
// log: see on_retriable_error), a sequenced batch the broker refused for
// good (its sequences are missing from the log; deferred while later
// batches are out: see on_refused), and a partition
// whose given-up batches (expired, retries used up) leave its sequences
// unresolved once nothing of it is in flight. A bump is caused by one
// partition: the producer's epoch goes up (a new producer id when it is
// exhausted), that partition restarts at sequence 0 and its batches still in
// flight are stamped anew when next sent — safe, because after those causes
// the broker cannot have appended them — and no fresh batch of it goes out
// until they are back, so they keep their place ahead of it. Every other partition keeps its
// stamps: its retries go out under the old epoch (the broker still knows
// it), and it moves to the new epoch at sequence 0 only once none of its
// batches is in flight. A split (MESSAGE_TOO_LARGE) is not a cause: the
// pieces keep the original's producer id, epoch and sequence range.
//
// Ordering: a resent batch goes out only when nothing else of its partition
// is in flight, and batches requeue in creation order (RecordAccumulator),
// so stamped batches always precede fresh ones in a partition's queue.
//
// Owned by the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "producer_batch.hpp"
#include "sluice/protocol/init_producer_id.hpp"

namespace sluice::detail {

// Sequences run 0..INT32_MAX and wrap to 0, as the broker expects.
constexpr std::int32_t sequence_after(std::int32_t sequence, std::int32_t records) noexcept {
  const std::int64_t next = static_cast<std::int64_t>(sequence) + records;
  return static_cast<std::int32_t>(next % (std::int64_t{INT32_MAX} + 1));
}

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
  // The broker offers no InitProducerId version Sluice speaks: fatal, as no
  // other broker of the cluster will differ enough to matter. `detail`
  // names the broker and both version ranges.
  void on_no_common_version(const std::string& detail);
  // Set when phase() is fatal: what every record fails with.
  std::error_code fatal_error() const noexcept { return fatal_error_; }
  const std::string& fatal_message() const noexcept { return fatal_message_; }

  // --- batches ---
  // May tp's first queued batch be sent now, with `in_flight` batches of tp
  // in flight (drained and not yet back)? Not const: a partition whose
  // sequences were left unresolved is settled here once nothing of it is in
  // flight (which may bump the epoch), and a partition with nothing in
  // flight moves to the producer's current epoch before a fresh batch —
  // even if the caller then does not send the batch (harmless: the
  // partition is quiet either way).
  bool may_send(const ProducerBatch& head, std::int32_t in_flight);
  // Stamps the batch just before it is sent: a fresh batch gets its
  // partition's producer id, epoch and next sequence; a retry keeps its
  // stamp, unless its partition restarted its sequences since (a bump it
  // caused). Writes the stamp into the finished batch.
  void assign(ProducerBatch& batch);
  // The broker appended the batch (or said it was a duplicate).
  void on_acknowledged(const ProducerBatch& batch);
  // The attempt failed with `code` (the broker's, or 0: the connection) and
  // the batch is to be retried. Returns true when it must not be: it is
  // OUT_OF_ORDER for the sequence the broker expects next while a later
  // batch of its partition may be in the log (written, its answer lost). A
  // current broker takes any first sequence from a producer it has no state
  // for, so that later batch may be all it has; bumping would resend it
  // under the new epoch, a second copy. This batch was not appended and
  // cannot be after its successors: the caller fails it (on_given_up), and
  // the successors' resends are recognised under the old epoch.
  bool on_retriable_error(const ProducerBatch& batch, std::int16_t code);
  // The broker refused the batch for good (not appended; retries were not
  // used up): its sequences are a gap in the partition, which a bump mends.
  // Not at once while `others_in_flight` batches of the partition are out
  // or a later one may be in the log: a broker with no state for this
  // producer takes any first sequence, so a later batch may be appended,
  // and a bump would restamp and resend it (a second copy). The gap is then
  // settled like a given-up batch's once nothing of the partition is in
  // flight (may_send): no bump if a later batch was acknowledged.
  void on_refused(const ProducerBatch& batch, std::int32_t others_in_flight);
  // The batch is given up without a final answer (expired, retries or
  // delivery.timeout.ms used up, producer closed): it may be in the log, so
  // its partition's sequences are unresolved until nothing of it is in
  // flight (may_send settles them).
  void on_given_up(const ProducerBatch& batch);
  // MESSAGE_TOO_LARGE split `original` into `pieces` (in record order, their
  // record counts adding up to the original's): they take its producer id,
  // epoch and sequence range. Not a reason to bump.
  void on_split(const ProducerBatch& original, std::span<ProducerBatch* const> pieces);

  std::int32_t next_sequence(const TopicPartition& tp) const;
  std::uint32_t epoch_bumps() const noexcept { return bumps_; }
  // What the bumps since the last call were for ("epoch 3 after
  // UNKNOWN_PRODUCER_ID on t-0"), for the log; empty if none.
  std::string take_bump_notes();

 private:
  struct PartitionState {
    // The producer id and epoch this partition's sequences count under.
    std::int64_t producer_id = -1;
    std::int16_t epoch = -1;
    std::int32_t next_sequence = 0;
    std::int32_t last_acked = -1;  // last sequence acknowledged under that epoch (-1: none)
    // Java's "unresolved sequence": a given-up batch may or may not be in
    // the log; the sequence after it, until settled.
    std::optional<std::int32_t> unresolved_next;
    // The sequence after the latest batch that may be in the log without
    // an acknowledgement (maybe_sent when retried), under this identity.
    std::optional<std::int32_t> maybe_written_next;
    // A bump this partition caused while the producer id was exhausted (or
    // while one was being fetched): restart at sequence 0 under the new id
    // when it arrives.
    bool restart_on_new_id = false;
    // It restarted (a bump, a new id) while batches stamped before may
    // still be out: they are stamped anew when resent, so no fresh batch may
    // pipeline before they are back, or it would take sequences ahead of
    // them (the Java client's hasStaleProducerIdAndEpoch). Cleared once
    // nothing of it is in flight.
    bool drain_before_fresh = false;
  };
  PartitionState& partition(const TopicPartition& tp);
  bool stamped_by(const ProducerBatch& b, const PartitionState& p) const noexcept {
    return b.has_sequence() && b.producer_id == p.producer_id && b.producer_epoch == p.epoch;
  }
  std::int32_t expected_sequence(const PartitionState& p) const noexcept {
    return p.last_acked < 0 ? 0 : sequence_after(p.last_acked, 1);
  }
  // Moves `p` to the producer's current id and epoch at sequence 0;
  // `drain_first`: batches stamped before may still be out (see
  // PartitionState::drain_before_fresh).
  void restart(PartitionState& p, bool drain_first) const noexcept;
  // A bump caused by `tp` (one of the causes listed at the top).
  void bump_for(const TopicPartition& tp, PartitionState& p, const char* why);

  bool enabled_;
  std::chrono::milliseconds backoff_;
  std::chrono::milliseconds backoff_max_;
  Phase phase_ = Phase::needs_id;
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = -1;
  Clock::time_point retry_at_{};
  std::int32_t id_failures_ = 0;
  std::uint32_t bumps_ = 0;
  std::string bump_notes_;
  std::error_code fatal_error_;
  std::string fatal_message_;
  std::map<TopicPartition, PartitionState> partitions_;
};

}  // namespace sluice::detail
