#include "idempotence_state.hpp"

#include "delivery_policy.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

using protocol::kafka_errc;

namespace {
constexpr std::int16_t code_of(kafka_errc e) { return static_cast<std::int16_t>(e); }
constexpr std::int32_t kMaxSequence = INT32_MAX;
}  // namespace

protocol::InitProducerIdRequest IdempotenceState::id_request() const {
  // Idempotent-only: no transactional id, and a fresh producer id each time
  // one is needed (the epoch is bumped locally, KIP-360).
  return protocol::InitProducerIdRequest{};
}

void IdempotenceState::on_id_response(std::error_code transport_error, std::int16_t code, std::int64_t producer_id,
                                      std::int16_t producer_epoch, Clock::time_point now, double jitter) {
  if (!transport_error && code == 0) {
    phase_ = Phase::ready;
    producer_id_ = producer_id;
    producer_epoch_ = producer_epoch;
    id_failures_ = 0;
    for (auto& [tp, p] : partitions_) {
      p.next_sequence = 0;
      p.last_acked = -1;
    }
    return;
  }
  if (!transport_error && !protocol::kafka_error_info(code).retriable &&
      code != code_of(kafka_errc::coordinator_load_in_progress) && code != code_of(kafka_errc::not_coordinator) &&
      code != code_of(kafka_errc::coordinator_not_available)) {
    const auto& info = protocol::kafka_error_info(code);
    phase_ = Phase::fatal;
    fatal_error_ = protocol::kafka_error(code);
    fatal_message_ = std::string("the broker refused a producer id (InitProducerId): ") + info.name + " (" +
                     info.message + "); the idempotent producer cannot send. Fix the cause (e.g. grant "
                     "IdempotentWrite on the cluster) or set enable.idempotence=false";
    return;
  }
  phase_ = Phase::needs_id;
  ++id_failures_;
  retry_at_ = now + retry_delay(id_failures_, backoff_, backoff_max_, jitter);
}

bool IdempotenceState::may_send(const ProducerBatch& head, std::int32_t in_flight) const {
  if (!enabled_) return true;
  if (phase_ != Phase::ready) return false;
  if (in_flight == 0) return true;
  // A resend under the current epoch waits until nothing else of its
  // partition is in flight: it must reach the broker before its successors.
  if (current(head)) return false;
  // New sequences under a new epoch wait until the old epoch's batches in
  // flight are back (one of them may need a sequence ahead of this one).
  auto it = partitions_.find(head.tp);
  return it == partitions_.end() ||
         (it->second.sent_producer_id == producer_id_ && it->second.sent_epoch == producer_epoch_);
}

void IdempotenceState::assign(ProducerBatch& b) {
  if (!enabled_) return;
  PartitionState& p = partitions_[b.tp];
  if (!current(b)) {
    b.producer_id = producer_id_;
    b.producer_epoch = producer_epoch_;
    b.base_sequence = p.next_sequence;
    // Sequences wrap at INT32_MAX to 0, as the broker expects.
    const std::int64_t next = static_cast<std::int64_t>(p.next_sequence) + b.record_count();
    p.next_sequence = static_cast<std::int32_t>(next > kMaxSequence ? next - kMaxSequence - 1 : next);
  }
  p.sent_producer_id = producer_id_;
  p.sent_epoch = producer_epoch_;
  b.builder.set_producer_state(b.producer_id, b.producer_epoch, b.base_sequence);
}

void IdempotenceState::on_acknowledged(const ProducerBatch& b) {
  if (!enabled_ || !current(b)) return;
  PartitionState& p = partitions_[b.tp];
  p.last_acked = b.base_sequence + b.record_count() - 1;
}

void IdempotenceState::on_retriable_error(const ProducerBatch& b, std::int16_t code) {
  if (!enabled_ || !current(b)) return;
  if (code == code_of(kafka_errc::unknown_producer_id) || code == code_of(kafka_errc::invalid_producer_epoch)) {
    bump_epoch();
    return;
  }
  if (code == code_of(kafka_errc::out_of_order_sequence_number)) {
    // Out of order for the batch right after the last acknowledged one: the
    // broker lost track (a real gap). For a later batch it is the echo of
    // an earlier batch's failure, which that batch's retry repairs.
    const PartitionState& p = partitions_[b.tp];
    const std::int32_t expected = p.last_acked < 0 ? 0 : p.last_acked + 1;
    if (b.base_sequence == expected && p.last_acked >= 0) bump_epoch();
    if (p.last_acked < 0 && b.base_sequence == 0) bump_epoch();
  }
}

void IdempotenceState::on_abandoned(const ProducerBatch& b) {
  if (!enabled_ || !current(b)) return;
  bump_epoch();
}

std::int32_t IdempotenceState::next_sequence(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.next_sequence;
}

void IdempotenceState::bump_epoch() {
  ++bumps_;
  if (producer_epoch_ >= INT16_MAX - 1) {
    // Epoch exhausted: a new producer id.
    phase_ = Phase::needs_id;
    producer_id_ = -1;
    producer_epoch_ = -1;
    return;
  }
  ++producer_epoch_;
  for (auto& [tp, p] : partitions_) {
    p.next_sequence = 0;
    p.last_acked = -1;
  }
}

}  // namespace sluice::detail
