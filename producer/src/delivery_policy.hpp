#pragma once
// What to do with a batch after a Produce attempt: the retry rules in one
// pure function (no clock, no I/O: the caller passes `now` and a jitter).
//
// A batch is acknowledged, retried after an exponential backoff, split in
// two (MESSAGE_TOO_LARGE with more than one record), or failed. A failure is
// "outcome unknown" whenever the batch may already be in the log: a request
// that was written and then lost (timeout, disconnect), REQUEST_TIMED_OUT,
// NOT_ENOUGH_REPLICAS_AFTER_APPEND, NOT_LEADER_OR_FOLLOWER with acks=all, or
// any earlier attempt that was one of those.
#include <chrono>
#include <cstdint>
#include <system_error>

#include "producer_batch.hpp"

namespace sluice::detail {

struct RetryPolicy {
  std::int32_t retries = INT32_MAX;
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1000};
  std::chrono::milliseconds delivery_timeout{120000};
  std::int16_t acks = -1;
  bool idempotent = true;
};

// One batch's result in one request.
struct AttemptResult {
  std::error_code error;         // empty: the broker appended it
  bool from_broker = false;      // error is the broker's per-partition code (kafka category)
  bool request_written = false;  // transport error: the request may have reached the broker
};

enum class BatchAction { succeed, retry, split, fail };

// Why a batch failed with a retriable error: the report says so, because a
// broker's "may be retried" reads wrong in a final answer.
enum class FailCause { not_retriable, retries_used_up, past_deadline };

struct BatchDecision {
  BatchAction action = BatchAction::fail;
  bool outcome_unknown = false;   // fail: the batch may be in the log
  bool possibly_persisted = false;  // this attempt may have written it (sticks to the batch)
  bool refresh_metadata = false;
  Clock::time_point retry_at{};
  FailCause cause = FailCause::not_retriable;  // fail only
};

// Backoff before attempt number `attempts + 1`: retry.backoff.ms doubling
// per attempt up to retry.backoff.max.ms, times `jitter` (0.8..1.2).
std::chrono::milliseconds retry_delay(std::int32_t attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds max, double jitter) noexcept;

BatchDecision decide(const ProducerBatch& batch, const AttemptResult& result, const RetryPolicy& policy,
                     Clock::time_point now, double jitter);

}  // namespace sluice::detail
