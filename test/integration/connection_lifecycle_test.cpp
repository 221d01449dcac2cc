// Broker connections over a producer's life, seen through statistics_json():
// idle connections close after connections.max.idle.ms and come back when
// needed.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

namespace {

std::size_t connected_brokers(const sluice::Producer& producer) {
  const auto v = boost::json::parse(producer.statistics_json());
  std::size_t n = 0;
  for (const auto& [name, b] : v.at("brokers").as_object()) {
    if (b.at("nodeid").as_int64() >= 0 && b.at("state").as_string() == "UP") ++n;
  }
  return n;
}

// Polls `done` until it holds or `timeout` passes (condition waits, no fixed sleeps).
template <class F>
bool wait_until(std::chrono::milliseconds timeout, F done) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

}  // namespace

TEST_CASE("idle connections close after connections.max.idle.ms and reopen for the next record") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("idle");
  sluice::Producer producer(
      sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"connections.max.idle.ms", "500"}}));
  auto first = producer.send_sync(sluice::Record{.topic = topic, .value = "one"});
  REQUIRE(first);
  CHECK(connected_brokers(producer) >= 1);
  CHECK(wait_until(20s, [&] { return connected_brokers(producer) == 0; }));
  auto second = producer.send_sync(sluice::Record{.topic = topic, .value = "two"});
  REQUIRE(second);
  CHECK(second.offset == first.offset + 1);
}

TEST_CASE("connections.max.idle.ms=0 keeps connections open") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  sluice::Producer producer(
      sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"connections.max.idle.ms", "0"},
                                {"metadata.max.age.ms", "3600000"}}));
  REQUIRE(producer.send_sync(sluice::Record{.topic = sluice::test::unique_topic("keep"), .value = "v"}));
  // Give an idle close every chance to happen (well past the 500 ms above).
  CHECK_FALSE(wait_until(1500ms, [&] { return connected_brokers(producer) == 0; }));
}

// Defect 7: a topic that stays in error (missing, auto-creation off) used to be
// asked for every retry.backoff.ms for the producer's whole life, so its
// connection never went idle. Once nothing waits for the topic, it is left to
// the periodic refresh (and dropped after metadata.max.idle.ms). The only
// connection is a bootstrap one (connected_brokers() counts learned brokers
// only): the log says when it closes.
TEST_CASE("a missing topic is not asked for forever: after its records fail the connection goes idle") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("missing-idle");
  std::mutex mu;
  std::vector<std::string> lines;
  sluice::ProducerOptions options;
  options.log_level = sluice::LogLevel::debug;
  options.log_sink = [&](sluice::LogLevel, std::string_view message) {
    std::lock_guard lock(mu);
    lines.emplace_back(message);
  };
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap},
                                                      {"allow.auto.create.topics", "false"},
                                                      {"max.block.ms", "1000"},
                                                      {"connections.max.idle.ms", "500"},
                                                      {"metadata.max.idle.ms", "5000"}}),
                            std::move(options));
  const auto r = producer.send_sync(sluice::Record{.topic = topic, .value = "v"});
  CHECK(r.error == sluice::errc::unknown_topic);
  const auto closed_idle = [&] {
    std::lock_guard lock(mu);
    return std::any_of(lines.begin(), lines.end(),
                       [](const std::string& l) { return l.find("closing idle connection") != std::string::npos; });
  };
  CHECK(wait_until(20s, closed_idle));
}
