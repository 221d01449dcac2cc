// Partitioner choice against a real broker: the `partitioner` property and a
// user function (ProducerOptions::partitioner) decide where records land;
// a user function out of range fails only its record.
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "broker_env.hpp"
#include "cluster_control.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
namespace cl = sluice::test::cluster;

namespace {

struct Outcome {
  std::mutex mu;
  std::map<std::int32_t, int> per_partition;
  std::vector<sluice::DeliveryReport> failures;
  void operator()(const sluice::DeliveryReport& r) {
    std::lock_guard lock(mu);
    if (r) ++per_partition[r.partition];
    else failures.push_back(r);
  }
};

std::string topic_with_partitions(const std::string& bootstrap, const std::string& prefix, int partitions) {
  const std::string topic = sluice::test::unique_topic(prefix);
  cl::require_create_topic(bootstrap, topic, partitions, 1, 1);
  cl::require_topic_complete(bootstrap, topic, partitions, 60s);
  return topic;
}

}  // namespace

TEST_CASE("a user partition function places every record, and out of range fails alone") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = topic_with_partitions(bootstrap, "user-partitioner", 3);
  sluice::ProducerOptions options;
  options.partitioner = [](const sluice::PartitionRequest& r) {
    return r.key && *r.key == "bad" ? r.partition_count : r.partition_count - 1;
  };
  Outcome out;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}), options);
    for (int i = 0; i < 100; ++i) {
      sluice::Record r;
      r.topic = topic;
      r.key = i == 50 ? "bad" : "k" + std::to_string(i);
      r.value = "v";
      producer.send(std::move(r), std::ref(out));
    }
    CHECK(producer.flush(60s) == 0);
  }
  std::lock_guard lock(out.mu);
  CHECK(out.per_partition == std::map<std::int32_t, int>{{2, 99}});
  REQUIRE(out.failures.size() == 1);
  CHECK(out.failures[0].error == sluice::errc::partitioner_failed);
  CHECK(out.failures[0].error_message.find(topic) != std::string::npos);
  CHECK(out.failures[0].error_message.find("returned 3") != std::string::npos);
}

TEST_CASE("partitioner=round_robin spreads null-key records evenly") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = topic_with_partitions(bootstrap, "round-robin", 3);
  Outcome out;
  {
    sluice::Producer producer(
        sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"partitioner", "round_robin"}}));
    for (int i = 0; i < 300; ++i) {
      sluice::Record r;
      r.topic = topic;
      r.value = "v";
      producer.send(std::move(r), std::ref(out));
    }
    CHECK(producer.flush(60s) == 0);
  }
  std::lock_guard lock(out.mu);
  CHECK(out.failures.empty());
  CHECK(out.per_partition == std::map<std::int32_t, int>{{0, 100}, {1, 100}, {2, 100}});
}

TEST_CASE("keyed records land where the Java default partitioner puts them") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = topic_with_partitions(bootstrap, "keyed", 5);
  std::mutex mu;
  std::map<std::string, std::int32_t> where;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}));
    for (int i = 0; i < 200; ++i) {
      sluice::Record r;
      r.topic = topic;
      const std::string key = "key-" + std::to_string(i);
      r.key = key;
      r.value = "v";
      producer.send(std::move(r), [&, k = key](const sluice::DeliveryReport& rep) {
        std::lock_guard lock(mu);
        where[k] = rep ? rep.partition : -1;
      });
    }
    CHECK(producer.flush(60s) == 0);
  }
  // Same key, same partition as sluice::partitioner::java_keyed_partition
  // (which test/partitioner checks against the Java client for 10,000+ keys).
  std::lock_guard lock(mu);
  REQUIRE(where.size() == 200);
  for (const auto& [k, p] : where) {
    INFO(k);
    CHECK(p == sluice::partitioner::java_keyed_partition(
                   std::span(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()), 5));
  }
}
