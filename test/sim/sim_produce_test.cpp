// SimCluster::handle_produce: appends, the idempotence rules on real
// batches, leadership answers (KIP-951 hints), errors and injected faults.
#include <catch2/catch.hpp>

#include "sim_cluster.hpp"
#include "sim_test_support.hpp"

using namespace sluice::sim;
using namespace sluice::sim::test;
using sluice::protocol::Compression;
using sluice::protocol::kafka_errc;
using sluice::protocol::ProduceResponse;

namespace {

// A 3-broker cluster with topic "t" (2 partitions); produce() goes to the leader.
struct Fixture {
  SimCluster cluster{SimRng(1), 3};
  Fixture() { cluster.create_topic("t", 2); }
  std::int32_t leader(std::int32_t p = 0) const { return cluster.partition("t", p)->leader; }
  ProduceResponse::Partition produce(const sluice::protocol::Bytes& b, std::int32_t p = 0, std::int16_t acks = -1,
                                     std::int16_t version = 9) {
    return only_partition(cluster.handle_produce(leader(p), produce_one("t", p, b, acks), version));
  }
  std::int64_t end(std::int32_t p = 0) const { return cluster.partition("t", p)->log_end_offset; }
};

}  // namespace

TEST_CASE("appends get consecutive offsets, the log keeps records, headers and producer fields") {
  Fixture f;
  auto a = f.produce(make_batch(BatchSpec{}.count(3)));
  CHECK(a.error_code == 0);
  CHECK(a.base_offset == 0);
  CHECK(a.log_append_time_ms == -1);
  CHECK(a.log_start_offset == 0);
  auto b = f.produce(make_batch(BatchSpec{}.count(2).ids_from({4, 10})));
  CHECK(b.base_offset == 3);
  CHECK(f.end() == 5);
  const SimPartition* p = f.cluster.partition("t", 0);
  REQUIRE(p->log.size() == 2);
  const SimBatch& second = p->log[1];
  CHECK(second.base_offset == 3);
  CHECK(second.producer_id == -1);
  REQUIRE(second.records.size() == 2);
  CHECK(second.records[1].offset == 4);
  CHECK(std::string(second.records[1].value->begin(), second.records[1].value->end()) == value_of(1));
  REQUIRE(second.records[1].headers.size() == 1);
  CHECK(second.records[1].headers[0].key == "sim-id");
  CHECK(std::string(second.records[1].headers[0].value->begin(), second.records[1].headers[0].value->end()) ==
        "p4#11");
  CHECK(f.end(1) == 0);
}

