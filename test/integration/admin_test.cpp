// Producer::create_topics against the real broker: a new topic gets the
// partitions asked for (records go to each, the next one is out of range),
// creating it again is TOPIC_ALREADY_EXISTS, and the broker's refusals
// (partitions, names, configs) come back as Kafka error codes naming the
// topic. From a delivery callback the call fails at once instead of
// waiting for itself.
#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::int16_t kInvalidTopic = 17;        // INVALID_TOPIC_EXCEPTION
constexpr std::int16_t kTopicAlreadyExists = 36;  // TOPIC_ALREADY_EXISTS
constexpr std::int16_t kInvalidPartitions = 37;   // INVALID_PARTITIONS
constexpr std::int16_t kInvalidConfig = 40;       // INVALID_CONFIG

sluice::Config config(const std::string& bootstrap) {
  // Auto-creation off: a topic exists only if create_topics made it.
  return sluice::Config::from_map(
      {{"bootstrap.servers", bootstrap}, {"allow.auto.create.topics", "false"}, {"max.block.ms", "5000"}});
}

sluice::CreateTopicResult create_one(sluice::Producer& producer, sluice::NewTopic topic) {
  const std::vector<sluice::NewTopic> topics{std::move(topic)};
  auto results = producer.create_topics(topics, 30s);
  REQUIRE(results.size() == 1);
  return results.front();
}

void check_refused(const sluice::CreateTopicResult& r, std::int16_t code, const char* name) {
  INFO(r.name << ": " << r.error.message() << " / " << r.error_message);
  CHECK_FALSE(r);
  CHECK(std::string(r.error.category().name()) == "kafka");
  CHECK(r.error.value() == code);
  CHECK(r.kafka_error_code() == code);
  CHECK_FALSE(r.already_exists());
  CHECK(r.error_message.find(name) != std::string::npos);
  CHECK(r.error_message.find("'" + r.name + "'") != std::string::npos);
  CHECK(r.error_message.find("broker") != std::string::npos);
}

}  // namespace

TEST_CASE("create_topics: a new topic with 3 partitions, then TOPIC_ALREADY_EXISTS") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("admin-created");
  sluice::Producer producer(config(bootstrap));

  const auto created = create_one(producer, {.name = topic, .num_partitions = 3});
  INFO(created.error_message);
  REQUIRE(created);
  CHECK(created.name == topic);
  CHECK(created.error_message.empty());
  CHECK(created.num_partitions == 3);        // as the broker reports it (CreateTopics v5+)
  CHECK(created.replication_factor == 1);    // kafka-local's default.replication.factor

  // The producer finds it at once, with exactly 3 partitions.
  for (std::int32_t p = 0; p < 3; ++p) {
    const auto r = producer.send_sync(sluice::Record{.topic = topic, .partition = p, .value = "v"});
    INFO("partition " << p << ": " << r.error_message);
    CHECK(r);
    CHECK(r.partition == p);
  }
  // A partition beyond the count waits for metadata that lists it (it may
  // have been added) for max.block.ms, as Java's send() does, then fails.
  const auto beyond = producer.send_sync(sluice::Record{.topic = topic, .partition = 3, .value = "v"});
  CHECK(beyond.error == sluice::errc::invalid_partition);
  CHECK_FALSE(beyond.outcome_unknown);
  CHECK(beyond.error_message.find("partition 3 of topic '" + topic + "'") != std::string::npos);
  CHECK(beyond.error_message.find("max.block.ms") != std::string::npos);
  CHECK(beyond.error_message.find("has 3 partitions") != std::string::npos);
  // While a record waits for a partition the metadata does not list, the
  // topic's other partitions are not held up behind it (order is per partition).
  std::promise<sluice::DeliveryReport> waited;
  producer.send(sluice::Record{.topic = topic, .partition = 7, .value = "v"},
                [&waited](const sluice::DeliveryReport& r) { waited.set_value(r); });
  const auto meanwhile = producer.send_sync(sluice::Record{.topic = topic, .partition = 1, .value = "v"});
  INFO(meanwhile.error_message);
  CHECK(meanwhile);
  auto waited_report = waited.get_future();
  CHECK(waited_report.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);  // still within max.block.ms
  CHECK(waited_report.get().error == sluice::errc::invalid_partition);

  const auto again = create_one(producer, {.name = topic, .num_partitions = 3});
  INFO(again.error_message);
  CHECK_FALSE(again);
  CHECK(again.already_exists());
  CHECK(again.kafka_error_code() == kTopicAlreadyExists);
  CHECK(again.error_message.find("TOPIC_ALREADY_EXISTS") != std::string::npos);
  CHECK(again.error_message.find(topic) != std::string::npos);
}

