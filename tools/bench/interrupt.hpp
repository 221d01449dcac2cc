#pragma once
// Ctrl-C (SIGINT) and SIGTERM stop a tool gracefully: it stops sending,
// waits for the reports of what it sent and reports. A second signal cuts
// the wait short.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

namespace sluice::bench {

// Installs the handlers, without SA_RESTART, so a blocking read() returns
// EINTR and the reader notices.
void install_interrupt_handlers();
// Signals received so far.
int interrupt_count() noexcept;

// Blocks SIGINT and SIGTERM in this thread while alive. Create the client
// inside one: its threads inherit the mask, so the signal reaches the main
// thread (and interrupts its read()) instead of a client thread.
class SignalBlock {
 public:
  SignalBlock();
  ~SignalBlock();
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t saved_;
};

// A thread blocked in the client's send() (waiting for buffer space, up to
// max.block.ms) does not see a signal: the handler runs, and the wait
// resumes. The watcher sees it instead: once a signal has come while the
// sending thread has been inside send() for `grace`, it calls `unblock`
// (e.g. Producer::purge(), which fails what was never sent and so frees
// space) from its own thread, again every `grace` while that lasts.
// Create it inside a SignalBlock (its thread must not take the signals).
class SendWatcher {
 public:
  explicit SendWatcher(std::function<void()> unblock,
                       std::chrono::milliseconds grace = std::chrono::milliseconds(100));
  ~SendWatcher();  // stops and joins the thread
  SendWatcher(const SendWatcher&) = delete;
  SendWatcher& operator=(const SendWatcher&) = delete;

  // Around each send() call, on the sending thread (two relaxed
  // increments: no clock read per record).
  void entering() noexcept { calls_.fetch_add(1, std::memory_order_relaxed); }
  void left() noexcept { calls_.fetch_add(1, std::memory_order_relaxed); }
  int unblocked() const noexcept { return unblocked_.load(); }  // how often `unblock` ran

 private:
  std::function<void()> unblock_;
  std::chrono::milliseconds grace_;
  // Odd while inside send(); the same odd value `grace` apart: one send()
  // has been blocked that long.
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> unblocked_{0};
  std::thread thread_;
};

}  // namespace sluice::bench
