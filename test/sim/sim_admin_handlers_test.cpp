// SimCluster's Metadata and InitProducerId answers.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "sim_cluster.hpp"

using namespace sluice::sim;
using sluice::protocol::kafka_errc;
using sluice::protocol::MetadataRequest;

namespace {

std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }

MetadataRequest by_names(std::initializer_list<const char*> names) {
  MetadataRequest r;
  r.topics.emplace();
  for (const char* n : names) r.topics->push_back(MetadataRequest::Topic{{}, std::string(n)});
  return r;
}

}  // namespace

TEST_CASE("metadata for all topics: live brokers, ids, leaders and epochs, replicas and ISR") {
  SimCluster c(SimRng(1), 3);
  const auto id = c.create_topic("t", 2);
  c.create_topic("u", 1);
  c.move_leader("t", 1);
  auto m = c.handle_metadata(1, MetadataRequest{}, 12);
  CHECK(m.brokers.size() == 3);
  CHECK(m.controller_id == 1);
  CHECK(m.cluster_id == "sim-cluster");
  REQUIRE(m.topics.size() == 2);
  const auto& t = m.topics[0];
  CHECK(t.error_code == 0);
  CHECK(t.name == "t");
  CHECK(t.topic_id == id);
  REQUIRE(t.partitions.size() == 2);
  CHECK(t.partitions[1].leader_id == c.partition("t", 1)->leader);
  CHECK(t.partitions[1].leader_epoch == 1);
  CHECK(t.partitions[0].replica_nodes.size() == 3);
  CHECK(t.partitions[0].isr_nodes.size() == 3);
  CHECK(t.partitions[0].offline_replicas.empty());
}

TEST_CASE("metadata after a broker died: it is not listed, its replicas are offline, leaderless partitions say so") {
  SimCluster c(SimRng(1), 2, 1);
  c.create_topic("t", 2);
  const std::int32_t dead = c.partition("t", 0)->leader;
  c.broker_down(dead);
  auto m = c.handle_metadata(dead == 1 ? 2 : 1, MetadataRequest{}, 12);
  REQUIRE(m.brokers.size() == 1);
  CHECK(m.brokers[0].node_id != dead);
  const auto& p0 = m.topics[0].partitions[0];
  CHECK(p0.error_code == code(kafka_errc::leader_not_available));
  CHECK(p0.leader_id == -1);
  CHECK(p0.leader_epoch == 1);
  CHECK(p0.isr_nodes.empty());
  CHECK(p0.offline_replicas == std::vector<std::int32_t>{dead});
  CHECK(m.topics[0].partitions[1].error_code == 0);
}

TEST_CASE("metadata by name and by id, unknown ones get their error") {
  SimCluster c(SimRng(1), 3);
  const auto id = c.create_topic("t", 1);
  auto m = c.handle_metadata(1, by_names({"t", "missing"}), 12);
  REQUIRE(m.topics.size() == 2);
  CHECK(m.topics[0].error_code == 0);
  CHECK(m.topics[1].error_code == code(kafka_errc::unknown_topic_or_partition));
  CHECK(m.topics[1].name == "missing");

  MetadataRequest r;
  r.topics.emplace();
  r.topics->push_back(MetadataRequest::Topic{id, std::nullopt});
  CHECK(c.handle_metadata(1, r, 12).topics.at(0).name == "t");
  c.recreate_topic("t", 1);
  auto stale = c.handle_metadata(1, r, 12);
  CHECK(stale.topics.at(0).error_code == code(kafka_errc::unknown_topic_id));
  CHECK(stale.topics.at(0).topic_id == id);
}

TEST_CASE("older metadata versions leave out what they cannot carry") {
  SimCluster c(SimRng(1), 3);
  c.create_topic("t", 1);
  auto m = c.handle_metadata(1, MetadataRequest{}, 4);
  CHECK(m.topics[0].topic_id.is_zero());
  CHECK(m.topics[0].partitions[0].leader_epoch == -1);
}

TEST_CASE("InitProducerId hands out new producer ids at epoch 0, whatever the request carries") {
  SimCluster c(SimRng(1), 3);
  sluice::protocol::InitProducerIdRequest r;
  auto a = c.handle_init_producer_id(1, r, 4);
  r.producer_id = a.producer_id;
  r.producer_epoch = 0;
  auto b = c.handle_init_producer_id(2, r, 4);
  CHECK(a.error_code == 0);
  CHECK(a.producer_epoch == 0);
  CHECK(b.producer_id == a.producer_id + 1);
  CHECK(b.producer_epoch == 0);
  r.transactional_id = "txn";
  CHECK_THROWS_AS(c.handle_init_producer_id(1, r, 4), std::logic_error);
}
