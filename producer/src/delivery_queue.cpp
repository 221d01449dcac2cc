#include "delivery_queue.hpp"

namespace sluice::detail {

DeliveryQueue::DeliveryQueue()
    : state_(std::make_shared<State>()), thread_([s = state_] { run(s); }), thread_id_(thread_.get_id()) {}

DeliveryQueue::~DeliveryQueue() {
  if (!thread_.joinable()) return;
  if (on_this_thread()) {
    thread_.detach();  // destroyed from a callback: run() holds the state and ends by itself
  } else {
    drain_and_stop();
  }
}

void DeliveryQueue::post(std::function<void()> job) {
  {
    std::lock_guard lock(state_->mu);
    state_->jobs.push_back(std::move(job));
  }
  state_->cv.notify_one();
}

void DeliveryQueue::drain_and_stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->cv.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DeliveryQueue::after_current_job(std::function<void()> last) {
  {
    std::lock_guard lock(state_->mu);
    state_->last = std::move(last);
  }
  state_->cv.notify_one();
}

void DeliveryQueue::run_queued_here() {
  for (;;) {
    std::function<void()> job;
    {
      std::lock_guard lock(state_->mu);
      if (state_->jobs.empty()) return;
      job = std::move(state_->jobs.front());
      state_->jobs.pop_front();
    }
    job();
  }
}

// One job at a time (a lock per completed batch, not per record): a job may
// destroy the producer, and what is still queued then belongs to `last`.
void DeliveryQueue::run(const std::shared_ptr<State>& s) {
  std::unique_lock lock(s->mu);
  for (;;) {
    s->cv.wait(lock, [&] { return s->stopping || s->last || !s->jobs.empty(); });
    if (s->last) {
      auto last = std::move(s->last);
      s->last = nullptr;
      lock.unlock();
      last();
      return;  // `last` may have destroyed the DeliveryQueue: only `s` is left
    }
    if (s->jobs.empty()) return;  // stopping, and nothing left
    auto job = std::move(s->jobs.front());
    s->jobs.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // the callback's captures go before the lock is taken again
    lock.lock();
  }
}

}  // namespace sluice::detail
