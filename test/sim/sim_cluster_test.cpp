// SimCluster's topology: topics and their ids, leaders and epochs through
// leader moves, broker failures and topic re-creation.
#include "sim_cluster.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace sluice::sim;

TEST_CASE("a new topic has a random non-zero id, every partition a leader at epoch 0, replicas round robin") {
  SimCluster c(SimRng(1), 3);
  const auto id = c.create_topic("t", 4);
  CHECK_FALSE(id.is_zero());
  const SimTopic* t = c.topic("t");
  REQUIRE(t != nullptr);
  CHECK(c.topic(id) == t);
  REQUIRE(t->partitions.size() == 4);
  for (const auto& p : t->partitions) {
    CHECK(p.replicas.size() == 3);
    CHECK(p.leader == p.replicas.front());
    CHECK(p.leader_epoch == 0);
    CHECK(p.log.empty());
  }
  // Leadership is spread over the brokers.
  CHECK(t->partitions[0].leader != t->partitions[1].leader);
  CHECK(c.create_topic("u", 1) != id);
  CHECK_THROWS_AS(c.create_topic("t", 1), std::invalid_argument);
  CHECK_THROWS_AS(c.create_topic("v", 0), std::invalid_argument);
}

TEST_CASE("topic ids come from the seed") {
  SimCluster a(SimRng(9), 3), b(SimRng(9), 3), other(SimRng(10), 3);
  CHECK(a.create_topic("t", 1) == b.create_topic("t", 1));
  CHECK(a.create_topic("u", 1) != other.create_topic("u", 1));
}

TEST_CASE("the replication factor is capped by the brokers there are") {
  SimCluster c(SimRng(1), 2, 3);
  c.create_topic("t", 2);
  CHECK(c.partition("t", 0)->replicas.size() == 2);
}

TEST_CASE("moving a leader bumps its epoch, to a named live replica or the next one") {
  SimCluster c(SimRng(1), 3);
  c.create_topic("t", 1);
  const std::int32_t first = c.partition("t", 0)->leader;
  c.move_leader("t", 0);
  CHECK(c.partition("t", 0)->leader != first);
  CHECK(c.partition("t", 0)->leader_epoch == 1);
  c.move_leader("t", 0, first);
  CHECK(c.partition("t", 0)->leader == first);
  CHECK(c.partition("t", 0)->leader_epoch == 2);
  CHECK_THROWS_AS(c.move_leader("t", 0, 99), std::invalid_argument);
  CHECK_THROWS_AS(c.move_leader("t", 5), std::invalid_argument);
}

TEST_CASE("a broker going down hands its leaderships to live replicas, with none left there is no leader") {
  SimCluster c(SimRng(1), 3);
  c.create_topic("t", 3);
  const std::int32_t old = c.partition("t", 0)->leader;
  c.broker_down(old);
  CHECK_FALSE(c.is_up(old));
  for (const auto& p : c.topic("t")->partitions) CHECK(p.leader != old);
  CHECK(c.partition("t", 0)->leader_epoch == 1);
  for (const auto& b : c.brokers()) c.broker_down(b.node_id);
  for (const auto& p : c.topic("t")->partitions) CHECK(p.leader == -1);
  const std::int32_t epoch = c.partition("t", 0)->leader_epoch;
  CHECK_THROWS_AS(c.move_leader("t", 0), std::invalid_argument);
  c.broker_up(old);
  CHECK(c.partition("t", 0)->leader == old);
  CHECK(c.partition("t", 0)->leader_epoch == epoch + 1);
}

TEST_CASE("a topic created while its preferred replica is down is led by the next live one") {
  SimCluster c(SimRng(1), 3);
  c.broker_down(1);
  c.create_topic("t", 3);
  for (const auto& p : c.topic("t")->partitions) CHECK(p.leader != 1);
}

TEST_CASE("re-creating a topic gives a new id, fresh logs and epochs from 0, any partition count") {
  SimCluster c(SimRng(1), 3);
  const auto old_id = c.create_topic("t", 3);
  c.move_leader("t", 0);
  c.move_leader("t", 0);
  const auto new_id = c.recreate_topic("t", 2);
  CHECK(new_id != old_id);
  CHECK(c.topic(old_id) == nullptr);
  REQUIRE(c.topic("t")->partitions.size() == 2);
  CHECK(c.partition("t", 0)->leader_epoch == 0);
  c.recreate_topic("t", 5);
  CHECK(c.topic("t")->partitions.size() == 5);
  c.delete_topic("t");
  CHECK(c.topic("t") == nullptr);
  CHECK_THROWS_AS(c.delete_topic("t"), std::invalid_argument);
}

TEST_CASE("partitions are added at epoch 0 and never removed") {
  SimCluster c(SimRng(1), 3);
  c.create_topic("t", 2);
  c.move_leader("t", 0);
  c.add_partitions("t", 4);
  REQUIRE(c.topic("t")->partitions.size() == 4);
  CHECK(c.partition("t", 3)->leader_epoch == 0);
  CHECK(c.partition("t", 3)->index == 3);
  CHECK(c.partition("t", 0)->leader_epoch == 1);
  CHECK_THROWS_AS(c.add_partitions("t", 1), std::invalid_argument);
}
