// A topic the cluster does not know, with auto-creation off: every record
// fails after max.block.ms with unknown_topic, naming the topic and what
// the broker said; nothing hangs.
#include <catch2/catch.hpp>
#include <mutex>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("an unknown topic fails after the bounded wait when auto-creation is off") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("never-created");
  std::mutex mu;
  std::vector<sluice::DeliveryReport> reports;
  const auto start = std::chrono::steady_clock::now();
  {
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", bootstrap}, {"allow.auto.create.topics", "false"}, {"max.block.ms", "1500"}}));
    for (int i = 0; i < 5; ++i) {
      producer.send(sluice::Record{.topic = topic, .value = "v"}, [&](const sluice::DeliveryReport& r) {
        std::lock_guard lock(mu);
        reports.push_back(r);
      });
    }
    CHECK(producer.flush(30s) == 0);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  std::lock_guard lock(mu);
  REQUIRE(reports.size() == 5);
  for (const auto& r : reports) {
    CHECK(r.error == sluice::errc::unknown_topic);
    CHECK_FALSE(r.outcome_unknown);
    CHECK(r.error_message.find(topic) != std::string::npos);
    CHECK(r.error_message.find("UNKNOWN_TOPIC_OR_PARTITION") != std::string::npos);
  }
  CHECK(took >= 1400ms);  // the wait is max.block.ms, not less
}
