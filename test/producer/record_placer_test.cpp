// RecordPlacer on a fake clock: records from a taken inbox into their
// partitions' batches (send order, explicit partitions, Java's murmur2 for
// keys, a user partitioner), or kept until they can be (parked whole,
// waiting as Records, beyond the partition count) and ended when they
// cannot (max.block.ms, refused topics, bad partitions, purge, close).
// No sockets, no sleeps: time is a Clock::time_point passed in, metadata a
// MetadataCache fed MetadataResponse values.
#include "record_placer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/errors.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using Catch::Contains;
using sluice::DeliveryReport;
using sluice::Record;
using sluice::protocol::kafka_errc;
using sluice::protocol::MetadataResponse;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1h;  // the fake clock
constexpr std::int64_t kWall0 = 1'700'000'000'000;      // wall ms at t0
constexpr auto kMaxBlock = 10s;

std::int64_t wall(Clock::time_point t) {
  return kWall0 + std::chrono::duration_cast<std::chrono::milliseconds>(t - t0).count();
}

// Every callback appends its record's name here when called.
std::vector<std::string> g_fired;
sluice::DeliveryCallback named(std::string name) {
  return [name](const DeliveryReport&) { g_fired.push_back(name); };
}
std::vector<std::string> names_of(const std::vector<sluice::DeliveryCallback>& callbacks) {
  g_fired.clear();
  for (const auto& cb : callbacks) {
    if (cb) cb(DeliveryReport{});
  }
  return g_fired;
}
using Names = std::vector<std::string>;

MetadataResponse::Topic topic_meta(const std::string& name, std::int32_t partitions, std::int16_t error = 0,
                                   std::uint8_t id = 1) {
  MetadataResponse::Topic t;
  t.name = name;
  t.error_code = error;
  t.topic_id.bytes[15] = id;
  for (std::int32_t i = 0; i < partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = i;
    p.leader_id = 1;
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  return t;
}

MetadataResponse metadata(std::vector<MetadataResponse::Topic> topics) {
  MetadataResponse m;
  m.brokers = {{1, "b1", 9092, std::nullopt}};
  m.topics = std::move(topics);
  return m;
}

Record rec(const std::string& topic, std::optional<std::int32_t> partition = std::nullopt,
           std::optional<std::string> key = std::nullopt, std::optional<std::int64_t> timestamp = std::nullopt) {
  Record r;
  r.topic = topic;
  r.partition = partition;
  r.key = std::move(key);
  r.value = "v";
  r.timestamp_ms = timestamp;
  return r;
}

PlacerOptions placer_options() {
  PlacerOptions o;
  o.max_block = kMaxBlock;
  o.metadata_max_idle = 60s;
  o.bootstrap_servers = "b1:9092,b2:9092";
  return o;
}

AccumulatorOptions accumulator_options() {
  AccumulatorOptions o;
  o.batch_size = 1 << 20;  // one batch per partition in these tests
  o.batch_num_messages = 1000;
  o.linger = 100ms;
  o.delivery_timeout = 120s;
  return o;
}

struct Rig {
  explicit Rig(PlacerOptions o = placer_options())
      : placer(std::move(o), accumulator, partitioner, cache) {}

  void send(const Record& r, const std::string& name, std::size_t reserved = 10, bool urgent = false,
            std::uint64_t generation = 0) {
    inbox.push(r, named(name), reserved, urgent, generation);
  }
  void take(Clock::time_point now, bool place_now = true, bool promised = false) {
    placer.place_taken(inbox, promised, now, wall(now), place_now, out);
  }
  void place_waiting(Clock::time_point now) { placer.place_waiting(now, wall(now), out); }
  void update(const MetadataResponse& m) { REQUIRE(cache.update(m).empty()); }

  // The records (by name) in tp's first batch, in order.
  Names batch(const std::string& topic, std::int32_t partition) {
    const ProducerBatch* b = accumulator.head(TopicPartition{topic, partition});
    if (b == nullptr) return {};
    return names_of(b->callbacks);
  }
  // Names of the records ended so far (in order); clears them.
  Names take_ended() {
    std::vector<sluice::DeliveryCallback> cbs;
    for (auto& e : out.ended) cbs.push_back(e.callback);
    out.ended.clear();
    return names_of(cbs);
  }

  RecordAccumulator accumulator{accumulator_options()};
  sluice::partitioner::Partitioner partitioner{sluice::partitioner::PartitionerOptions{}};
  sluice::net::MetadataCache cache;
  RecordPlacer placer;
  Inbox inbox;
  PlacerActions out;
};

}  // namespace

