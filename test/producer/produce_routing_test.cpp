// produce_routing on a fake clock: which ready partitions go to which
// leader, what waits (no leader, max.in.flight, idempotence), what ends
// (a partition the recreated topic lost, delivery.timeout.ms).
#include "produce_routing.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "sluice/errors.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using sluice::protocol::MetadataResponse;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1h;

AccumulatorOptions accumulator_options() {
  AccumulatorOptions o;
  o.linger = 10ms;
  o.delivery_timeout = 10s;
  return o;
}

// Topic `name` with id `id` and one partition per entry of `leaders`.
MetadataResponse topic(const std::string& name, std::uint8_t id, std::vector<std::int32_t> leaders) {
  MetadataResponse m;
  m.brokers = {{1, "b1", 9092, std::nullopt}, {2, "b2", 9092, std::nullopt}};
  MetadataResponse::Topic t;
  t.name = name;
  t.topic_id.bytes[15] = id;
  for (std::size_t i = 0; i < leaders.size(); ++i) {
    MetadataResponse::Partition p;
    p.partition_index = static_cast<std::int32_t>(i);
    p.leader_id = leaders[i];
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  m.topics.push_back(t);
  return m;
}

struct Rig {
  explicit Rig(bool idempotent = false) : idempotence(idempotent, 100ms, 1000ms) {}
  void ready_idempotence() {
    idempotence.on_id_requested();
    idempotence.on_id_response({}, 0, 42, 0, t0, 1.0);
    REQUIRE(idempotence.phase() == IdempotenceState::Phase::ready);
  }
  ProducerBatch& add(const TopicPartition& tp, Clock::time_point at = t0) {
    const std::string v = "v";
    return accumulator.append(tp, 0, std::nullopt, sluice::protocol::as_bytes(v), {}, nullptr, 1, at, false);
  }
  Routing route(Clock::time_point now, std::int32_t max_in_flight = 5, bool flushing = false) {
    return route_ready(accumulator, idempotence, metadata, max_in_flight, now, flushing, ended);
  }

  RecordAccumulator accumulator{accumulator_options()};
  IdempotenceState idempotence;
  sluice::net::MetadataCache metadata;
  std::vector<BatchEnd> ended;
};

using Partitions = std::vector<TopicPartition>;

}  // namespace

TEST_CASE("ready partitions are grouped by their leader, in the accumulator's order") {
  Rig rig;
  REQUIRE(rig.metadata.update(topic("a", 1, {1, 2, 1})).empty());
  REQUIRE(rig.metadata.update(topic("b", 2, {2})).empty());
  for (int p = 0; p < 3; ++p) rig.add({"a", p});
  rig.add({"b", 0});
  CHECK(rig.route(t0 + 9ms).by_leader.empty());  // linger.ms not over
  const Routing r = rig.route(t0 + 10ms);
  CHECK_FALSE(r.metadata_wanted);
  REQUIRE(r.by_leader.size() == 2);
  CHECK(r.by_leader.at(1) == Partitions{{"a", 0}, {"a", 2}});
  CHECK(r.by_leader.at(2) == Partitions{{"a", 1}, {"b", 0}});
  CHECK(rig.ended.empty());
  // Routing takes nothing out of the queues: the sinks do.
  CHECK(rig.accumulator.queued_batches() == 4);
}

TEST_CASE("flushing routes batches linger.ms would still hold") {
  Rig rig;
  REQUIRE(rig.metadata.update(topic("a", 1, {1})).empty());
  rig.add({"a", 0});
  CHECK(rig.route(t0).by_leader.empty());
  CHECK(rig.route(t0, 5, true).by_leader.at(1) == Partitions{{"a", 0}});
}

TEST_CASE("a ready partition without a known leader waits and asks for metadata") {
  Rig rig;
  REQUIRE(rig.metadata.update(topic("a", 1, {-1, 2})).empty());
  SECTION("leaderless partition") {
    rig.add({"a", 0});
    const Routing r = rig.route(t0 + 10ms);
    CHECK(r.metadata_wanted);
    CHECK(r.by_leader.empty());
  }
  SECTION("a topic not in the metadata at all") {
    rig.add({"unknown", 0});
    const Routing r = rig.route(t0 + 10ms);
    CHECK(r.metadata_wanted);
    CHECK(r.by_leader.empty());
  }
  SECTION("a partition the topic does not have yet (not a recreate: the topic is in error)") {
    MetadataResponse m = topic("a", 1, {});
    m.topics[0].error_code = 5;  // LEADER_NOT_AVAILABLE
    REQUIRE(rig.metadata.update(m).empty());
    rig.add({"a", 7});
    const Routing r = rig.route(t0 + 10ms);
    CHECK(r.metadata_wanted);
    CHECK(rig.ended.empty());
  }
  SECTION("only the leaderless one waits") {
    rig.add({"a", 0});
    rig.add({"a", 1});
    const Routing r = rig.route(t0 + 10ms);
    CHECK(r.metadata_wanted);
    CHECK(r.by_leader.at(2) == Partitions{{"a", 1}});
  }
  CHECK(rig.ended.empty());
}

