#include "sluice/net/metadata_cache.hpp"

#include <catch2/catch.hpp>

using namespace sluice;
using protocol::MetadataResponse;

namespace {

MetadataResponse response(std::int32_t leader, std::int32_t epoch, std::size_t partitions) {
  MetadataResponse m;
  m.brokers = {{1, "h1", 9091, std::nullopt}, {2, "h2", 9092, std::nullopt}};
  MetadataResponse::Topic t;
  t.name = "t";
  for (std::size_t i = 0; i < partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = static_cast<std::int32_t>(i);
    p.leader_id = leader;
    p.leader_epoch = epoch;
    t.partitions.push_back(p);
  }
  m.topics.push_back(t);
  return m;
}

}  // namespace

TEST_CASE("metadata: brokers and leaders are cached, partitions only grow") {
  net::MetadataCache c;
  c.update(response(1, 5, 2));
  REQUIRE(c.topic("t") != nullptr);
  CHECK(c.topic("t")->partitions.size() == 2);
  CHECK(c.broker(2)->to_string() == "h2:9092");
  c.update(response(2, 6, 4));
  CHECK(c.topic("t")->partitions.size() == 4);
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  c.update(response(2, 6, 1));  // a stale answer listing fewer partitions
  CHECK(c.topic("t")->partitions.size() == 4);
  CHECK(c.topic("unknown") == nullptr);
}

TEST_CASE("metadata: an older leader epoch never overwrites a newer one") {
  net::MetadataCache c;
  c.update(response(2, 7, 1));
  c.update(response(1, 6, 1));
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  CHECK(c.topic("t")->partitions[0].leader_epoch == 7);
}

TEST_CASE("metadata: KIP-951 leader hints apply only when newer, with new endpoints") {
  net::MetadataCache c;
  c.update(response(1, 5, 1));
  std::vector<protocol::ProduceResponse::NodeEndpoint> endpoints{{3, "h3", 9093, std::nullopt}};
  CHECK_FALSE(c.apply_leader_hint("t", 0, 2, 5, {}));          // same epoch: ignored
  CHECK_FALSE(c.apply_leader_hint("t", 0, 4, 9, {}));          // unknown broker, no endpoint
  CHECK(c.apply_leader_hint("t", 0, 3, 6, endpoints));         // newer, endpoint given
  CHECK(c.topic("t")->partitions[0].leader_id == 3);
  CHECK(c.broker(3)->to_string() == "h3:9093");
  CHECK_FALSE(c.apply_leader_hint("t", 7, 1, 99, {}));         // no such partition
  CHECK_FALSE(c.apply_leader_hint("other", 0, 1, 99, {}));     // no such topic
}
