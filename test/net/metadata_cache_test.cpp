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

namespace {

protocol::Uuid id(std::uint8_t b) {
  protocol::Uuid u;
  u.bytes[15] = b;
  return u;
}

MetadataResponse with_id(MetadataResponse m, protocol::Uuid topic_id) {
  for (auto& t : m.topics) t.topic_id = topic_id;
  return m;
}

}  // namespace

// Defect 6: the index was used to size the partition vector before it was
// checked, so INT32_MIN threw length_error and INT32_MAX asked for 24 GiB.
TEST_CASE("metadata: a partition list that is not 0..n-1 once each is refused, the cached entry kept") {
  const std::int32_t bad_indexes[] = {INT32_MIN, -1, INT32_MAX, 2 /* a gap: 0 and 2 of 2 */, 0 /* a duplicate */};
  for (std::int32_t bad : bad_indexes) {
    INFO("second partition's index " << bad);
    net::MetadataCache c;
    c.update(response(1, 5, 3));
    MetadataResponse m = response(2, 6, 2);
    m.topics[0].partitions[1].partition_index = bad;
    net::MetadataRejects rejects;
    CHECK_NOTHROW(rejects = c.update(m));
    CHECK(rejects.topics == std::vector<std::string>{"t"});
    CHECK(rejects.brokers.empty());
    REQUIRE(c.topic("t") != nullptr);
    CHECK(c.topic("t")->partitions.size() == 3);
    CHECK(c.topic("t")->partitions[0].leader_id == 1);  // nothing of the refused entry applied
    CHECK(c.topic("t")->partitions[0].leader_epoch == 5);
    // The same list for a topic not cached yet leaves it unknown.
    net::MetadataCache fresh;
    CHECK_NOTHROW(fresh.update(m));
    CHECK(fresh.topic("t") == nullptr);
    CHECK(fresh.broker(2).has_value());  // the brokers of the answer still count
  }
}

TEST_CASE("metadata: a broker port outside 0..65535 makes that broker unknown, not a wrapped port") {
  for (std::int32_t port : {-1, 65536, 70000, INT32_MIN}) {
    INFO("port " << port);
    net::MetadataCache c;
    MetadataResponse m = response(1, 5, 1);
    m.brokers[1].port = port;
    const net::MetadataRejects rejects = c.update(m);
    CHECK(rejects.brokers == std::vector<std::int32_t>{2});
    CHECK(rejects.topics.empty());
    CHECK_FALSE(c.broker(2).has_value());
    CHECK(c.broker(1)->to_string() == "h1:9091");
    // A leader hint naming an endpoint with such a port is not applied,
    // and forgets what the cache held for that broker.
    net::MetadataCache h;
    h.update(response(1, 5, 1));
    std::vector<protocol::ProduceResponse::NodeEndpoint> endpoints{{1, "h1-moved", port, std::nullopt}};
    CHECK_FALSE(h.apply_leader_hint("t", 0, 1, 6, endpoints));
    CHECK_FALSE(h.broker(1).has_value());
    CHECK(h.topic("t")->partitions[0].leader_epoch == 5);
  }
  net::MetadataCache edge;
  MetadataResponse m = response(1, 5, 1);
  m.brokers[0].port = 65535;
  CHECK(edge.update(m).empty());
  CHECK(edge.broker(1)->port == 65535);
}

// Defect 3: a topic deleted and created again under the same name has a new
// topic id and starts its leader epochs again; the old epochs hid the new
// leaders and the old partition count stayed forever.
TEST_CASE("metadata: a new topic id replaces the topic's partitions and epochs") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 6), id(1)));
  c.update(with_id(response(2, 0, 3), id(2)));
  const net::TopicInfo* t = c.topic("t");
  REQUIRE(t != nullptr);
  CHECK(t->topic_id == id(2));
  REQUIRE(t->partitions.size() == 3);
  CHECK(t->partitions[0].leader_id == 2);
  CHECK(t->partitions[0].leader_epoch == 0);
  // The same id again: an older answer neither shrinks nor rolls epochs back.
  c.update(with_id(response(1, 0, 1), id(2)));
  c.update(with_id(response(2, 1, 2), id(2)));
  CHECK(c.topic("t")->partitions.size() == 3);
  c.update(with_id(response(1, 0, 1), id(2)));
  CHECK(c.topic("t")->partitions[0].leader_epoch == 1);
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
}

TEST_CASE("metadata: a deletion seen in between (an error without an id) does not hide the recreate") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 6), id(1)));
  MetadataResponse gone = response(1, 10, 0);
  gone.topics[0].error_code = 3;  // UNKNOWN_TOPIC_OR_PARTITION, topic id zero
  c.update(gone);
  CHECK(c.topic("t")->error_code == 3);
  CHECK(c.topic("t")->topic_id == id(1));  // zero says nothing about the id
  c.update(with_id(response(2, 0, 3), id(2)));
  const net::TopicInfo* t = c.topic("t");
  CHECK(t->error_code == 0);
  CHECK(t->topic_id == id(2));
  REQUIRE(t->partitions.size() == 3);
  CHECK(t->partitions[2].leader_id == 2);
  CHECK(t->partitions[2].leader_epoch == 0);
}

TEST_CASE("metadata: without topic ids (Metadata before v10) partitions only grow, as before") {
  net::MetadataCache c;
  c.update(response(1, 10, 6));
  c.update(response(2, 0, 3));
  CHECK(c.topic("t")->partitions.size() == 6);
  CHECK(c.topic("t")->partitions[0].leader_id == 1);
  // An id learned after answers without one is not a recreate either.
  c.update(with_id(response(2, 0, 3), id(7)));
  CHECK(c.topic("t")->partitions.size() == 6);
  CHECK(c.topic("t")->topic_id == id(7));
}

TEST_CASE("metadata: a leader hint about the topic before its recreate is not applied to the new one") {
  net::MetadataCache c;
  c.update(with_id(response(1, 10, 1), id(1)));
  c.update(with_id(response(2, 0, 1), id(2)));
  // A Produce answer for a batch sent to the old topic, read after the
  // Metadata answer: its epoch 11 is the old topic's.
  CHECK_FALSE(c.apply_leader_hint("t", 0, 1, 11, {}, id(1)));
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
  CHECK(c.apply_leader_hint("t", 0, 1, 1, {}, id(2)));
  CHECK(c.apply_leader_hint("t", 0, 2, 2, {}));  // sent without an id (Produce before v13 over v<10 metadata)
  CHECK(c.topic("t")->partitions[0].leader_id == 2);
}
