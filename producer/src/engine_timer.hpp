#pragma once
// EngineTimer: a one-shot wait the engine arms for a point in time (the pass
// timer, the statistics timer, the admin timer). Behind an interface so the
// deterministic simulation (test/sim) can fire the engine's timers when its
// simulated clock reaches them; in production it is an Asio steady_timer
// (asio_engine_timer.hpp).
//
// Threads: armed, cancelled and fired on the engine's I/O side only.
#include <functional>
#include <memory>

#include "producer_batch.hpp"

namespace sluice::detail {

class EngineTimer {
 public:
  // Destroying a timer cancels its wait.
  virtual ~EngineTimer() = default;
  // Runs `fire` once, on the I/O side, when the engine's clock reaches `at`
  // (at once, but never inline, if it has already). Replaces a wait armed
  // before; the one replaced does not fire, except that an Asio wait whose
  // time had come and whose handler was already queued may still run once:
  // the engine's handlers tolerate one extra run.
  virtual void arm(Clock::time_point at, std::function<void()> fire) = 0;
  // The pending wait, if any, does not fire (the same caveat as arm()).
  virtual void cancel() = 0;
};

// Makes the engine's timers, all on one clock: the real steady clock, or the
// simulation's.
class TimerFactory {
 public:
  virtual ~TimerFactory() = default;
  virtual std::unique_ptr<EngineTimer> make_timer() = 0;
};

}  // namespace sluice::detail
