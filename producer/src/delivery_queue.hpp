#pragma once
// DeliveryQueue: runs delivery callbacks on a thread of their own, in the
// order they were queued, so a slow callback never stalls the network
// (the I/O thread only queues them). One job per completed batch.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace sluice::detail {

class DeliveryQueue {
 public:
  DeliveryQueue();
  ~DeliveryQueue();  // runs what is queued, then joins
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  void post(std::function<void()> job);
  // Runs everything queued so far and anything queued meanwhile, then
  // stops the thread. Not from the queue's own thread.
  void drain_and_stop();
  bool on_this_thread() const noexcept { return std::this_thread::get_id() == thread_id_; }

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace sluice::detail
