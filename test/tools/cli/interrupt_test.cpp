// Ctrl-C handling: counted, not fatal, and kept away from client threads.
#include <catch2/catch.hpp>
#include <csignal>
#include <pthread.h>
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
