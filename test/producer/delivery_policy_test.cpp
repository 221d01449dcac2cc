// delivery_policy: which attempt outcomes retry, split or fail, and when a
// failure's outcome is unknown.
#include "delivery_policy.hpp"

#include <catch2/catch.hpp>

#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using sluice::protocol::kafka_errc;

namespace {

const Clock::time_point t0{};

AttemptResult broker(kafka_errc e) {
  return AttemptResult{sluice::protocol::kafka_error(static_cast<std::int16_t>(e)), true, true};
}

ProducerBatch batch_of(int records, int attempts = 1) {
  ProducerBatch b;
  const std::string v = "v";
  for (int i = 0; i < records; ++i) b.builder.append(0, std::nullopt, sluice::protocol::as_bytes(v));
  b.attempts = attempts;
  b.created = t0;
  return b;
}

RetryPolicy policy(std::int16_t acks = -1) {
  RetryPolicy p;
  p.retry_backoff = 100ms;
  p.retry_backoff_max = 1000ms;
  p.delivery_timeout = 120s;
  p.acks = acks;
  return p;
}

}  // namespace

TEST_CASE("backoff doubles per attempt up to retry.backoff.max.ms, scaled by jitter") {
  CHECK(retry_delay(1, 100ms, 1000ms, 1.0) == 100ms);
  CHECK(retry_delay(2, 100ms, 1000ms, 1.0) == 200ms);
  CHECK(retry_delay(4, 100ms, 1000ms, 1.0) == 800ms);
  CHECK(retry_delay(5, 100ms, 1000ms, 1.0) == 1000ms);
  CHECK(retry_delay(50, 100ms, 1000ms, 1.0) == 1000ms);
  CHECK(retry_delay(1, 100ms, 1000ms, 0.8) == 80ms);
  CHECK(retry_delay(5, 100ms, 1000ms, 1.2) == 1200ms);
  CHECK(retry_delay(1, 100ms, 50ms, 1.0) == 100ms);  // max below base: base
}

TEST_CASE("success and duplicates succeed") {
  auto b = batch_of(1);
  CHECK(decide(b, AttemptResult{}, policy(), t0, 1.0).action == BatchAction::succeed);
  CHECK(decide(b, broker(kafka_errc::duplicate_sequence_number), policy(), t0, 1.0).action == BatchAction::succeed);
}

TEST_CASE("retriable errors retry after the backoff, refreshing metadata when the error asks") {
  auto b = batch_of(1, 2);
  auto d = decide(b, broker(kafka_errc::not_leader_or_follower), policy(1), t0, 1.0);
  CHECK(d.action == BatchAction::retry);
  CHECK(d.retry_at == t0 + 200ms);
  CHECK(d.refresh_metadata);
  CHECK_FALSE(d.possibly_persisted);  // acks=1: the leader refused it
  CHECK(decide(b, broker(kafka_errc::not_leader_or_follower), policy(-1), t0, 1.0).possibly_persisted);
}

TEST_CASE("no retry past the retries limit or the delivery timeout") {
  auto p = policy();
  p.retries = 2;
  auto third = batch_of(1, 3);  // attempts so far: the first send and two retries
  auto d = decide(third, broker(kafka_errc::not_enough_replicas), p, t0, 1.0);
  CHECK(d.action == BatchAction::fail);
  CHECK(d.cause == FailCause::retries_used_up);
  CHECK_FALSE(d.outcome_unknown);
  auto b = batch_of(1, 1);
  const auto late = decide(b, broker(kafka_errc::not_enough_replicas), policy(), t0 + 120s - 50ms, 1.0);
  CHECK(late.action == BatchAction::fail);
  CHECK(late.cause == FailCause::past_deadline);
  CHECK(decide(b, broker(kafka_errc::not_enough_replicas), policy(), t0 + 120s - 150ms, 1.0).action ==
        BatchAction::retry);
}

TEST_CASE("outcome unknown: whenever the batch may be in the log") {
  auto p = policy();
  p.retries = 0;
  auto b = batch_of(1);
  CHECK(decide(b, broker(kafka_errc::request_timed_out), p, t0, 1.0).outcome_unknown);
  CHECK(decide(b, broker(kafka_errc::not_enough_replicas_after_append), p, t0, 1.0).outcome_unknown);
  CHECK(decide(b, AttemptResult{sluice::net::net_errc::request_timeout, false, true}, p, t0, 1.0).outcome_unknown);
  CHECK_FALSE(
      decide(b, AttemptResult{sluice::net::net_errc::connection_closed, false, false}, p, t0, 1.0).outcome_unknown);
  CHECK_FALSE(decide(b, broker(kafka_errc::not_enough_replicas), p, t0, 1.0).outcome_unknown);
  // Once possibly persisted, a later definite refusal is still unknown.
  b.maybe_sent = true;
  CHECK(decide(b, broker(kafka_errc::not_enough_replicas), p, t0, 1.0).outcome_unknown);
}

TEST_CASE("non-retriable errors fail at once, naming no retry") {
  auto b = batch_of(1);
  auto d = decide(b, broker(kafka_errc::topic_authorization_failed), policy(), t0, 1.0);
  CHECK(d.action == BatchAction::fail);
  CHECK(d.cause == FailCause::not_retriable);
  CHECK_FALSE(d.outcome_unknown);
}

TEST_CASE("MESSAGE_TOO_LARGE splits a batch of several records, fails a single record") {
  auto many = batch_of(4);
  CHECK(decide(many, broker(kafka_errc::message_too_large), policy(), t0, 1.0).action == BatchAction::split);
  auto one = batch_of(1);
  auto d = decide(one, broker(kafka_errc::message_too_large), policy(), t0, 1.0);
  CHECK(d.action == BatchAction::fail);
  CHECK_FALSE(d.outcome_unknown);
}

TEST_CASE("sequence errors are retried when idempotent") {
  auto b = batch_of(1);
  for (auto e : {kafka_errc::out_of_order_sequence_number, kafka_errc::unknown_producer_id,
                 kafka_errc::invalid_producer_epoch}) {
    CHECK(decide(b, broker(e), policy(), t0, 1.0).action == BatchAction::retry);
  }
}
