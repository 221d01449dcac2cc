// Producer::create_topics without a broker: what is decided locally (no
// topics, after close, from a delivery callback, nothing reachable before
// the timeout), and the result's helpers.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "sluice/protocol/kafka_error.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

namespace {

// Port 1 on localhost: connections are refused at once.
sluice::Config unreachable() {
  return sluice::Config::from_map({{"bootstrap.servers", "127.0.0.1:1"},
                                   {"max.block.ms", "200"},
                                   {"reconnect.backoff.ms", "20"},
                                   {"reconnect.backoff.max.ms", "50"}});
}

}  // namespace

TEST_CASE("create_topics: no topics, no request") {
  sluice::Producer producer(unreachable());
  CHECK(producer.create_topics({}, 1s).empty());
}

TEST_CASE("create_topics: nothing reachable fails every topic with no_broker_available at the timeout") {
  sluice::Producer producer(unreachable());
  const std::vector<sluice::NewTopic> topics{{.name = "a", .num_partitions = 3}, {.name = "b"}};
  const auto start = std::chrono::steady_clock::now();
  const auto results = producer.create_topics(topics, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(results.size() == 2);
  for (std::size_t i = 0; i < results.size(); ++i) {
    INFO(results[i].error_message);
    CHECK(results[i].name == topics[i].name);
    CHECK(results[i].error == sluice::errc::no_broker_available);
    CHECK(results[i].error_message.find("'" + topics[i].name + "'") != std::string::npos);
    CHECK(results[i].error_message.find("300 ms") != std::string::npos);
    CHECK_FALSE(results[i].already_exists());
    CHECK(results[i].kafka_error_code() == 0);
  }
  CHECK(results[0].num_partitions == 3);  // as asked
  CHECK(took >= 290ms);
  CHECK(took < 1250ms);  // the I/O side reports at the deadline: not the waiting thread's 1 s grace
}

TEST_CASE("create_topics after close() fails with errc::closed") {
  sluice::Producer producer(unreachable());
  producer.close(0ms);
  const std::vector<sluice::NewTopic> topics{{.name = "a"}};
  const auto results = producer.create_topics(topics, 5s);
  REQUIRE(results.size() == 1);
  CHECK(results[0].error == sluice::errc::closed);
}

TEST_CASE("create_topics from a delivery callback fails at once with would_deadlock") {
  sluice::Producer producer(unreachable());
  std::promise<std::vector<sluice::CreateTopicResult>> inner;
  // The record fails after max.block.ms (no metadata): its callback runs on
  // the callback thread, where waiting would wait for itself.
  producer.send(sluice::Record{.topic = "t", .value = "v"}, [&](const sluice::DeliveryReport&) {
    const std::vector<sluice::NewTopic> topics{{.name = "from-callback"}};
    inner.set_value(producer.create_topics(topics, 30s));
  });
  auto f = inner.get_future();
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  const auto results = f.get();
  REQUIRE(results.size() == 1);
  CHECK(results[0].error == sluice::errc::would_deadlock);
  CHECK(results[0].error_message.find("'from-callback'") != std::string::npos);
}

TEST_CASE("CreateTopicResult: already_exists and kafka_error_code read the kafka category only") {
  sluice::CreateTopicResult r;
  CHECK(r);
  CHECK(r.kafka_error_code() == 0);
  r.error = sluice::protocol::kafka_error(36);
  CHECK_FALSE(r);
  CHECK(r.already_exists());
  CHECK(r.kafka_error_code() == 36);
  r.error = sluice::protocol::kafka_error(37);
  CHECK_FALSE(r.already_exists());
  CHECK(r.kafka_error_code() == 37);
  r.error = std::error_code(36, std::generic_category());
  CHECK_FALSE(r.already_exists());
  CHECK(r.kafka_error_code() == 0);
}

// Defect 5: the deadline now + milliseconds::max() overflowed into the past,
// so the I/O side failed every topic at once.
TEST_CASE("create_topics with milliseconds::max() waits (here until close) instead of failing at once") {
  sluice::Producer producer(unreachable());
  // The record fails after max.block.ms (200 ms); its callback closes the
  // producer, which ends the wait below.
  producer.send(sluice::Record{.topic = "t", .value = "v"}, [&](const sluice::DeliveryReport&) { producer.close(0ms); });
  const std::vector<sluice::NewTopic> topics{{.name = "a"}};
  const auto start = std::chrono::steady_clock::now();
  const auto results = producer.create_topics(topics, std::chrono::milliseconds::max());
  REQUIRE(results.size() == 1);
  INFO(results[0].error_message);
  CHECK(results[0].error == sluice::errc::closed);
  CHECK(std::chrono::steady_clock::now() - start >= 150ms);
}
