// A slow delivery callback delays other callbacks, never the network:
// while one callback is blocked, the broker keeps acknowledging records
// (the acknowledged count in statistics_json() keeps rising).
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("a blocked callback does not stall sending or acknowledgements") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("slow-callback");
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "1"}}));
  REQUIRE(producer.send_sync(sluice::Record{.topic = topic, .value = "warm-up"}));
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> blocked_callback_ran{false};
  producer.send(sluice::Record{.topic = topic, .value = "slow"}, [&](const sluice::DeliveryReport&) {
    released.wait_for(60s);  // holds the callback thread until the test has seen progress
    blocked_callback_ran = true;
  });
  constexpr int kMore = 2000;
  for (int i = 0; i < kMore; ++i) producer.send(sluice::Record{.topic = topic, .value = "v"}, nullptr);
  // Acknowledgements are counted on the I/O side as they arrive.
  auto acked = [&] {
    return boost::json::parse(producer.statistics_json()).at("sluice").at("records").at("acknowledged").to_number<std::int64_t>();
  };
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (acked() < 1 + 1 + kMore && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  const auto seen = acked();
  const bool still_blocked = !blocked_callback_ran;
  release.set_value();
  CHECK(still_blocked);
  CHECK(seen == 1 + 1 + kMore);  // every record acknowledged while the callback was blocked
  CHECK(producer.flush(30s) == 0);
  CHECK(blocked_callback_ran);
}