TEST_CASE("compressed batches are decompressed into the log") {
  for (auto codec : {Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    Fixture f;
    auto r = f.produce(make_batch(BatchSpec{}.count(4).compressed(codec)));
    CHECK(r.error_code == 0);
    REQUIRE(f.cluster.partition("t", 0)->log.at(0).records.size() == 4);
    CHECK(f.end() == 4);
  }
}

TEST_CASE("idempotence on the wire: a resend of one of the last five batches is answered with its first offset") {
  Fixture f;
  for (std::int32_t i = 0; i < 6; ++i) REQUIRE(f.produce(idem_batch(1000, 0, 2 * i, 2)).error_code == 0);
  // Batches at seq 2..10 are the last five; seq 0 is the sixth-oldest.
  auto dup = f.produce(idem_batch(1000, 0, 4, 2));
  CHECK(dup.error_code == 0);
  CHECK(dup.base_offset == 4);
  CHECK(dup.log_append_time_ms == 1'700'000'000'001);  // Kafka answers a duplicate with its max timestamp
  CHECK(f.end() == 12);  // nothing appended
  auto old = f.produce(idem_batch(1000, 0, 0, 2));
  CHECK(old.error_code == code(kafka_errc::out_of_order_sequence_number));
  CHECK(old.base_offset == -1);
  CHECK(f.end() == 12);
}

TEST_CASE("idempotence on the wire: epochs") {
  Fixture f;
  for (std::int32_t seq = 0; seq < 3; ++seq) REQUIRE(f.produce(idem_batch(1000, 0, seq)).error_code == 0);
  CHECK(f.produce(idem_batch(1000, 1, 5)).error_code == code(kafka_errc::out_of_order_sequence_number));
  auto bumped = f.produce(idem_batch(1000, 1, 0));
  CHECK(bumped.error_code == 0);
  CHECK(bumped.base_offset == 3);
  CHECK(f.produce(idem_batch(1000, 0, 3)).error_code == code(kafka_errc::invalid_producer_epoch));
  CHECK(f.end() == 4);
}

TEST_CASE("idempotence on the wire: an unknown producer at any sequence, and the wrap at INT32_MAX") {
  Fixture f;
  CHECK(f.produce(idem_batch(2000, 0, INT32_MAX - 1, 2)).error_code == 0);
  CHECK(f.produce(idem_batch(2000, 0, 0, 1)).error_code == 0);
  CHECK(f.produce(idem_batch(2000, 0, 1, 1)).error_code == 0);
  auto dup = f.produce(idem_batch(2000, 0, INT32_MAX - 1, 2));
  CHECK(dup.error_code == 0);
  CHECK(dup.base_offset == 0);
  CHECK(f.end() == 4);
  // Producer id -1: appended every time.
  CHECK(f.produce(make_batch(BatchSpec{})).base_offset == 4);
  CHECK(f.produce(make_batch(BatchSpec{})).base_offset == 5);
}

TEST_CASE("a follower answers NOT_LEADER_OR_FOLLOWER, naming the leader and its endpoint from v10") {
  Fixture f;
  const std::int32_t old = f.leader();
  f.cluster.move_leader("t", 0);
  const std::int32_t now = f.leader();
  auto r = f.cluster.handle_produce(old, produce_one("t", 0, make_batch(BatchSpec{})), 10);
  const auto& p = only_partition(r);
  CHECK(p.error_code == code(kafka_errc::not_leader_or_follower));
  REQUIRE(p.current_leader);
  CHECK(p.current_leader->leader_id == now);
  CHECK(p.current_leader->leader_epoch == 1);
  REQUIRE(r.node_endpoints.size() == 1);
  CHECK(r.node_endpoints[0].node_id == now);
  CHECK(r.node_endpoints[0].host == "broker-" + std::to_string(now) + ".sim");
  CHECK(f.end() == 0);
  // Before v10 there is no hint.
  auto v9 = f.cluster.handle_produce(old, produce_one("t", 0, make_batch(BatchSpec{})), 9);
  CHECK_FALSE(only_partition(v9).current_leader);
  CHECK(v9.node_endpoints.empty());
}

TEST_CASE("a partition without a leader: the hint says leader -1 and names no endpoint") {
  SimCluster c(SimRng(1), 3, 1);  // one replica per partition
  c.create_topic("solo", 1);
  const std::int32_t only = c.partition("solo", 0)->leader;
  const std::int32_t other = only == 1 ? 2 : 1;
  c.broker_down(only);
  CHECK(c.partition("solo", 0)->leader == -1);
  auto r = c.handle_produce(other, produce_one("solo", 0, make_batch(BatchSpec{})), 12);
  CHECK(only_partition(r).error_code == code(kafka_errc::not_leader_or_follower));
  REQUIRE(only_partition(r).current_leader);
  CHECK(only_partition(r).current_leader->leader_id == -1);
  CHECK(only_partition(r).current_leader->leader_epoch == 1);
  CHECK(r.node_endpoints.empty());
}

TEST_CASE("unknown topics and partitions, by name and by id (v13)") {
  Fixture f;
  auto by_name = f.cluster.handle_produce(f.leader(), produce_one("nope", 0, make_batch(BatchSpec{})), 9);
  CHECK(only_partition(by_name).error_code == code(kafka_errc::unknown_topic_or_partition));
  CHECK(by_name.topics[0].name == "nope");
  auto bad_partition = f.cluster.handle_produce(f.leader(), produce_one("t", 7, make_batch(BatchSpec{})), 9);
  CHECK(only_partition(bad_partition).error_code == code(kafka_errc::unknown_topic_or_partition));

  const auto id = f.cluster.topic("t")->id;
  auto v13 = f.cluster.handle_produce(f.leader(), produce_one("", 0, make_batch(BatchSpec{}), -1, id), 13);
  CHECK(only_partition(v13).error_code == 0);
  CHECK(v13.topics[0].topic_id == id);
  f.cluster.recreate_topic("t", 2);
  auto stale = f.cluster.handle_produce(f.leader(), produce_one("", 0, make_batch(BatchSpec{}), -1, id), 13);
  CHECK(only_partition(stale).error_code == code(kafka_errc::unknown_topic_id));
  // By name the new incarnation answers: an empty log, offsets from 0 again.
  CHECK(f.produce(make_batch(BatchSpec{})).base_offset == 0);
}

TEST_CASE("a damaged CRC is CORRUPT_MESSAGE, too large is MESSAGE_TOO_LARGE, nothing is appended") {
  Fixture f;
  auto bytes = make_batch(BatchSpec{}.count(2));
  bytes.back() ^= 0x01;
  CHECK(f.produce(bytes).error_code == code(kafka_errc::corrupt_message));
  auto ok = make_batch(BatchSpec{}.count(2));
  f.cluster.set_max_message_bytes("t", static_cast<std::int32_t>(ok.size()) - 1);
  CHECK(f.produce(ok).error_code == code(kafka_errc::message_too_large));
  f.cluster.set_max_message_bytes("t", static_cast<std::int32_t>(ok.size()));
  CHECK(f.produce(ok).error_code == 0);
  CHECK(f.end() == 2);
}

TEST_CASE("the request's shape: one magic-2 batch per partition, no zstd before v7, valid acks") {
  Fixture f;
  auto one = make_batch(BatchSpec{});
  auto two = one;
  two.insert(two.end(), one.begin(), one.end());
  CHECK(f.produce(two).error_code == code(kafka_errc::invalid_record));
  CHECK(f.produce({}).error_code == code(kafka_errc::invalid_record));
  auto zstd = make_batch(BatchSpec{}.compressed(Compression::zstd));
  CHECK(f.produce(zstd, 0, -1, 6).error_code == code(kafka_errc::unsupported_compression_type));
  CHECK(f.produce(zstd, 0, -1, 7).error_code == 0);
  CHECK(f.produce(one, 0, 2).error_code == code(kafka_errc::invalid_required_acks));
  CHECK(f.end() == 1);
}

TEST_CASE("injected faults: NOT_ENOUGH_REPLICAS writes nothing and the after-append ones write and still fail") {
  Fixture f;
  f.cluster.inject("t", 0, PartitionFault::not_enough_replicas);
  f.cluster.inject("t", 0, PartitionFault::not_enough_replicas_after_append);
  f.cluster.inject("t", 0, PartitionFault::request_timed_out);
  // acks=1 does not wait for replicas: the faults stay armed.
  CHECK(f.produce(make_batch(BatchSpec{}), 0, 1).error_code == 0);
  CHECK(f.produce(make_batch(BatchSpec{})).error_code == code(kafka_errc::not_enough_replicas));
  CHECK(f.end() == 1);
  auto after = f.produce(make_batch(BatchSpec{}));
  CHECK(after.error_code == code(kafka_errc::not_enough_replicas_after_append));
  CHECK(after.base_offset == 1);
  CHECK(f.end() == 2);
  auto timed_out = f.produce(make_batch(BatchSpec{}));
  CHECK(timed_out.error_code == code(kafka_errc::request_timed_out));
  CHECK(f.end() == 3);
  CHECK(f.produce(make_batch(BatchSpec{})).error_code == 0);
}

TEST_CASE("injected faults of older brokers apply to idempotent batches only and write nothing") {
  Fixture f;
  f.cluster.inject("t", 0, PartitionFault::duplicate_sequence_number);
  f.cluster.inject("t", 0, PartitionFault::unknown_producer_id);
  CHECK(f.produce(make_batch(BatchSpec{})).error_code == 0);  // no producer id: untouched
  CHECK(f.produce(idem_batch(5, 0, 0)).error_code == code(kafka_errc::duplicate_sequence_number));
  CHECK(f.produce(idem_batch(5, 0, 0)).error_code == code(kafka_errc::unknown_producer_id));
  CHECK(f.produce(idem_batch(5, 0, 0)).error_code == 0);
  CHECK(f.end() == 2);
}

TEST_CASE("a broker before 2.5 refuses an unknown producer id unless it starts at sequence 0") {
  Fixture f;
  CHECK(f.produce(idem_batch(5, 0, 3)).error_code == 0);  // current brokers: any sequence
  f.cluster.set_pre_kip360(true);
  CHECK(f.produce(idem_batch(6, 0, 3)).error_code == code(kafka_errc::unknown_producer_id));
  CHECK(f.end() == 1);
  CHECK(f.produce(idem_batch(6, 0, 0)).error_code == 0);
  CHECK(f.produce(idem_batch(6, 0, 1)).error_code == 0);  // known now: sequences as usual
  CHECK(f.produce(idem_batch(5, 0, 4)).error_code == 0);
  CHECK(f.end() == 4);
}

TEST_CASE("throttle_next sets throttle_time_ms on the node's next answer only") {
  Fixture f;
  f.cluster.throttle_next(f.leader(), 250);
  CHECK(f.cluster.handle_produce(f.leader(), produce_one("t", 0, make_batch(BatchSpec{})), 9).throttle_time_ms == 250);
  CHECK(f.cluster.handle_produce(f.leader(), produce_one("t", 0, make_batch(BatchSpec{})), 9).throttle_time_ms == 0);
}

TEST_CASE("transactional batches are refused: transactions are not simulated") {
  Fixture f;
  sluice::protocol::RecordBatchBuilder b;
  b.set_transactional(true);
  b.append(1, std::nullopt, sluice::protocol::as_bytes("v"));
  b.finish();
  b.set_producer_state(9, 0, 0);
  CHECK(f.produce(b.release()).error_code == code(kafka_errc::invalid_txn_state));
  CHECK(f.end() == 0);
}