TEST_CASE("records of a topic with metadata go into their partitions' batches in send order") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 3)}));
  rig.send(rec("t", 0), "a", 10, false, 1);
  rig.send(rec("t", 1), "b", 20, true, 1);
  rig.send(rec("t", 0), "c", 30, false, 2);
  rig.send(rec("t", 2), "d");
  rig.send(rec("t", 0), "e", 40, false, 2);
  rig.take(t0);
  CHECK(rig.inbox.empty());
  CHECK(rig.out.ended.empty());
  CHECK_FALSE(rig.out.metadata_wanted);
  CHECK(rig.batch("t", 0) == Names{"a", "c", "e"});
  CHECK(rig.batch("t", 1) == Names{"b"});
  CHECK(rig.batch("t", 2) == Names{"d"});
  CHECK(rig.accumulator.queued_batches() == 3);
  const ProducerBatch* p0 = rig.accumulator.head(TopicPartition{"t", 0});
  REQUIRE(p0 != nullptr);
  CHECK(p0->reserved_bytes == 80);
  CHECK(p0->generations == std::vector<std::uint64_t>{1, 2, 2});
  CHECK_FALSE(p0->urgent);
  CHECK(rig.accumulator.head(TopicPartition{"t", 1})->urgent);  // a sync send: no linger
  CHECK(p0->created == t0);
  CHECK_FALSE(rig.placer.topic_in_use("other"));
  CHECK(rig.placer.topic_in_use("t"));  // batches queued
}

TEST_CASE("keyed records are placed by the Java client's murmur2 hash over all partitions") {
  Rig rig;
  auto m = metadata({topic_meta("t", 3)});
  m.topics[0].partitions[1].leader_id = -1;  // no leader now: a key keeps its partition anyway
  rig.update(m);
  // murmur2 & 0x7fffffff % 3, as kafka-clients' BuiltInPartitioner.partitionForKey.
  rig.send(rec("t", std::nullopt, "21"), "k0");                        // 0xc5f2f8ec -> 0
  rig.send(rec("t", std::nullopt, "kafka"), "k1");                     // 0xd067cf64 -> 1
  rig.send(rec("t", std::nullopt, "a-little-bit-long-string"), "k2");  // 0xc53b1da0 -> 2
  rig.send(rec("t", std::nullopt, "kafka"), "k1b");
  rig.send(rec("t", 2, "kafka"), "explicit");  // an explicit partition wins over the key
  rig.take(t0);
  CHECK(rig.out.ended.empty());
  CHECK(rig.batch("t", 0) == Names{"k0"});
  CHECK(rig.batch("t", 1) == Names{"k1", "k1b"});
  CHECK(rig.batch("t", 2) == Names{"k2", "explicit"});

  // Many keys: each lands where the partitioner's own Java hash says.
  Rig many;
  many.update(metadata({topic_meta("t", 7)}));
  for (int i = 0; i < 200; ++i) many.send(rec("t", std::nullopt, "key-" + std::to_string(i)), std::to_string(i));
  many.take(t0);
  std::vector<Names> expected(7);
  for (int i = 0; i < 200; ++i) {
    const std::string key = "key-" + std::to_string(i);
    expected[static_cast<std::size_t>(
                 sluice::partitioner::java_keyed_partition(sluice::protocol::as_bytes(key), 7))]
        .push_back(std::to_string(i));
  }
  for (std::int32_t p = 0; p < 7; ++p) {
    INFO("partition " << p);
    CHECK(many.batch("t", p) == expected[static_cast<std::size_t>(p)]);
  }
}

