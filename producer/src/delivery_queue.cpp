#include "delivery_queue.hpp"

namespace sluice::detail {

DeliveryQueue::DeliveryQueue() : thread_([this] { run(); }), thread_id_(thread_.get_id()) {}

DeliveryQueue::~DeliveryQueue() {
  if (thread_.joinable() && !on_this_thread()) drain_and_stop();
  if (thread_.joinable()) thread_.detach();  // destroyed from a callback: the thread ends on its own
}

void DeliveryQueue::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void DeliveryQueue::drain_and_stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DeliveryQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left
    // Take everything queued at once: one lock per wake-up, not per job.
    std::deque<std::function<void()>> batch;
    batch.swap(jobs_);
    lock.unlock();
    for (auto& job : batch) job();
    lock.lock();
  }
}

}  // namespace sluice::detail
