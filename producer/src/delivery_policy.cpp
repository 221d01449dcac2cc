#include "delivery_policy.hpp"

#include <algorithm>
#include <cmath>

#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

using protocol::kafka_errc;

std::chrono::milliseconds retry_delay(std::int32_t attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter) noexcept {
  const double doubled = static_cast<double>(base.count()) * std::pow(2.0, std::clamp(attempts - 1, 0, 30));
  const double capped = std::min(doubled, static_cast<double>(std::max(base, max).count()));
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(capped * jitter)));
}

namespace {

bool is(const std::error_code& ec, kafka_errc e) { return ec == protocol::kafka_error(static_cast<std::int16_t>(e)); }

}  // namespace

BatchDecision decide(const ProducerBatch& batch, const AttemptResult& result, const RetryPolicy& policy,
                     Clock::time_point now, double jitter) {
  BatchDecision d;
  const std::error_code& ec = result.error;
  if (!ec) {
    d.action = BatchAction::succeed;
    return d;
  }
  bool retriable = true;
  if (result.from_broker) {
    const auto& info = protocol::kafka_error_info(static_cast<std::int16_t>(ec.value()));
    if (policy.idempotent && is(ec, kafka_errc::duplicate_sequence_number)) {
      // The broker already has this batch (an earlier attempt landed).
      d.action = BatchAction::succeed;
      return d;
    }
    if (is(ec, kafka_errc::message_too_large) && batch.record_count() > 1) {
      d.action = BatchAction::split;
      return d;
    }
    d.possibly_persisted = is(ec, kafka_errc::request_timed_out) ||
                           is(ec, kafka_errc::not_enough_replicas_after_append) ||
                           (is(ec, kafka_errc::not_leader_or_follower) && policy.acks == -1);
    d.refresh_metadata = info.needs_metadata_refresh;
    retriable = info.retriable;
    // Sequence trouble is the idempotent producer's to repair (epoch bump,
    // new sequences): the batch itself is retried.
    if (policy.idempotent && (is(ec, kafka_errc::out_of_order_sequence_number) ||
                              is(ec, kafka_errc::unknown_producer_id) || is(ec, kafka_errc::invalid_producer_epoch))) {
      retriable = true;
    }
  } else {
    // The connection failed: the request may or may not have been written.
    d.possibly_persisted = result.request_written;
    d.refresh_metadata = true;
  }
  const bool maybe_in_log = batch.maybe_sent || d.possibly_persisted;
  const auto at = now + retry_delay(batch.attempts, policy.retry_backoff, policy.retry_backoff_max, jitter);
  if (retriable && batch.attempts <= policy.retries && at < batch.created + policy.delivery_timeout) {
    d.action = BatchAction::retry;
    d.retry_at = at;
    return d;
  }
  d.action = BatchAction::fail;
  d.outcome_unknown = maybe_in_log;
  if (retriable) d.cause = batch.attempts > policy.retries ? FailCause::retries_used_up : FailCause::past_deadline;
  return d;
}

}  // namespace sluice::detail