TEST_CASE("a topic without metadata parks the whole inbox, placed later in send order, parked before new") {
  Rig rig;
  rig.send(rec("t", 0), "a");
  rig.send(rec("t", 0), "b");
  rig.take(t0);
  CHECK(rig.inbox.empty());
  CHECK(rig.inbox.byte_capacity() == 0);  // parked whole: swapped out, not copied
  CHECK(rig.out.ended.empty());
  CHECK(rig.accumulator.empty());
  CHECK(rig.placer.topic_in_use("t"));
  CHECK(rig.placer.next_wakeup(t0) == t0 + kMaxBlock);

  // Still no metadata: new records park behind the parked ones.
  rig.send(rec("t", 0), "c");
  rig.take(t0 + 1ms);
  CHECK(rig.accumulator.empty());
  // place_waiting does not place parked records, and asks for metadata.
  rig.place_waiting(t0 + 2ms);
  CHECK(rig.out.metadata_wanted);
  CHECK(rig.accumulator.empty());

  rig.update(metadata({topic_meta("t", 1)}));
  SECTION("the next take places them, even with an empty inbox") {
    rig.take(t0 + 5ms);
    CHECK(rig.batch("t", 0) == Names{"a", "b", "c"});
  }
  SECTION("records sent after the metadata arrived go behind the parked ones") {
    rig.send(rec("t", 0), "d");
    rig.take(t0 + 5ms);
    CHECK(rig.batch("t", 0) == Names{"a", "b", "c", "d"});
  }
  CHECK(rig.out.ended.empty());
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 5ms));  // nothing kept any more
}

TEST_CASE("records of a topic without metadata park one by one while other topics flow") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 1)}));
  rig.send(rec("t", 0), "t1");
  rig.send(rec("u", 0), "u1");
  rig.send(rec("t", 0), "t2");
  rig.send(rec("u", 0), "u2");
  rig.take(t0);
  CHECK(rig.batch("t", 0) == Names{"t1", "t2"});
  CHECK(rig.batch("u", 0).empty());
  CHECK(rig.placer.topic_in_use("u"));
  rig.update(metadata({topic_meta("u", 1)}));
  rig.send(rec("u", 0), "u3");
  rig.take(t0 + 1ms);
  CHECK(rig.batch("u", 0) == Names{"u1", "u2", "u3"});
  CHECK(rig.out.ended.empty());
}

TEST_CASE("place_now=false keeps every record waiting as a Record, placed in order by place_waiting") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", 0), "a");
  rig.send(rec("t", 1), "b");
  rig.take(t0, /*place_now=*/false);
  CHECK(rig.accumulator.empty());
  CHECK(rig.out.ended.empty());
  CHECK(rig.placer.topic_in_use("t"));
  CHECK(rig.placer.next_wakeup(t0) == t0 + kMaxBlock);
  // Later records, although the topic has metadata, wait behind them.
  rig.send(rec("t", 0), "c");
  rig.take(t0 + 1ms);
  CHECK(rig.accumulator.empty());
  rig.place_waiting(t0 + 2ms);
  CHECK(rig.batch("t", 0) == Names{"a", "c"});
  CHECK(rig.batch("t", 1) == Names{"b"});
  CHECK(rig.out.ended.empty());
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 2ms));
}

TEST_CASE("an explicit partition beyond the count waits, its partition's later records behind it, others flow") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", 5), "a5");
  rig.send(rec("t", 0), "b0");
  rig.send(rec("t", 5), "c5");
  rig.send(rec("t", 1), "d1");
  rig.take(t0);
  CHECK(rig.out.metadata_wanted);
  CHECK(rig.out.ended.empty());
  CHECK(rig.batch("t", 0) == Names{"b0"});
  CHECK(rig.batch("t", 1) == Names{"d1"});
  CHECK(rig.placer.topic_in_use("t"));
  CHECK(rig.placer.next_wakeup(t0) == t0 + kMaxBlock);

  // Not listed yet: place_waiting keeps them, in order.
  rig.out = {};
  rig.place_waiting(t0 + 1ms);
  CHECK(rig.out.metadata_wanted);
  CHECK(rig.batch("t", 5).empty());

  // Partitions added: a record for partition 5 taken before place_waiting
  // runs still goes behind the ones waiting for it.
  rig.update(metadata({topic_meta("t", 6)}));
  rig.send(rec("t", 5), "e5");
  rig.send(rec("t", 3), "f3");
  rig.take(t0 + 2ms);
  CHECK(rig.batch("t", 5).empty());
  CHECK(rig.batch("t", 3) == Names{"f3"});
  rig.place_waiting(t0 + 3ms);
  CHECK(rig.batch("t", 5) == Names{"a5", "c5", "e5"});
  CHECK(rig.out.ended.empty());
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 3ms));
}

