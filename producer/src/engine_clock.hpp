#pragma once
// EngineClock: the one source of time for the engine's I/O side. In
// production it is the machine's clocks (SteadyEngineClock); the
// deterministic simulation (test/sim) gives the engine a clock that reads
// simulated time, so a run depends on its seed only.
//
// Every time the I/O side reads (pass times, deadlines, backoffs, record
// CreateTime) comes from here. Application threads that block on a
// condition variable (send() waiting for buffer space, create_topics()
// waiting for its answer) measure their real wait with the steady clock
// themselves: a thread blocked in real time is not on the engine's clock.
//
// Read by the I/O thread and by senders placing a routed record (its
// CreateTime, a new batch's start; producer_driver_records.cpp), and by
// statistics_json() after close(): implementations must be thread-safe
// (the real ones are stateless; the simulation's runs on one thread).
#include <chrono>
#include <cstdint>

#include "producer_batch.hpp"

namespace sluice::detail {

class EngineClock {
 public:
  virtual ~EngineClock() = default;
  // Monotonic time: deadlines, linger, backoffs, timers.
  virtual Clock::time_point steady() const = 0;
  // Wall-clock milliseconds since the Unix epoch: record timestamps and
  // statistics.
  virtual std::int64_t wall_ms() const = 0;
};

// The machine's clocks: std::chrono::steady_clock and system_clock.
class SteadyEngineClock final : public EngineClock {
 public:
  Clock::time_point steady() const override { return Clock::now(); }
  std::int64_t wall_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace sluice::detail
