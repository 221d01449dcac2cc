#include "sim_timers.hpp"

namespace sluice::sim {

// One engine timer: at most one wait in the queue at a time. The queue
// outlives its timers (the engine holds the factory as long as its timers).
class SimTimerQueue::Timer final : public detail::EngineTimer {
 public:
  explicit Timer(SimTimerQueue& queue) : queue_(&queue) {}
  ~Timer() override { cancel(); }

  void arm(detail::Clock::time_point at, std::function<void()> fire) override {
    cancel();
    key_ = queue_->add(this, SimEngineClock::sim_time(at), std::move(fire));
  }
  void cancel() override {
    if (key_) queue_->remove(*key_);
    key_.reset();
  }
  // The queue took this timer's wait to run it.
  void taken() noexcept { key_.reset(); }

 private:
  SimTimerQueue* queue_;
  std::optional<Key> key_;
};

std::unique_ptr<detail::EngineTimer> SimTimerQueue::make_timer() { return std::make_unique<Timer>(*this); }

SimTimerQueue::Key SimTimerQueue::add(Timer* owner, SimTime at, std::function<void()> fire) {
  const Key key{at, armed_++};
  waits_.emplace(key, Wait{owner, std::move(fire)});
  return key;
}

SimTime SimTimerQueue::next_due() const { return waits_.empty() ? kNever : waits_.begin()->first.first; }

std::optional<std::function<void()>> SimTimerQueue::take_due(SimTime now) {
  if (waits_.empty() || waits_.begin()->first.first > now) return std::nullopt;
  auto node = waits_.extract(waits_.begin());
  node.mapped().owner->taken();
  return std::move(node.mapped().fire);
}

}  // namespace sluice::sim