TEST_CASE("create_topics: the broker's refusals are Kafka error codes, one result per topic in order") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  sluice::Producer producer(config(bootstrap));
  const std::string ok = sluice::test::unique_topic("admin-batch-ok");
  const std::string zero = sluice::test::unique_topic("admin-zero");
  const std::string negative = sluice::test::unique_topic("admin-negative");
  const std::string bad_config = sluice::test::unique_topic("admin-bad-config");
  const std::string with_config = sluice::test::unique_topic("admin-with-config");
  const std::vector<sluice::NewTopic> topics{
      {.name = ok, .num_partitions = 2, .replication_factor = 1},
      {.name = zero, .num_partitions = 0},
      {.name = negative, .num_partitions = -5},
      {.name = "bad name!"},
      {.name = bad_config, .num_partitions = 1, .configs = {{"no.such.topic.config", "1"}}},
      {.name = with_config, .num_partitions = 1, .configs = {{"retention.ms", "60000"}}},
  };
  const auto results = producer.create_topics(topics, 30s);
  REQUIRE(results.size() == topics.size());
  for (std::size_t i = 0; i < topics.size(); ++i) CHECK(results[i].name == topics[i].name);
  CHECK(results[0]);
  CHECK(results[0].num_partitions == 2);
  check_refused(results[1], kInvalidPartitions, "INVALID_PARTITIONS");
  check_refused(results[2], kInvalidPartitions, "INVALID_PARTITIONS");
  check_refused(results[3], kInvalidTopic, "INVALID_TOPIC_EXCEPTION");
  check_refused(results[4], kInvalidConfig, "INVALID_CONFIG");
  INFO(results[5].error_message);
  CHECK(results[5]);
}

TEST_CASE("create_topics from a delivery callback fails at once with would_deadlock") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("admin-callback");
  sluice::Producer producer(config(bootstrap));
  REQUIRE(create_one(producer, {.name = topic, .num_partitions = 1}));

  std::promise<std::vector<sluice::CreateTopicResult>> from_callback;
  const auto start = std::chrono::steady_clock::now();
  producer.send(sluice::Record{.topic = topic, .value = "v"}, [&](const sluice::DeliveryReport&) {
    const std::vector<sluice::NewTopic> topics{{.name = topic + "-inner", .num_partitions = 1}};
    from_callback.set_value(producer.create_topics(topics, 30s));
  });
  auto future = from_callback.get_future();
  REQUIRE(future.wait_for(20s) == std::future_status::ready);
  const auto results = future.get();
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  REQUIRE(results.size() == 1);
  CHECK(results[0].error == sluice::errc::would_deadlock);
  CHECK(results[0].error_message.find(topic + "-inner") != std::string::npos);
  CHECK(producer.flush(10s) == 0);
}

TEST_CASE("create_topics waits for a connection when called right after construction") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("admin-first-call");
  // The first call on a fresh producer: nothing is connected yet.
  sluice::Producer producer(config(bootstrap));
  const auto r = create_one(producer, {.name = topic});  // the broker's num.partitions
  INFO(r.error_message);
  CHECK(r);
  CHECK(r.num_partitions >= 1);
}