TEST_CASE("a partition still not listed after max.block.ms ends with invalid_partition naming the count") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", 5), "a5");
  rig.take(t0);
  rig.send(rec("t", 7), "b7");
  rig.take(t0 + 1s);
  rig.placer.expire(t0 + kMaxBlock - 1ms, "", rig.out);
  CHECK(rig.out.ended.empty());
  rig.placer.expire(t0 + kMaxBlock, "", rig.out);
  REQUIRE(rig.out.ended.size() == 1);
  const RecordEnd& e = rig.out.ended[0];
  CHECK(e.error == sluice::errc::invalid_partition);
  CHECK(e.topic == "t");
  CHECK(e.partition == 5);
  CHECK(e.reserved == 10);
  CHECK_THAT(e.message, Contains("partition 5 of topic 't'") && Contains("the topic has 2 partitions"));
  CHECK(rig.take_ended() == Names{"a5"});
  CHECK(rig.placer.next_wakeup(t0 + kMaxBlock) == t0 + 1s + kMaxBlock);
  rig.placer.expire(t0 + 1s + kMaxBlock, "", rig.out);
  CHECK(rig.take_ended() == Names{"b7"});
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 1s + kMaxBlock));
}

TEST_CASE("waiting records past max.block.ms end: unknown_topic for a topic in error, no_broker_available without metadata") {
  SECTION("the topic is in the metadata with a retriable error") {
    Rig rig;
    rig.update(metadata({topic_meta("t", 0, static_cast<std::int16_t>(kafka_errc::unknown_topic_or_partition))}));
    rig.send(rec("t"), "a");
    rig.take(t0);
    rig.placer.unpark(t0 + kMaxBlock - 1ms, rig.out);
    rig.placer.expire(t0 + kMaxBlock - 1ms, "refused", rig.out);
    CHECK(rig.out.ended.empty());  // retriable: it waits out max.block.ms
    rig.placer.unpark(t0 + kMaxBlock, rig.out);
    CHECK(rig.out.ended.empty());
    rig.placer.expire(t0 + kMaxBlock, "refused", rig.out);
    REQUIRE(rig.out.ended.size() == 1);
    CHECK(rig.out.ended[0].error == sluice::errc::unknown_topic);
    CHECK_THAT(rig.out.ended[0].message, Contains("topic 't'") && Contains("UNKNOWN_TOPIC_OR_PARTITION") &&
                                             Contains("max.block.ms (10000 ms)"));
  }
  SECTION("no metadata at all: names bootstrap.servers and the last connection failure") {
    Rig rig;
    rig.send(rec("t"), "a");
    rig.take(t0);
    rig.placer.unpark(t0 + kMaxBlock, rig.out);
    rig.placer.expire(t0 + kMaxBlock, "b1:9092: connection refused", rig.out);
    REQUIRE(rig.out.ended.size() == 1);
    CHECK(rig.out.ended[0].error == sluice::errc::no_broker_available);
    CHECK_THAT(rig.out.ended[0].message, Contains("bootstrap.servers=b1:9092,b2:9092") &&
                                             Contains("last connection failure: b1:9092: connection refused"));
  }
  SECTION("no metadata and no connection failure known") {
    Rig rig;
    rig.send(rec("t"), "a");
    rig.take(t0);
    rig.placer.unpark(t0 + kMaxBlock, rig.out);
    rig.placer.expire(t0 + kMaxBlock, "", rig.out);
    REQUIRE(rig.out.ended.size() == 1);
    CHECK(rig.out.ended[0].error == sluice::errc::no_broker_available);
    CHECK_THAT(rig.out.ended[0].message, !Contains("last connection failure"));
  }
}

