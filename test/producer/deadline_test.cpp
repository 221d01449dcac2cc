#include "deadline.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using sluice::detail::deadline_after;
using Clock = std::chrono::steady_clock;

TEST_CASE("deadline_after: an ordinary timeout is added") {
  const Clock::time_point now = Clock::now();
  CHECK(deadline_after(now, 1500ms) == now + 1500ms);
  CHECK(deadline_after(Clock::time_point{}, 1ms) == Clock::time_point{} + 1ms);
}

TEST_CASE("deadline_after: zero and negative timeouts are now") {
  const Clock::time_point now = Clock::now();
  CHECK(deadline_after(now, 0ms) == now);
  CHECK(deadline_after(now, -5ms) == now);
  CHECK(deadline_after(now, std::chrono::milliseconds::min()) == now);
}

TEST_CASE("deadline_after: milliseconds::max() and anything past the clock's range saturate") {
  const Clock::time_point now = Clock::now();
  CHECK(deadline_after(now, std::chrono::milliseconds::max()) == Clock::time_point::max());
  CHECK(deadline_after(now, std::chrono::hours(24 * 365 * 400)) == Clock::time_point::max());  // > 292 years
  CHECK(deadline_after(Clock::time_point::max(), 1ms) == Clock::time_point::max());
  CHECK(deadline_after(Clock::time_point::max() - 10ms, 10ms) == Clock::time_point::max());
  // Just inside the range: still exact.
  const auto near_end = Clock::time_point::max() - 1s;
  CHECK(deadline_after(near_end, 500ms) == near_end + 500ms);
}
