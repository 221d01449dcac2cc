// RecordPlacer on a fake clock, what ends or outlives placement: purge,
// fail_all, idle topics forgotten, the next wake-up, record timestamps.
// The rig is record_placer_rig.hpp; placement itself is record_placer_test.cpp.
#include "record_placer_rig.hpp"

using namespace placer_rig;

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