TEST_CASE("unpark moves only parked records past max.block.ms to waiting, and order holds") {
  Rig rig;
  rig.send(rec("t", 0), "a");
  rig.take(t0);
  rig.send(rec("t", 0), "b");
  rig.take(t0 + 1s);
  rig.placer.unpark(t0 + kMaxBlock, rig.out);  // a waits as a Record now, b stays parked
  CHECK(rig.out.ended.empty());
  SECTION("expire ends only the record past max.block.ms") {
    rig.placer.expire(t0 + kMaxBlock, "", rig.out);
    CHECK(rig.take_ended() == Names{"a"});
    CHECK(rig.placer.next_wakeup(t0 + kMaxBlock) == t0 + 1s + kMaxBlock);
    rig.update(metadata({topic_meta("t", 1)}));
    rig.take(t0 + kMaxBlock + 1ms);
    CHECK(rig.batch("t", 0) == Names{"b"});
  }
  SECTION("metadata arrives: the waiting record goes first, the parked one behind it") {
    rig.update(metadata({topic_meta("t", 1)}));
    rig.send(rec("t", 0), "c");
    rig.take(t0 + kMaxBlock + 1ms);  // b (parked) and c go behind a (waiting)
    CHECK(rig.accumulator.empty());
    rig.place_waiting(t0 + kMaxBlock + 2ms);
    CHECK(rig.batch("t", 0) == Names{"a", "b", "c"});
    CHECK(rig.out.ended.empty());
  }
}

TEST_CASE("a refused topic's records end at once with its error and the remedy, other topics flow") {
  Rig rig;
  rig.update(metadata({topic_meta("secret", 0, static_cast<std::int16_t>(kafka_errc::topic_authorization_failed)),
                       topic_meta("t", 1)}));
  rig.send(rec("secret"), "s1");
  rig.send(rec("t", 0), "t1");
  rig.send(rec("secret", 0), "s2");
  rig.take(t0);
  CHECK(rig.batch("t", 0) == Names{"t1"});
  rig.placer.unpark(t0, rig.out);  // long before max.block.ms
  REQUIRE(rig.out.ended.size() == 2);
  const auto authz = sluice::protocol::kafka_error(static_cast<std::int16_t>(kafka_errc::topic_authorization_failed));
  for (const auto& e : rig.out.ended) {
    CHECK(e.error == authz);
    CHECK(e.topic == "secret");
    CHECK_THAT(e.message, Contains("TOPIC_AUTHORIZATION_FAILED") && Contains("grant this principal WRITE"));
  }
  CHECK(rig.take_ended() == Names{"s1", "s2"});
  CHECK_FALSE(rig.placer.topic_in_use("secret"));
  CHECK_FALSE(rig.placer.next_wakeup(t0));

  SECTION("records waiting as Records end too, at place_waiting") {
    rig.send(rec("secret"), "s3");
    rig.take(t0 + 1ms, /*place_now=*/false);
    rig.place_waiting(t0 + 2ms);
    CHECK(rig.take_ended() == Names{"s3"});
  }
  SECTION("another non-retriable error has no ACL remedy") {
    rig.update(metadata({topic_meta("bad", 0, static_cast<std::int16_t>(kafka_errc::invalid_topic_exception))}));
    rig.send(rec("bad"), "b1");
    rig.take(t0 + 1ms);
    rig.placer.unpark(t0 + 1ms, rig.out);
    REQUIRE(rig.out.ended.size() == 1);
    CHECK_THAT(rig.out.ended[0].message, Contains("INVALID_TOPIC_EXCEPTION") && !Contains("ACL"));
  }
}

