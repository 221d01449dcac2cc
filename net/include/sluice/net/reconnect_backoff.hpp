#pragma once
// Exponential backoff with jitter between connection attempts to one broker
// (reconnect.backoff.ms doubling up to reconnect.backoff.max.ms, each delay
// spread by ±20% so many clients do not reconnect in lockstep).
// Sans-I/O: returns delays; the caller owns the clock and the timer.
#include <chrono>
#include <cstdint>

namespace sluice::net {

class ReconnectBackoff {
 public:
  ReconnectBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed) noexcept
      : initial_(initial), max_(max), state_(seed | 1) {}

  // The delay before the next attempt, after a failed one.
  std::chrono::milliseconds next_delay() noexcept;
  // After a successful connection: start again from `initial`.
  void reset() noexcept { failures_ = 0; }
  std::uint32_t failures() const noexcept { return failures_; }

 private:
  double jitter() noexcept;  // uniform in [0.8, 1.2)

  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::uint64_t state_;
  std::uint32_t failures_ = 0;
};

}  // namespace sluice::net
