#pragma once
// SimTimerQueue: the producer engine's timers (producer/src/engine_timer.hpp)
// on simulated time. A wait is an entry in one queue; nothing fires by
// itself: the driver asks for the earliest wait (next_due) to advance the
// clock to it, and runs the waits that are due (take_due), each on the
// engine's io_context like an Asio timer's handler. The sim broker links
// time their requests out with timers from the same queue.
//
// Order is total: by time, then by when the wait was armed, so equal times
// resolve the same way in every run. Single-threaded (the simulation's).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "engine_timer.hpp"
#include "sim_engine_clock.hpp"

namespace sluice::sim {

class SimTimerQueue final : public detail::TimerFactory {
 public:
  SimTimerQueue() = default;
  SimTimerQueue(const SimTimerQueue&) = delete;
  SimTimerQueue& operator=(const SimTimerQueue&) = delete;

  std::unique_ptr<detail::EngineTimer> make_timer() override;

  // The earliest pending wait's time, kNever if none.
  SimTime next_due() const;
  // Removes the earliest wait due at `now` (its time <= now) and returns its
  // handler; nullopt when none is due. The caller runs it.
  std::optional<std::function<void()>> take_due(SimTime now);
  std::size_t pending() const noexcept { return waits_.size(); }

 private:
  class Timer;
  using Key = std::pair<SimTime, std::uint64_t>;  // (time, arm order)
  struct Wait {
    Timer* owner;
    std::function<void()> fire;
  };

  Key add(Timer* owner, SimTime at, std::function<void()> fire);
  void remove(const Key& key) { waits_.erase(key); }

  std::map<Key, Wait> waits_;
  std::uint64_t armed_ = 0;
};

}  // namespace sluice::sim
