// --throughput: intended send times fixed in advance.
#include <catch2/catch.hpp>

#include "pacer.hpp"

using namespace sluice::bench;
using namespace std::chrono_literals;

TEST_CASE("intended send times are start + index / rate") {
  const Clock::time_point t0{};
  const Pacer p(3, t0);
  CHECK(p.throttled());
  CHECK(p.intended(0) == t0);
  CHECK(p.intended(1) == t0 + 333333333ns);
  CHECK(p.intended(2) == t0 + 666666666ns);
  CHECK(p.intended(3) == t0 + 1s);
  CHECK(p.intended(3000) == t0 + 1000s);
}

TEST_CASE("intended times do not overflow for huge indexes") {
  const Clock::time_point t0{};
  const Pacer p(1'000'000'000, t0);
  CHECK(p.intended(20'000'000'000ULL) == t0 + 20s);  // index * 1e9 alone would overflow 64 bits
}

TEST_CASE("unthrottled: no schedule, wait returns at once") {
  const Clock::time_point t0 = Clock::now() + 1h;  // a wait for this would hang the test
  const Pacer p(-1, t0);
  CHECK_FALSE(p.throttled());
  CHECK(p.intended(12345) == t0);
  CHECK(p.wait(12345) == t0);
}

TEST_CASE("behind schedule, wait returns the intended time at once") {
  const Clock::time_point t0 = Clock::now() - 1h;
  const Pacer p(10, t0);
  CHECK(p.wait(5) == t0 + 500ms);
}
