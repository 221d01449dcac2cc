#include "idempotence_state.hpp"

#include <utility>

#include "delivery_policy.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

using protocol::kafka_errc;

namespace {
constexpr std::int16_t code_of(kafka_errc e) { return static_cast<std::int16_t>(e); }
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
    // Partitions that exhausted the old id restart under the new one now;
    // every other partition moves to it once nothing of it is in flight
    // (may_send), its retries keeping their old stamps meanwhile.
    for (auto& [tp, p] : partitions_) {
      if (p.restart_on_new_id) restart(p, true);
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

void IdempotenceState::on_no_common_version(const std::string& detail) {
  phase_ = Phase::fatal;
  fatal_error_ = protocol::kafka_error(code_of(kafka_errc::unsupported_version));
  fatal_message_ = "no producer id (" + detail +
                   "); the idempotent producer cannot send to this broker: set enable.idempotence=false";
}

IdempotenceState::PartitionState& IdempotenceState::partition(const TopicPartition& tp) {
  auto [it, fresh] = partitions_.try_emplace(tp);
  // A partition seen for the first time starts under the current id.
  if (fresh) restart(it->second, false);
  return it->second;
}

void IdempotenceState::restart(PartitionState& p, bool drain_first) const noexcept {
  p.producer_id = producer_id_;
  p.epoch = producer_epoch_;
  p.next_sequence = 0;
  p.last_acked = -1;
  p.unresolved_next.reset();
  p.maybe_written_next.reset();
  p.restart_on_new_id = false;
  p.drain_before_fresh = drain_first;
}

bool IdempotenceState::may_send(const ProducerBatch& head, std::int32_t in_flight) {
  if (!enabled_) return true;
  if (phase_ != Phase::ready) return false;
  PartitionState& p = partition(head.tp);
  if (in_flight == 0) p.drain_before_fresh = false;  // whatever was stamped before is back
  // A resend (stamped, possibly to be stamped anew) waits until nothing else
  // of its partition is in flight: it must reach the broker before its
  // successors.
  if (head.has_sequence()) return in_flight == 0;
  const bool current = p.producer_id == producer_id_ && p.epoch == producer_epoch_;
  // Fresh batches pipeline behind the partition's others, unless its
  // sequences must be settled, it must move to a new epoch, or batches
  // stamped before its restart are still out (they come back to be stamped
  // anew, and must go first): all wait until nothing of it is in flight.
  if (in_flight > 0) return current && !p.unresolved_next && !p.drain_before_fresh;
  if (p.unresolved_next) {
    // Everything sent is acknowledged up to the sequence before the next
    // one: the given-up batches landed after all (a later one was
    // acknowledged). Otherwise the broker's next sequence is unknown.
    const bool resolved = p.next_sequence == expected_sequence(p);
    p.unresolved_next.reset();
    if (!resolved && current) {
      bump_for(head.tp, p, "unresolved sequences after batches given up");
      return phase_ == Phase::ready;  // false: the bump exhausted the producer id
    }
  }
  // A partition still under an older epoch moves to the current one at
  // sequence 0 (the broker accepts a newer epoch only there).
  if (!current) restart(p, false);
  return true;
}

void IdempotenceState::assign(ProducerBatch& b) {
  if (!enabled_) return;
  PartitionState& p = partition(b.tp);
  if (!stamped_by(b, p)) {
    // A fresh batch, or one whose partition restarted its sequences since it
    // was stamped (a bump it caused: the broker cannot have appended it).
    b.producer_id = p.producer_id;
    b.producer_epoch = p.epoch;
    b.base_sequence = p.next_sequence;
    p.next_sequence = sequence_after(p.next_sequence, b.record_count());
  }
  b.builder.set_producer_state(b.producer_id, b.producer_epoch, b.base_sequence);
}

namespace {
// Whether sequence `a` comes after `b`, across the wrap at INT32_MAX (the
// window in flight is far smaller than half the range).
bool later(std::int32_t a, std::int32_t b) noexcept {
  const std::int64_t d = (static_cast<std::int64_t>(a) - b + (std::int64_t{INT32_MAX} + 1)) % (std::int64_t{INT32_MAX} + 1);
  return d != 0 && d < (std::int64_t{1} << 30);
}
std::int32_t last_sequence(const ProducerBatch& b) noexcept {
  return sequence_after(b.base_sequence, b.record_count() - 1);
}
}  // namespace

void IdempotenceState::on_acknowledged(const ProducerBatch& b) {
  if (!enabled_) return;
  PartitionState& p = partition(b.tp);
  if (!stamped_by(b, p)) return;
  const std::int32_t last = last_sequence(b);
  if (p.last_acked < 0 || later(last, p.last_acked)) p.last_acked = last;
  // Acknowledged up to (or past) the batch it described: nothing later may
  // be in the log unacknowledged any more.
  if (p.maybe_written_next && !later(*p.maybe_written_next, sequence_after(last, 1))) p.maybe_written_next.reset();
}

bool IdempotenceState::on_retriable_error(const ProducerBatch& b, std::int16_t code) {
  if (!enabled_) return false;
  PartitionState& p = partition(b.tp);
  // A batch stamped before its partition restarted: its error is the echo
  // of the trouble already handled; it is stamped anew when resent.
  if (!stamped_by(b, p)) return false;
  const std::int32_t b_next = sequence_after(b.base_sequence, b.record_count());
  if (b.maybe_sent && (!p.maybe_written_next || later(b_next, *p.maybe_written_next))) p.maybe_written_next = b_next;
  if (code == code_of(kafka_errc::unknown_producer_id)) {
    bump_for(b.tp, p, "UNKNOWN_PRODUCER_ID");
  } else if (code == code_of(kafka_errc::invalid_producer_epoch)) {
    bump_for(b.tp, p, "INVALID_PRODUCER_EPOCH");
  } else if (code == code_of(kafka_errc::out_of_order_sequence_number)) {
    // A real gap: out of order for the very batch the broker must expect
    // next (after the last acknowledged one, or after the given-up ones).
    // For a later batch it is the echo of an earlier batch's failure, which
    // that batch's retry repairs. A batch acknowledged after the given-up
    // ones settles them: the broker has everything up to it, so it expects
    // the sequence after it, and a batch before it that is out of order is
    // in the log already or can never be (bumping would resend it behind
    // its successors: a duplicate or a reordering).
    const std::int32_t acked_next = expected_sequence(p);
    const bool acked_past_unresolved =
        p.unresolved_next && p.last_acked >= 0 && !later(*p.unresolved_next, acked_next);
    const std::int32_t expected = p.unresolved_next && !acked_past_unresolved ? *p.unresolved_next : acked_next;
    if (b.base_sequence != expected) return false;
    if (p.maybe_written_next && later(*p.maybe_written_next, b_next)) return true;  // see the header
    bump_for(b.tp, p, "OUT_OF_ORDER_SEQUENCE_NUMBER for the next sequence");
  }
  return false;
}

void IdempotenceState::on_refused(const ProducerBatch& b, std::int32_t others_in_flight) {
  if (!enabled_) return;
  PartitionState& p = partition(b.tp);
  if (!stamped_by(b, p)) return;
  const std::int32_t b_next = sequence_after(b.base_sequence, b.record_count());
  if (others_in_flight > 0 || (p.maybe_written_next && later(*p.maybe_written_next, b_next))) {
    on_given_up(b);  // see the header
    return;
  }
  bump_for(b.tp, p, "a batch the broker refused");
}

void IdempotenceState::on_given_up(const ProducerBatch& b) {
  if (!enabled_) return;
  PartitionState& p = partition(b.tp);
  if (!stamped_by(b, p)) return;
  const std::int32_t next = sequence_after(b.base_sequence, b.record_count());
  if (!p.unresolved_next || later(next, *p.unresolved_next)) p.unresolved_next = next;
}

void IdempotenceState::on_split(const ProducerBatch& original, std::span<ProducerBatch* const> pieces) {
  if (!enabled_ || !original.has_sequence()) return;
  std::int32_t sequence = original.base_sequence;
  for (ProducerBatch* piece : pieces) {
    piece->producer_id = original.producer_id;
    piece->producer_epoch = original.producer_epoch;
    piece->base_sequence = sequence;
    sequence = sequence_after(sequence, piece->record_count());
  }
}

std::int32_t IdempotenceState::next_sequence(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.next_sequence;
}

std::string IdempotenceState::take_bump_notes() { return std::exchange(bump_notes_, {}); }

void IdempotenceState::bump_for(const TopicPartition& tp, PartitionState& p, const char* why) {
  // tp restarts under the next id or epoch; until then its identity is none
  // at all, so answers for its batches still out (stamped under the old
  // one) cause nothing more, and they are stamped anew when resent.
  auto wait_for_new_id = [&p] {
    p.producer_id = -1;
    p.epoch = -1;
    p.unresolved_next.reset();
    p.restart_on_new_id = true;
  };
  if (phase_ != Phase::ready) {
    // A new producer id is already on its way (an exhausted epoch): tp
    // restarts under it like the partition that asked for it.
    wait_for_new_id();
    return;
  }
  ++bumps_;
  if (!bump_notes_.empty()) bump_notes_ += "; ";
  if (producer_epoch_ >= INT16_MAX) {
    // Epoch exhausted: a new producer id, under which tp restarts.
    bump_notes_ += "a new producer id (epoch exhausted) after " + std::string(why) + " on " + tp.str();
    phase_ = Phase::needs_id;
    producer_id_ = -1;
    producer_epoch_ = -1;
    wait_for_new_id();
    return;
  }
  ++producer_epoch_;
  bump_notes_ += "epoch " + std::to_string(producer_epoch_) + " after " + why + " on " + tp.str();
  restart(p, true);
}

}  // namespace sluice::detail