TEST_CASE("a negative partition ends with invalid_partition") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", -3), "neg");
  rig.send(rec("t", 1), "ok");
  rig.take(t0);
  REQUIRE(rig.out.ended.size() == 1);
  CHECK(rig.out.ended[0].error == sluice::errc::invalid_partition);
  CHECK(rig.out.ended[0].partition == -3);
  CHECK_THAT(rig.out.ended[0].message, Contains("partition -3 of topic 't'"));
  CHECK_FALSE(rig.out.metadata_wanted);  // not a partition that may be added
  CHECK(rig.take_ended() == Names{"neg"});
  CHECK(rig.batch("t", 1) == Names{"ok"});
  CHECK_FALSE(rig.placer.next_wakeup(t0));
}

TEST_CASE("a user partitioner places records, and one out of range or throwing ends them with partitioner_failed") {
  std::vector<std::string> keys_seen;
  PlacerOptions o = placer_options();
  o.partitioner = [&keys_seen](const sluice::PartitionRequest& r) -> std::int32_t {
    keys_seen.push_back(r.key.value_or("<null>"));
    if (r.key == "throw") throw std::runtime_error("boom");
    if (r.key == "far") return r.partition_count;
    if (r.key == "neg") return -1;
    return r.partition_count - 1;
  };
  Rig rig(o);
  rig.update(metadata({topic_meta("orders", 4)}));
  rig.send(rec("orders", std::nullopt, "good"), "good");
  rig.send(rec("orders", std::nullopt, "far"), "far");
  rig.send(rec("orders", std::nullopt, "throw"), "throw");
  rig.send(rec("orders", std::nullopt, "neg"), "neg");
  rig.send(rec("orders", std::nullopt, std::nullopt), "null");
  rig.send(rec("orders", 0, "far"), "explicit");  // an explicit partition: the partitioner is not asked
  rig.take(t0);
  CHECK(keys_seen == std::vector<std::string>{"good", "far", "throw", "neg", "<null>"});
  CHECK(rig.batch("orders", 3) == Names{"good", "null"});
  CHECK(rig.batch("orders", 0) == Names{"explicit"});
  REQUIRE(rig.out.ended.size() == 3);
  for (const auto& e : rig.out.ended) {
    CHECK(e.error == sluice::errc::partitioner_failed);
    CHECK_THAT(e.message, Contains("topic 'orders'") && Contains("4 partitions"));
  }
  CHECK_THAT(rig.out.ended[0].message, Contains("returned 4"));
  CHECK_THAT(rig.out.ended[1].message, Contains("threw: boom"));
  CHECK_THAT(rig.out.ended[2].message, Contains("returned -1"));
  CHECK(rig.take_ended() == Names{"far", "throw", "neg"});
}

TEST_CASE("purge ends waiting and beyond records with purged and counts them") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", 9), "beyond");
  rig.take(t0);
  rig.send(rec("t", 0), "w1");
  rig.send(rec("u", 0), "w2");
  rig.take(t0 + 1ms, /*place_now=*/false);
  CHECK(rig.placer.purge(rig.out) == 3);
  REQUIRE(rig.out.ended.size() == 3);
  for (const auto& e : rig.out.ended) {
    CHECK(e.error == sluice::errc::purged);
    CHECK_THAT(e.message, Contains("purged"));
  }
  const auto ended = rig.take_ended();
  CHECK(ended.size() == 3);
  CHECK(std::find(ended.begin(), ended.end(), "beyond") != ended.end());
  CHECK(rig.placer.purge(rig.out) == 0);
  CHECK_FALSE(rig.placer.topic_in_use("t"));
  CHECK_FALSE(rig.placer.next_wakeup(t0));
  rig.place_waiting(t0 + 2ms);
  CHECK(rig.accumulator.empty());
}

TEST_CASE("fail_all ends every waiting and beyond record with the error given") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 2)}));
  rig.send(rec("t", 9), "beyond");
  rig.take(t0);
  rig.send(rec("u", 0), "waiting");
  rig.take(t0 + 1ms, /*place_now=*/false);
  rig.placer.fail_all(sluice::errc::closed, "the producer was closed", rig.out);
  REQUIRE(rig.out.ended.size() == 2);
  for (const auto& e : rig.out.ended) {
    CHECK(e.error == sluice::errc::closed);
    CHECK_THAT(e.message, Contains("the producer was closed"));
  }
  CHECK(rig.take_ended() == Names{"beyond", "waiting"});  // by topic name: t, then u
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 1ms));
  rig.placer.expire(t0 + kMaxBlock, "", rig.out);
  CHECK(rig.out.ended.empty());
}

