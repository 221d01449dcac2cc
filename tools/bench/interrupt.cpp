#include "interrupt.hpp"

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

std::int64_t SendWatcher::now_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SendWatcher::SendWatcher(std::function<void()> unblock, std::chrono::milliseconds grace)
    : unblock_(std::move(unblock)), grace_(grace) {
  thread_ = std::thread([this] {
    const auto tick = std::min(grace_, std::chrono::milliseconds(20));
    while (!stop_.load()) {
      std::this_thread::sleep_for(tick);
      const std::int64_t since = since_.load(std::memory_order_relaxed);
      if (interrupt_count() > 0 && since >= 0 && now_ms() - since >= grace_.count()) {
        unblock_();
        unblocked_.fetch_add(1);
        std::this_thread::sleep_for(grace_);
      }
    }
  });
}

SendWatcher::~SendWatcher() {
  stop_.store(true);
  thread_.join();
}

}  // namespace sluice::bench
