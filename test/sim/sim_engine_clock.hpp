#pragma once
// SimEngineClock: the producer engine's clock (producer/src/engine_clock.hpp)
// reading the simulation's clock, so everything the engine times (linger,
// backoffs, deadlines, record CreateTime) runs on simulated time.
//
// Simulated time starts at 0; the engine's steady time starts at kSteadyBase
// instead, because the engine uses a default time_point{} as "long ago"
// (e.g. the last Metadata answer before the first), as a real steady clock
// that counts from boot allows. Wall time starts at a fixed date so record
// timestamps are the same in every run of a seed.
#include <chrono>
#include <cstdint>

#include "engine_clock.hpp"
#include "sim_network.hpp"

namespace sluice::sim {

class SimEngineClock final : public detail::EngineClock {
 public:
  static constexpr std::chrono::seconds kSteadyBase{1'000'000};
  static constexpr std::int64_t kWallStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

  explicit SimEngineClock(const SimClock& clock) : clock_(&clock) {}

  detail::Clock::time_point steady() const override { return at(clock_->now()); }
  std::int64_t wall_ms() const override { return kWallStartMs + clock_->now() / 1000; }

  // Simulated time <-> the engine's steady time.
  static detail::Clock::time_point at(SimTime t) {
    return detail::Clock::time_point(kSteadyBase) + std::chrono::microseconds(t);
  }
  static SimTime sim_time(detail::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t - detail::Clock::time_point(kSteadyBase)).count();
  }

 private:
  const SimClock* clock_;
};

}  // namespace sluice::sim
