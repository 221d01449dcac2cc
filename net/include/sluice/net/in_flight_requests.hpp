#pragma once
// The requests written (or queued) on one connection, awaiting answers.
// Kafka answers requests on a connection in order, so a response must match
// the oldest outstanding request's correlation id; anything else is a
// protocol error. Sans-I/O: no sockets, no clocks but the ones passed in.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <system_error>
#include <utility>

#include "sluice/protocol/api.hpp"

namespace sluice::net {

using Clock = std::chrono::steady_clock;

// Completion of a request: `ec` empty and `body` the response body (header
// stripped), or an error. `maybe_delivered` is true when the request was
// written before the error, so the broker may have acted on it.
struct RequestOutcome {
  std::error_code ec;
  std::span<const std::uint8_t> body;
  bool maybe_delivered = false;
};
using ResponseHandler = std::function<void(const RequestOutcome&)>;

struct InFlightRequest {
  std::int32_t correlation_id = 0;
  protocol::ApiKey api_key{};
  std::int16_t api_version = 0;
  Clock::time_point deadline{};
  ResponseHandler handler;
};

class InFlightRequests {
 public:
  void push(InFlightRequest r) { q_.push_back(std::move(r)); }
  std::size_t size() const noexcept { return q_.size(); }
  bool empty() const noexcept { return q_.empty(); }

  // Takes the oldest request if `correlation_id` is its id; otherwise
  // nullopt (a protocol error: unknown or out-of-order id).
  std::optional<InFlightRequest> match(std::int32_t correlation_id);
  // The earliest deadline of any outstanding request.
  std::optional<Clock::time_point> next_deadline() const noexcept;
  // Removes and returns everything (for failing them on a disconnect).
  std::deque<InFlightRequest> take_all() noexcept { return std::exchange(q_, {}); }

 private:
  std::deque<InFlightRequest> q_;
};

}  // namespace sluice::net