TEST_CASE("forget_idle drops only topics unused for metadata.max.idle.ms with nothing of theirs kept") {
  Rig rig;  // metadata.max.idle.ms = 60 s
  rig.update(metadata({topic_meta("busy", 1), topic_meta("drained", 1), topic_meta("ended", 1),
                       topic_meta("recent", 1)}));
  rig.send(rec("busy", 0), "busy");      // its batch stays queued
  rig.send(rec("drained", 0), "drained");  // its batch goes and comes back
  rig.send(rec("ended", -1), "ended");   // ends at once
  rig.send(rec("parked", 0), "parked");  // no metadata: parked
  rig.send(rec("recent", 0), "recent");
  rig.take(t0);
  CHECK(rig.take_ended() == Names{"ended"});
  auto batch = rig.accumulator.take_head(TopicPartition{"drained", 0});
  REQUIRE(batch);
  CHECK(rig.placer.topic_in_use("drained"));  // in flight
  rig.accumulator.returned(TopicPartition{"drained", 0});
  CHECK_FALSE(rig.placer.topic_in_use("drained"));
  CHECK_FALSE(rig.placer.topic_in_use("ended"));
  CHECK(rig.placer.topic_in_use("busy"));
  CHECK(rig.placer.topic_in_use("parked"));
  CHECK(rig.placer.topic_names() == std::vector<std::string>{"busy", "drained", "ended", "parked", "recent"});

  rig.send(rec("recent", 0), "recent2");
  rig.take(t0 + 30s);
  CHECK(rig.placer.forget_idle(t0 + 60s - 1ms).empty());
  CHECK(rig.placer.forget_idle(t0 + 60s) == std::vector<std::string>{"drained", "ended"});
  CHECK(rig.placer.topic_names() == std::vector<std::string>{"busy", "parked", "recent"});
  CHECK(rig.placer.forget_idle(t0 + 90s - 1ms).empty());
  // recent's batch is still queued: in use, so kept even when idle that long.
  CHECK(rig.placer.forget_idle(t0 + 90s).empty());
  CHECK(rig.placer.has_topics());
}

TEST_CASE("next_wakeup is the earliest max.block.ms deadline of what is kept") {
  Rig rig;
  CHECK_FALSE(rig.placer.next_wakeup(t0));
  rig.update(metadata({topic_meta("t", 1)}));
  rig.send(rec("u", 0), "parked");
  rig.take(t0 + 3s);
  CHECK(rig.placer.next_wakeup(t0 + 3s) == t0 + 3s + kMaxBlock);
  rig.send(rec("t", 4), "beyond");
  rig.take(t0 + 4s);
  CHECK(rig.placer.next_wakeup(t0 + 4s) == t0 + 3s + kMaxBlock);
  rig.send(rec("w", 0), "waiting");
  rig.take(t0 + 5s, /*place_now=*/false);
  CHECK(rig.placer.next_wakeup(t0 + 5s) == t0 + 3s + kMaxBlock);
  rig.placer.unpark(t0 + 3s + kMaxBlock, rig.out);
  rig.placer.expire(t0 + 3s + kMaxBlock, "", rig.out);
  CHECK(rig.take_ended() == Names{"parked"});
  CHECK(rig.placer.next_wakeup(t0 + 3s + kMaxBlock) == t0 + 4s + kMaxBlock);
  rig.placer.expire(t0 + 4s + kMaxBlock, "", rig.out);
  CHECK(rig.placer.next_wakeup(t0 + 4s + kMaxBlock) == t0 + 5s + kMaxBlock);
  // Only future deadlines count.
  CHECK_FALSE(rig.placer.next_wakeup(t0 + 5s + kMaxBlock));
}

