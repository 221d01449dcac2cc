#pragma once
// DeliveryQueue: runs delivery callbacks on a thread of their own, in the
// order they were queued, so a slow callback never stalls the network
// (the I/O thread only queues them). One job per completed batch.
//
// The queue's state lives in a shared block that the thread holds too, so
// the thread can finish safely when a callback destroys the producer (and
// with it this object): see after_current_job().
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace sluice::detail {

class DeliveryQueue {
 public:
  DeliveryQueue();
  // From another thread: runs what is queued, then joins. From the queue's
  // own thread (the producer destroyed inside a callback): detaches; the
  // thread ends on its own without touching this object again.
  ~DeliveryQueue();
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  void post(std::function<void()> job);
  // Runs everything queued so far and anything queued meanwhile, then
  // stops the thread. Not from the queue's own thread.
  void drain_and_stop();
  // Once the job running now returns (at once if none runs), the thread
  // runs `last` instead of further jobs, and then ends. `last` may destroy
  // this queue; it should run_queued_here() first if jobs must not be lost.
  void after_current_job(std::function<void()> last);
  // On the queue's own thread: runs every queued job now, in order, and any
  // job they queue.
  void run_queued_here();
  bool on_this_thread() const noexcept { return std::this_thread::get_id() == thread_id_; }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;
    std::function<void()> last;
    bool stopping = false;
  };
  static void run(const std::shared_ptr<State>& state);

  std::shared_ptr<State> state_;
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace sluice::detail
