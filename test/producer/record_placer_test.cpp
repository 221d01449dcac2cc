// RecordPlacer on a fake clock: records from a taken inbox into their
// partitions' batches (send order, explicit partitions, Java's murmur2 for
// keys, a user partitioner), or kept until they can be (parked whole,
// waiting as Records, beyond the partition count) and ended when they
// cannot (max.block.ms, refused topics, bad partitions; purge, close and
// the rest in record_placer_lifecycle_test.cpp). No sockets, no sleeps: time is a Clock::time_point passed in, metadata a
// MetadataCache fed MetadataResponse values.
#include "record_placer_rig.hpp"

using namespace placer_rig;

namespace {

// Every record of topic "t" taken at t0 is kept: none placed, none ended,
// the topic in use, the placer's wake-up at max.block.ms.
void check_all_kept(Rig& rig) {
  CHECK(rig.out.ended.empty());
  CHECK(rig.accumulator.empty());
  CHECK(rig.placer.topic_in_use("t"));
  CHECK(rig.placer.next_wakeup(t0) == t0 + kMaxBlock);
}

// The one record sent while no metadata ever came, ended past max.block.ms
// with `last_failure` as the last connection failure known.
RecordEnd ended_without_metadata(const std::string& last_failure) {
  Rig rig;
  rig.send(rec("t"), "a");
  rig.take(t0);
  rig.placer.unpark(t0 + kMaxBlock, rig.out);
  rig.placer.expire(t0 + kMaxBlock, last_failure, rig.out);
  REQUIRE(rig.out.ended.size() == 1);
  return rig.out.ended[0];
}

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
  check_all_kept(rig);

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
  check_all_kept(rig);
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
    const RecordEnd e = ended_without_metadata("b1:9092: connection refused");
    CHECK(e.error == sluice::errc::no_broker_available);
    CHECK_THAT(e.message, Contains("bootstrap.servers=b1:9092,b2:9092") &&
                              Contains("last connection failure: b1:9092: connection refused"));
  }
  SECTION("no metadata and no connection failure known") {
    const RecordEnd e = ended_without_metadata("");
    CHECK(e.error == sluice::errc::no_broker_available);
    CHECK_THAT(e.message, !Contains("last connection failure"));
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
  auto user = [&keys_seen](const sluice::PartitionRequest& r) -> std::int32_t {
    keys_seen.push_back(r.key.value_or("<null>"));
    if (r.key == "throw") throw std::runtime_error("boom");
    if (r.key == "far") return r.partition_count;
    if (r.key == "neg") return -1;
    return r.partition_count - 1;
  };
  Rig rig(placer_options(), user);
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