TEST_CASE("a record without a timestamp gets the wall time it was taken at, one with a timestamp keeps it") {
  Rig rig;
  rig.update(metadata({topic_meta("t", 1)}));
  SECTION("taken at once") {
    rig.take(t0);  // the previous take
    rig.send(rec("t", 0), "now");
    rig.send(rec("t", 0, std::nullopt, 42), "given");
    rig.take(t0 + 30ms);
    const ProducerBatch* b = rig.accumulator.head(TopicPartition{"t", 0});
    REQUIRE(b != nullptr);
    CHECK(b->timestamps == std::vector<std::int64_t>{kWall0 + 30, 42});
    CHECK(b->created == t0 + 30ms);
  }
  SECTION("promised: sent after the previous take, which is when their time starts") {
    rig.take(t0);  // the previous take
    rig.send(rec("t", 0), "now");
    rig.send(rec("t", 0, std::nullopt, 42), "given");
    rig.take(t0 + 30ms, true, /*promised=*/true);
    const ProducerBatch* b = rig.accumulator.head(TopicPartition{"t", 0});
    REQUIRE(b != nullptr);
    CHECK(b->timestamps == std::vector<std::int64_t>{kWall0, 42});
    CHECK(b->created == t0);
  }
  SECTION("parked records keep the time they were taken at, each its own") {
    Rig late;
    late.send(rec("t", 0), "a");
    late.take(t0);
    late.send(rec("t", 0), "b");
    late.take(t0 + 100ms);
    late.update(metadata({topic_meta("t", 1)}));
    late.send(rec("t", 0), "c");
    late.take(t0 + 500ms);
    const ProducerBatch* b = late.accumulator.head(TopicPartition{"t", 0});
    REQUIRE(b != nullptr);
    CHECK(names_of(b->callbacks) == Names{"a", "b", "c"});
    CHECK(b->timestamps == std::vector<std::int64_t>{kWall0, kWall0 + 100, kWall0 + 500});
    CHECK(b->created == t0);
  }
  SECTION("records placed by place_waiting keep the time they were taken at") {
    rig.send(rec("t", 0), "a");
    rig.take(t0 + 7ms, /*place_now=*/false);
    rig.place_waiting(t0 + 2s);
    const ProducerBatch* b = rig.accumulator.head(TopicPartition{"t", 0});
    REQUIRE(b != nullptr);
    CHECK(b->timestamps == std::vector<std::int64_t>{kWall0 + 7});
    CHECK(b->created == t0 + 7ms);
  }
}

TEST_CASE("a topic no longer sent to is forgotten after metadata.max.idle.ms, though the inbox still knows its name") {
  // An inbox keeps the names of the topics it staged (cleared, it keeps
  // them for the next pass): a later take of other topics' records must
  // neither keep such a topic in use nor bring it back once forgotten.
  Rig rig;  // metadata.max.idle.ms = 60 s
  rig.update(metadata({topic_meta("old", 1), topic_meta("new", 1)}));
  rig.send(rec("old", 0), "o");
  rig.take(t0);
  REQUIRE(rig.accumulator.take_head(TopicPartition{"old", 0}));
  rig.accumulator.returned(TopicPartition{"old", 0});  // acknowledged: nothing of "old" left
  SECTION("records of other topics taken meanwhile do not keep it in use") {
    rig.send(rec("new", 0), "n1");
    rig.take(t0 + 30s);
    CHECK(rig.inbox.topic_count() == 2);  // the premise: "old" is still named there
    CHECK(rig.placer.forget_idle(t0 + 60s) == std::vector<std::string>{"old"});
  }
  SECTION("records of other topics taken later do not bring it back") {
    CHECK(rig.placer.forget_idle(t0 + 60s) == std::vector<std::string>{"old"});
    rig.send(rec("new", 0), "n1");
    rig.take(t0 + 61s);
    CHECK(rig.inbox.topic_count() == 2);
    CHECK(rig.placer.topic_names() == std::vector<std::string>{"new"});
    CHECK(rig.batch("new", 0) == Names{"n1"});
  }
}
