#include "interrupt.hpp"

#include <algorithm>
#include <atomic>

namespace sluice::bench {
namespace {

std::atomic<int> g_interrupts{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free counter");

extern "C" void on_interrupt(int) { g_interrupts.fetch_add(1, std::memory_order_relaxed); }

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: read() returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_count() noexcept { return g_interrupts.load(std::memory_order_relaxed); }

SignalBlock::SignalBlock() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, &saved_);
}

SignalBlock::~SignalBlock() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

SendWatcher::SendWatcher(std::function<void()> unblock, std::chrono::milliseconds grace)
    : unblock_(std::move(unblock)), grace_(grace) {
  thread_ = std::thread([this] {
    const auto tick = std::max(std::chrono::milliseconds(1), std::min(grace_, std::chrono::milliseconds(20)));
    std::uint64_t seen = 0;  // an odd value of calls_ first seen at seen_at
    auto seen_at = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      std::this_thread::sleep_for(tick);
      const std::uint64_t calls = calls_.load(std::memory_order_relaxed);
      const auto now = std::chrono::steady_clock::now();
      if (calls % 2 == 0 || calls != seen) {
        seen = calls;
        seen_at = now;
        continue;
      }
      if (interrupt_count() > 0 && now - seen_at >= grace_) {
        unblock_();
        unblocked_.fetch_add(1);
        seen_at = std::chrono::steady_clock::now();  // again after another grace if still blocked
      }
    }
  });
}

SendWatcher::~SendWatcher() {
  stop_.store(true);
  thread_.join();
}

}  // namespace sluice::bench