TEST_CASE("a partition the recreated topic no longer has: its batches end with invalid_partition") {
  Rig rig(true);
  rig.ready_idempotence();
  REQUIRE(rig.metadata.update(topic("t", 1, {1, 1, 1, 1, 1, 1})).empty());
  const TopicPartition gone{"t", 5};
  // Two batches of it: one sent once (its answer lost), one behind it.
  rig.add(gone);
  auto sent = rig.accumulator.take_head(gone);
  rig.idempotence.assign(*sent);
  sent->attempts = 1;
  sent->maybe_sent = true;
  sent->retry_at = t0;
  rig.accumulator.returned(gone);
  rig.add(gone);
  rig.accumulator.reenqueue(std::move(sent));
  rig.add({"t", 1});
  // Deleted and created again with three partitions (a new topic id).
  REQUIRE(rig.metadata.update(topic("t", 2, {1, 2, 1})).empty());
  REQUIRE(rig.metadata.topic("t")->partitions.size() == 3);

  const Routing r = rig.route(t0 + 10ms);
  REQUIRE(rig.ended.size() == 2);
  for (const auto& e : rig.ended) {
    CHECK(e.batch->tp == gone);
    CHECK(e.error == sluice::errc::invalid_partition);
    CHECK(e.base_offset == -1);
    CHECK(e.message.find("partition 5 of topic 't' no longer exists") != std::string::npos);
    CHECK(e.message.find("with 3 partitions") != std::string::npos);
  }
  CHECK(rig.ended[0].outcome_unknown);  // the one that may have landed first
  CHECK_FALSE(rig.ended[1].outcome_unknown);
  CHECK(rig.accumulator.head(gone) == nullptr);
  CHECK(rig.accumulator.in_flight(gone) == 0);
  CHECK(rig.accumulator.idle(gone));
  CHECK_FALSE(r.metadata_wanted);
  CHECK(r.by_leader.at(2) == Partitions{{"t", 1}});
}

TEST_CASE("max.in.flight.requests.per.connection is respected per partition") {
  Rig rig;
  REQUIRE(rig.metadata.update(topic("a", 1, {1})).empty());
  const TopicPartition tp{"a", 0};
  rig.add(tp);
  auto out = rig.accumulator.take_head(tp);  // one batch in flight
  rig.add(tp);
  CHECK(rig.route(t0 + 10ms, 1).by_leader.empty());
  CHECK_FALSE(rig.route(t0 + 10ms, 1).metadata_wanted);
  CHECK(rig.route(t0 + 10ms, 2).by_leader.at(1) == Partitions{tp});
  rig.accumulator.returned(tp);
  CHECK(rig.route(t0 + 10ms, 1).by_leader.at(1) == Partitions{tp});
}

TEST_CASE("nothing is routed before the producer id, and a resend waits for its partition to be quiet") {
  Rig rig(true);
  REQUIRE(rig.metadata.update(topic("a", 1, {1})).empty());
  const TopicPartition tp{"a", 0};
  rig.add(tp);
  CHECK(rig.route(t0 + 10ms).by_leader.empty());  // no producer id yet
  rig.ready_idempotence();
  CHECK(rig.route(t0 + 10ms).by_leader.at(1) == Partitions{tp});

  // A stamped batch back for a retry while a later one is still in flight.
  auto first = rig.accumulator.take_head(tp);
  rig.idempotence.assign(*first);
  first->attempts = 1;
  rig.add(tp);
  auto second = rig.accumulator.take_head(tp);
  rig.idempotence.assign(*second);
  rig.accumulator.returned(tp);
  first->retry_at = t0 + 20ms;
  rig.accumulator.reenqueue(std::move(first));
  CHECK(rig.route(t0 + 20ms).by_leader.empty());
  rig.accumulator.returned(tp);  // the second is back
  CHECK(rig.route(t0 + 19ms).by_leader.empty());  // its retry_at
  CHECK(rig.route(t0 + 20ms).by_leader.at(1) == Partitions{tp});
}

TEST_CASE("batches past delivery.timeout.ms expire, outcome unknown only if an attempt may have landed") {
  Rig rig(true);
  rig.ready_idempotence();
  const TopicPartition a{"a", 0}, b{"b", 0};
  // a: sent once under sequence 0, may have landed, back for a retry.
  rig.add(a, t0);
  auto sent = rig.accumulator.take_head(a);
  rig.idempotence.assign(*sent);
  sent->attempts = 1;
  sent->maybe_sent = true;
  sent->retry_at = t0 + 20s;
  rig.accumulator.returned(a);
  rig.accumulator.reenqueue(std::move(sent));
  // b: never sent, created later.
  rig.add(b, t0 + 1s);

  expire_batches(rig.accumulator, rig.idempotence, t0 + 10s - 1ms, 10s, rig.ended);
  CHECK(rig.ended.empty());
  expire_batches(rig.accumulator, rig.idempotence, t0 + 10s, 10s, rig.ended);
  REQUIRE(rig.ended.size() == 1);
  CHECK(rig.ended[0].batch->tp == a);
  CHECK(rig.ended[0].error == sluice::errc::delivery_timeout);
  CHECK(rig.ended[0].outcome_unknown);
  CHECK(rig.ended[0].message.find("no acknowledgement for a-0 within delivery.timeout.ms (10000 ms)") !=
        std::string::npos);
  expire_batches(rig.accumulator, rig.idempotence, t0 + 11s, 10s, rig.ended);
  REQUIRE(rig.ended.size() == 2);
  CHECK(rig.ended[1].batch->tp == b);
  CHECK_FALSE(rig.ended[1].outcome_unknown);
  CHECK(rig.accumulator.empty());

  // The expired batch of a may be in the log: a's sequences are unresolved,
  // so its next batch settles them with an epoch bump before it goes.
  CHECK(rig.idempotence.epoch_bumps() == 0);
  rig.add(a, t0 + 12s);
  CHECK(rig.idempotence.may_send(*rig.accumulator.head(a), 0));
  CHECK(rig.idempotence.epoch_bumps() == 1);
}
