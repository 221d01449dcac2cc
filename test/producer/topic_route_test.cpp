// TopicRoute: built from a topic's metadata (count, partitions with a
// leader, a lane per partition), and when metadata calls for a new one.
#include "topic_route.hpp"

#include <catch2/catch.hpp>

using namespace sluice::detail;
using namespace std::chrono_literals;

namespace {

sluice::net::TopicInfo info(std::vector<std::int32_t> leaders, std::uint8_t id = 1) {
  sluice::net::TopicInfo t;
  t.topic_id.bytes[0] = id;
  for (auto l : leaders) t.partitions.push_back(sluice::net::PartitionInfo{l, 0, 0});
  return t;
}

AccumulatorOptions options() {
  AccumulatorOptions o;
  o.linger = 5ms;
  return o;
}

}  // namespace

TEST_CASE("a route lists every partition's lane and the partitions with a leader") {
  RecordAccumulator acc(options());
  auto r = make_route("orders", info({1, -1, 2}), acc);
  CHECK(r->topic == "orders");
  CHECK(r->partition_count == 3);
  CHECK(r->available == std::vector<std::int32_t>{0, 2});
  REQUIRE(r->lanes.size() == 3);
  CHECK(r->lanes[1] == &acc.lane({"orders", 1}));  // the accumulator's own queue
  CHECK(r->same_as(info({1, -1, 2})));
  CHECK(r->same_as(info({3, -1, 3})));         // other leaders, same placement inputs
  CHECK_FALSE(r->same_as(info({1, 1, 2})));    // a leader came back
  CHECK_FALSE(r->same_as(info({1, -1, -1})));  // one went away
  CHECK_FALSE(r->same_as(info({1, -1, 2, 2})));      // a partition added
  CHECK_FALSE(r->same_as(info({1, -1, 2}, 9)));      // recreated: a new topic id
}
