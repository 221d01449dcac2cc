// Ctrl-C handling: counted, not fatal, and kept away from client threads.
#include <catch2/catch.hpp>
#include <csignal>
#include <pthread.h>
#include <atomic>
#include <chrono>
#include <thread>

#include "interrupt.hpp"

using namespace sluice::bench;

TEST_CASE("after install, SIGINT and SIGTERM are counted instead of ending the process") {
  install_interrupt_handlers();
  const int before = interrupt_count();
  REQUIRE(std::raise(SIGINT) == 0);
  REQUIRE(std::raise(SIGTERM) == 0);
  CHECK(interrupt_count() == before + 2);
}

TEST_CASE("a thread started inside a SignalBlock has SIGINT blocked, and the block ends with its scope") {
  auto blocked_here = [] {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, nullptr, &now);
    return sigismember(&now, SIGINT) == 1 && sigismember(&now, SIGTERM) == 1;
  };
  bool in_thread = false;
  {
    SignalBlock block;
    CHECK(blocked_here());
    std::thread t([&] { in_thread = blocked_here(); });
    t.join();
  }
  CHECK(in_thread);
  CHECK_FALSE(blocked_here());
}

TEST_CASE("the send watcher unblocks a sender that a signal found inside send(), and only then") {
  install_interrupt_handlers();
  std::atomic<int> calls{0};
  {
    SignalBlock block;
    SendWatcher watcher([&] { calls.fetch_add(1); }, std::chrono::milliseconds(30));
    // Inside send() without a signal: nothing.
    const int before = interrupt_count();
    watcher.entering();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    watcher.left();
    if (before == 0) CHECK(calls.load() == 0);
    // A signal, but not inside send(): nothing.
    REQUIRE(std::raise(SIGTERM) == 0);  // blocked here: pending until the block ends
  }
  // Delivered now (the block has ended).
  REQUIRE(interrupt_count() > 0);
  calls = 0;
  {
    SignalBlock block;
    SendWatcher watcher([&] { calls.fetch_add(1); }, std::chrono::milliseconds(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(calls.load() == 0);  // interrupted, but nobody is in send()
    watcher.entering();
    for (int i = 0; i < 100 && calls.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    watcher.left();
    CHECK(calls.load() >= 1);
    CHECK(watcher.unblocked() == calls.load());
  }
}
