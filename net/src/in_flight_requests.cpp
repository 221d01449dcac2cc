#include "sluice/net/in_flight_requests.hpp"

#include <algorithm>

namespace sluice::net {

std::optional<InFlightRequest> InFlightRequests::match(std::int32_t correlation_id) {
  if (q_.empty() || q_.front().correlation_id != correlation_id) return std::nullopt;
  InFlightRequest r = std::move(q_.front());
  q_.pop_front();
  return r;
}

std::optional<Clock::time_point> InFlightRequests::next_deadline() const noexcept {
  if (q_.empty()) return std::nullopt;
  auto it = std::min_element(q_.begin(), q_.end(),
                             [](const auto& a, const auto& b) { return a.deadline < b.deadline; });
  return it->deadline;
}

}  // namespace sluice::net
