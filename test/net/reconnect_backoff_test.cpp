#include "sluice/net/reconnect_backoff.hpp"

#include <catch2/catch.hpp>

using sluice::net::ReconnectBackoff;
using std::chrono::milliseconds;

TEST_CASE("delays double from the initial value up to the maximum, within ±20% jitter") {
  ReconnectBackoff b(milliseconds(50), milliseconds(1000), 7);
  const double expected[] = {50, 100, 200, 400, 800, 1000, 1000, 1000};
  for (double e : expected) {
    auto d = b.next_delay().count();
    CHECK(d >= static_cast<long>(e * 0.8));
    CHECK(d <= static_cast<long>(e * 1.2) + 1);
  }
  CHECK(b.failures() == 8);
}

TEST_CASE("reset starts again from the initial delay") {
  ReconnectBackoff b(milliseconds(100), milliseconds(10000), 3);
  for (int i = 0; i < 6; ++i) b.next_delay();
  b.reset();
  CHECK(b.next_delay().count() <= 120);
}

TEST_CASE("jitter spreads delays: two seeds do not agree on every delay") {
  ReconnectBackoff a(milliseconds(1000), milliseconds(1000), 1);
  ReconnectBackoff c(milliseconds(1000), milliseconds(1000), 2);
  int same = 0;
  for (int i = 0; i < 20; ++i) same += a.next_delay() == c.next_delay();
  CHECK(same < 20);
}

TEST_CASE("many failures never overflow") {
  ReconnectBackoff b(milliseconds(50), milliseconds(30000), 9);
  for (int i = 0; i < 1000; ++i) {
    auto d = b.next_delay().count();
    REQUIRE(d >= 1);
    REQUIRE(d <= 36000);
  }
}
