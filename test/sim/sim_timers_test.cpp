// SimTimerQueue: the engine's timers on simulated time: order, replacing and
// cancelling a wait, and a timer's destruction.
#include "sim_timers.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sluice::sim;

namespace {

// Runs every wait due at `now`, in order; returns what ran.
std::vector<std::string> run_due(SimTimerQueue& q, SimTime now, std::vector<std::string>& log) {
  while (auto fire = q.take_due(now)) (*fire)();
  return log;
}

}  // namespace

TEST_CASE("waits fire by time, then in the order they were armed") {
  SimTimerQueue q;
  std::vector<std::string> log;
  auto a = q.make_timer(), b = q.make_timer(), c = q.make_timer();
  c->arm(SimEngineClock::at(300), [&] { log.push_back("c"); });
  a->arm(SimEngineClock::at(100), [&] { log.push_back("a"); });
  b->arm(SimEngineClock::at(100), [&] { log.push_back("b"); });
  CHECK(q.next_due() == 100);
  CHECK_FALSE(q.take_due(99));
  CHECK(run_due(q, 100, log) == std::vector<std::string>{"a", "b"});
  CHECK(q.next_due() == 300);
  CHECK(run_due(q, 1000, log) == std::vector<std::string>{"a", "b", "c"});
  CHECK(q.next_due() == kNever);
}

TEST_CASE("arming again replaces the wait, and cancel and destruction remove it") {
  SimTimerQueue q;
  std::vector<std::string> log;
  auto a = q.make_timer();
  a->arm(SimEngineClock::at(100), [&] { log.push_back("first"); });
  a->arm(SimEngineClock::at(200), [&] { log.push_back("second"); });
  CHECK(q.pending() == 1);
  CHECK(run_due(q, 150, log).empty());
  CHECK(run_due(q, 200, log) == std::vector<std::string>{"second"});
  a->arm(SimEngineClock::at(300), [&] { log.push_back("cancelled"); });
  a->cancel();
  CHECK(q.pending() == 0);
  {
    auto gone = q.make_timer();
    gone->arm(SimEngineClock::at(300), [&] { log.push_back("destroyed"); });
  }
  CHECK(q.pending() == 0);
  CHECK(run_due(q, 1000, log) == std::vector<std::string>{"second"});
}

TEST_CASE("a wait taken to run leaves its timer free to arm again from inside it") {
  SimTimerQueue q;
  int runs = 0;
  auto a = q.make_timer();
  std::function<void()> again = [&] {
    if (++runs < 3) a->arm(SimEngineClock::at(100 * (runs + 1)), again);
  };
  a->arm(SimEngineClock::at(100), again);
  while (auto fire = q.take_due(1000)) (*fire)();
  CHECK(runs == 3);
  CHECK(q.pending() == 0);
}

TEST_CASE("simulated time and the engine's steady time convert both ways, from a base far from zero") {
  CHECK(SimEngineClock::sim_time(SimEngineClock::at(0)) == 0);
  CHECK(SimEngineClock::sim_time(SimEngineClock::at(123456789)) == 123456789);
  // A default time_point{} is long before the start, as with a clock that counts from boot.
  CHECK(SimEngineClock::at(0) - sluice::detail::Clock::time_point{} >= std::chrono::hours(24));
  SimClock clock;
  SimEngineClock engine_clock(clock);
  clock.advance_to(2'500'000);
  CHECK(engine_clock.wall_ms() == SimEngineClock::kWallStartMs + 2500);
  CHECK(engine_clock.steady() == SimEngineClock::at(2'500'000));
}
