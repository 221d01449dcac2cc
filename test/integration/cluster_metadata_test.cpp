// Metadata when the only listed bootstrap broker is gone: once the cluster
// has named its brokers, a producer with no connection left asks one of
// them (the Java client's least-loaded node), not the dead bootstrap entry.
// Needs the 3-broker tools/kafka-local cluster of SLUICE_KAFKA_BASE
// (SLUICE_BOOTSTRAP lists it); it kills a broker and brings it back.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "broker_env.hpp"
#include "cluster_control.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
namespace cl = sluice::test::cluster;

namespace {

// How many of the producer's broker connections (bootstrap ones aside) are ready.
int connected_brokers(sluice::Producer& producer) {
  const auto stats = boost::json::parse(producer.statistics_json());
  int n = 0;
  for (const auto& [name, b] : stats.at("brokers").as_object()) {
    n += b.at("nodeid").as_int64() >= 0 && b.at("state").as_string() == "UP" ? 1 : 0;
  }
  return n;
}

// Waits for each report; counts the acknowledged ones, keeps the first failure's reason.
int acknowledged(std::vector<std::future<sluice::DeliveryReport>>& pending, std::string& first_error) {
  int ok = 0;
  for (auto& f : pending) {
    const auto r = f.get();
    if (r) {
      ++ok;
    } else if (first_error.empty()) {
      first_error = r.error_message;
    }
  }
  return ok;
}

}  // namespace

TEST_CASE("with its only bootstrap broker dead and no connection left, a producer asks a broker Metadata named",
          "[failover]") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const auto addresses = cl::split_list(bootstrap);
  REQUIRE(addresses.size() >= 3);
  const auto first = cl::node_of(addresses.front());
  INFO("SLUICE_BOOTSTRAP's first entry must be a broker of the kafka-local cluster at SLUICE_KAFKA_BASE");
  REQUIRE(first.has_value());
  std::string why;
  const bool healthy = cl::restore_cluster(bootstrap, static_cast<int>(addresses.size()), 120s, &why);
  INFO("the cluster must be complete first: " << why);
  REQUIRE(healthy);
  const std::string others = cl::without_node(bootstrap, *first);
  const std::string warm = sluice::test::unique_topic("known-brokers-warm");
  const std::string later = sluice::test::unique_topic("known-brokers-later");
  for (const auto& t : {warm, later}) {
    cl::require_create_topic(bootstrap, t, 3, 3, 2);
    cl::require_topic_complete(bootstrap, t, 3, 60s);
  }

  // Only the first broker is listed; idle connections close after 1 s.
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", addresses.front()},
                                                      {"acks", "all"},
                                                      {"connections.max.idle.ms", "1000"},
                                                      {"max.block.ms", "60000"}}));
  std::string first_error;
  {
    std::vector<std::future<sluice::DeliveryReport>> warm_reports;
    for (int i = 0; i < 10; ++i) warm_reports.push_back(producer.send(sluice::Record{.topic = warm, .value = "w"}));
    REQUIRE(producer.flush(60s) == 0);
    REQUIRE(acknowledged(warm_reports, first_error) == 10);  // Metadata has named all three brokers
  }

  auto fault = cl::NodeFault::kill(*first, bootstrap, static_cast<int>(addresses.size()));
  {
    INFO(fault.injected().command << ": " << fault.injected().output);
    REQUIRE(fault.injected().ok());
  }
  // The other brokers lead every partition of `later` again, and the
  // producer's connections have all closed (idle, or to the dead broker).
  cl::CommandResult raw;
  const bool moved = cl::wait_until(60s, [&] {
    auto d = cl::describe_topic(others, later, &raw);
    if (!d) return false;
    for (const auto& p : *d) {
      if (p.leader < 0 || p.leader == *first) return false;
    }
    return true;
  });
  INFO("last describe of " << later << ":\n" << raw.output);
  REQUIRE(moved);
  REQUIRE(cl::wait_until(30s, [&] { return connected_brokers(producer) == 0; }));

  // A topic the producer has no metadata for: the dead bootstrap broker
  // cannot answer, the two live ones can. Before the fix these waited for
  // max.block.ms (60 s) and the flush below returned 10.
  std::vector<std::future<sluice::DeliveryReport>> later_reports;
  for (int i = 0; i < 10; ++i) later_reports.push_back(producer.send(sluice::Record{.topic = later, .value = "l"}));
  CHECK(producer.flush(30s) == 0);
  CHECK(acknowledged(later_reports, first_error) == 10);
  INFO("first failure: " << first_error);
  CHECK(first_error.empty());

  const bool restored = fault.restore();
  INFO("restoring broker " << *first << ": " << fault.error());
  CHECK(restored);
}
