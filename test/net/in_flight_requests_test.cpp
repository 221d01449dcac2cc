#include "sluice/net/in_flight_requests.hpp"

#include <catch2/catch.hpp>

using namespace sluice::net;

TEST_CASE("responses match only the oldest request's correlation id") {
  InFlightRequests q;
  auto t0 = Clock::time_point{} + std::chrono::seconds(10);
  q.push({1, sluice::protocol::ApiKey::Metadata, 12, t0 + std::chrono::seconds(5), nullptr});
  q.push({2, sluice::protocol::ApiKey::Produce, 11, t0 + std::chrono::seconds(1), nullptr});
  CHECK(q.next_deadline() == t0 + std::chrono::seconds(1));
  CHECK_FALSE(q.match(2).has_value());  // out of order: protocol error
  CHECK_FALSE(q.match(99).has_value()); // unknown
  auto first = q.match(1);
  REQUIRE(first.has_value());
  CHECK(first->api_key == sluice::protocol::ApiKey::Metadata);
  auto second = q.match(2);
  REQUIRE(second.has_value());
  CHECK(q.empty());
  CHECK_FALSE(q.next_deadline().has_value());
}

TEST_CASE("take_all hands back every outstanding request once") {
  InFlightRequests q;
  int called = 0;
  for (int i = 0; i < 3; ++i) q.push({i, sluice::protocol::ApiKey::Produce, 9, {}, [&](const RequestOutcome&) { ++called; }});
  auto all = q.take_all();
  CHECK(all.size() == 3);
  CHECK(q.empty());
  for (auto& r : all) r.handler(RequestOutcome{});
  CHECK(called == 3);
}
