// The producer's delivery guarantees against a real Kafka broker: acks,
// sync sends, idempotence, and blocking calls from a delivery callback.
// What each report says is checked against the log as kcat reads it and,
// for idempotence, the batches the broker wrote (DumpLogSegments).
#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "kafka_tools.hpp"
#include "producer_behaviour.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using namespace sluice::test::behaviour;

namespace {

namespace kafka = sluice::test::kafka;
using sluice::test::ConsumedRecord;

// kcat's records by value (values are unique in these tests); each value
// must appear once.
std::map<std::string, ConsumedRecord> by_value(const std::vector<ConsumedRecord>& consumed) {
  std::map<std::string, ConsumedRecord> out;
  for (const auto& c : consumed) {
    REQUIRE(c.value.has_value());
    INFO("value " << *c.value << " read twice");
    REQUIRE(out.emplace(*c.value, c).second);
  }
  return out;
}

// Records sent with value_of(i), i < n, each reported once on `partition`
// of the report: kcat must find each exactly once, on that partition, and
// each partition's records in send order (offsets rising with i).
// `offsets_known`: the reports' offsets must be where kcat found them.
void check_log_matches_reports(const std::vector<ConsumedRecord>& consumed, const ReportsByIndex& reports,
                               std::size_t n, bool offsets_known) {
  REQUIRE(consumed.size() == n);
  const auto found = by_value(consumed);
  std::map<std::int32_t, std::int64_t> last_offset;  // per partition, in send order
  for (std::size_t i = 0; i < n; ++i) {
    INFO("record " << i);
    const auto& rep = reports.at(i).front().report;
    auto it = found.find(value_of(i));
    REQUIRE(it != found.end());
    const ConsumedRecord& c = it->second;
    CHECK(c.key == key_of(i));
    CHECK(c.partition == rep.partition);
    if (offsets_known) CHECK(c.offset == rep.offset);
    auto prev = last_offset.find(c.partition);
    if (prev != last_offset.end()) CHECK(c.offset > prev->second);
    last_offset[c.partition] = c.offset;
  }
}

// Record i's report: exactly one, and a success.
const sluice::DeliveryReport& require_one_success(const ReportsByIndex& got, std::size_t i) {
  REQUIRE(got.at(i).size() == 1);
  const auto& rep = got.at(i).front().report;
  INFO(rep.error_message);
  REQUIRE_FALSE(rep.error);
  return rep;
}

void produce_with_acks(const std::string& acks) {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("acks-" + acks);
  constexpr int kPartitions = 3;
  constexpr std::size_t kRecords = 300;
  kafka::require_create_topic(bootstrap, topic, kPartitions);

  Reports reports;
  {
    // acks 0 and 1 turn idempotence (left at its default) off, with a notice.
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"acks", acks}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, std::nullopt, key_of(i), value_of(i)), reports.callback(i));
    }
    REQUIRE(producer.flush(60s) == 0);
  }
  const auto got = reports.snapshot();
  REQUIRE(got.size() == kRecords);
  std::set<std::int32_t> partitions_used;
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    const auto& rep = require_one_success(got, i);
    CHECK(rep.topic == topic);
    REQUIRE(rep.partition >= 0);
    REQUIRE(rep.partition < kPartitions);
    partitions_used.insert(rep.partition);
    if (acks == "0") {
      CHECK(rep.offset == -1);
    } else {
      CHECK(rep.offset >= 0);
    }
  }
  CHECK(partitions_used.size() == static_cast<std::size_t>(kPartitions));

  std::vector<ConsumedRecord> consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  if (acks == "0") {
    // With acks=0 a report means "written to the socket": the broker may
    // append a moment later. Read again until everything is there.
    const auto deadline = Clock::now() + 30s;
    while (consumed.size() < kRecords && Clock::now() < deadline) {
      consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
    }
  }
  check_log_matches_reports(consumed, got, kRecords, acks != "0");
}

}  // namespace

// ------------------------------------------------------------------ acks

TEST_CASE("acks 0: records in per-partition order, offsets -1") { produce_with_acks("0"); }

TEST_CASE("acks 1: records in per-partition order, offsets match") { produce_with_acks("1"); }

TEST_CASE("acks all: records in per-partition order, offsets match") { produce_with_acks("all"); }

// ------------------------------------------------------------------ sync

TEST_CASE("producer.type sync: send() returns after its callback ran") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("sync-type");
  const auto caller = std::this_thread::get_id();
  struct Seen {
    std::mutex mu;
    int calls = 0;
    std::thread::id thread;
    sluice::DeliveryReport report;
  };
  std::vector<std::shared_ptr<Seen>> seen;  // outlive the producer
  {
    // linger.ms=60000: a sync send must not wait it out.
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", bootstrap}, {"producer.type", "sync"}, {"linger.ms", "60000"}}));
    for (int i = 0; i < 3; ++i) {
      INFO("send " << i);
      auto s = std::make_shared<Seen>();
      seen.push_back(s);
      const auto t0 = Clock::now();
      producer.send(make_record(topic, 0, key_of(static_cast<std::size_t>(i)), value_of(static_cast<std::size_t>(i))),
                    [s](const sluice::DeliveryReport& r) {
                      std::lock_guard lock(s->mu);
                      ++s->calls;
                      s->thread = std::this_thread::get_id();
                      s->report = r;
                    });
      const auto took = ms_since(t0);
      std::lock_guard lock(s->mu);
      REQUIRE(s->calls == 1);  // before send() returned
      CHECK(s->thread == caller);
      INFO(s->report.error_message);
      REQUIRE_FALSE(s->report.error);
      CHECK(s->report.partition == 0);
      CHECK(s->report.offset == i);
      CHECK(took < 30000);  // well under linger.ms
    }
    // The future form is sync too: ready when send() returns.
    auto future = producer.send(make_record(topic, 0, key_of(3), value_of(3)));
    REQUIRE(future.wait_for(0s) == std::future_status::ready);
    auto r3 = future.get();
    INFO(r3.error_message);
    REQUIRE_FALSE(r3.error);
    CHECK(r3.offset == 3);
    auto r4 = producer.send_sync(make_record(topic, 0, key_of(4), value_of(4)));
    INFO(r4.error_message);
    REQUIRE_FALSE(r4.error);
    CHECK(r4.offset == 4);
  }
  for (const auto& s : seen) {
    std::lock_guard lock(s->mu);
    CHECK(s->calls == 1);  // and never again
  }
  auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 5);
  for (std::size_t i = 0; i < consumed.size(); ++i) {
    CHECK(consumed[i].offset == static_cast<std::int64_t>(i));
    CHECK(consumed[i].value == value_of(i));
  }
}

TEST_CASE("send_sync does not wait out linger.ms") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string lingering_topic = sluice::test::unique_topic("linger-async");
  const std::string sync_topic = sluice::test::unique_topic("linger-sync");
  Reports lingering;
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "60000"}}));
  producer.send(make_record(lingering_topic, 0, key_of(0), value_of(0)), lingering.callback(0));
  const auto t0 = Clock::now();
  const auto rep = producer.send_sync(make_record(sync_topic, 0, key_of(1), value_of(1)));
  const auto took = ms_since(t0);
  const std::size_t lingering_reports = lingering.total();
  INFO(rep.error_message);
  REQUIRE_FALSE(rep.error);
  CHECK(rep.topic == sync_topic);
  CHECK(rep.partition == 0);
  CHECK(rep.offset == 0);
  CHECK(took < 30000);
  // The async record sent before it, with the same linger, still waits.
  CHECK(lingering_reports == 0);
  REQUIRE(producer.flush(60s) == 0);
  auto got = lingering.snapshot();
  REQUIRE(got.at(0).size() == 1);
  INFO(got.at(0).front().report.error_message);
  CHECK_FALSE(got.at(0).front().report.error);
  CHECK(got.at(0).front().report.offset == 0);
}

// ------------------------------------------------------------------ idempotence

TEST_CASE("idempotent producer: every record once, in order") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("idempotent");
  constexpr int kPartitions = 4;
  constexpr std::size_t kRecords = 3000;
  kafka::require_create_topic(bootstrap, topic, kPartitions);
  Reports reports;
  {
    sluice::Producer producer(
        sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, std::nullopt, key_of(i), value_of(i)), reports.callback(i));
    }
    REQUIRE(producer.flush(120s) == 0);
  }
  auto got = reports.snapshot();
  REQUIRE(got.size() == kRecords);
  std::map<std::int32_t, std::int64_t> per_partition;
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    const auto& rep = require_one_success(got, i);
    CHECK(rep.offset >= 0);
    ++per_partition[rep.partition];
  }
  CHECK(per_partition.size() == static_cast<std::size_t>(kPartitions));
  check_log_matches_reports(sluice::test::consume_all_with_kcat(bootstrap, topic), got, kRecords, true);

  // On the wire: every batch carries the same producer id and epoch, and
  // each partition's sequence numbers run from 0 without gaps.
  std::optional<std::int64_t> producer_id;
  std::optional<std::int16_t> epoch;
  for (int p = 0; p < kPartitions; ++p) {
    auto batches = kafka::require_log_batches(topic, p);
    std::int64_t sequence = 0;
    for (std::size_t b = 0; b < batches.size(); ++b) {
      INFO("partition " << p << " batch " << b);
      CHECK(batches[b].valid);
      CHECK(batches[b].producer_id >= 0);
      if (!producer_id) producer_id = batches[b].producer_id;
      if (!epoch) epoch = batches[b].producer_epoch;
      CHECK(batches[b].producer_id == *producer_id);
      CHECK(batches[b].producer_epoch == *epoch);
      CHECK(batches[b].base_sequence == sequence);
      CHECK(batches[b].last_sequence == sequence + batches[b].count - 1);
      sequence += batches[b].count;
    }
    INFO("partition " << p);
    CHECK(sequence == per_partition[p]);
  }
}

TEST_CASE("enable.idempotence true with acks 1 is a ConfigError") {
  try {
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", kUnreachable}, {"enable.idempotence", "true"}, {"acks", "1"}}));
    FAIL("expected a ConfigError");
  } catch (const sluice::ConfigError& e) {
    INFO(e.what());
    CHECK(e.property() == "enable.idempotence");
    CHECK(std::string(e.what()).find("enable.idempotence") != std::string::npos);
    CHECK(std::string(e.what()).find("acks") != std::string::npos);
  }
}

// ------------------------------------------------------------------ callbacks

TEST_CASE("send_sync from a delivery callback: would_deadlock") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("sync-in-callback");
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    int calls = 0;
    sluice::DeliveryReport first;
    sluice::DeliveryReport nested;
    std::int64_t nested_took = -1;
  } state;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}));
    producer.send(make_record(topic, 0, "first", "first"), [&](const sluice::DeliveryReport& r) {
      const auto t0 = Clock::now();
      auto nested = producer.send_sync(make_record(topic, 0, "nested", "nested"));
      const auto took = ms_since(t0);
      std::lock_guard lock(state.mu);
      ++state.calls;
      state.first = r;
      state.nested = nested;
      state.nested_took = took;
      state.done = true;
      state.cv.notify_all();
    });
    {
      std::unique_lock lock(state.mu);
      REQUIRE(state.cv.wait_for(lock, 60s, [&] { return state.done; }));
    }
    REQUIRE(producer.flush(60s) == 0);
  }
  std::lock_guard lock(state.mu);
  CHECK(state.calls == 1);
  INFO(state.first.error_message);
  CHECK_FALSE(state.first.error);
  INFO(state.nested.error_message);
  CHECK(state.nested.error == sluice::errc::would_deadlock);
  CHECK(state.nested_took < 1000);  // at once
  // The refused record was not sent.
  auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 1);
  CHECK(consumed[0].value == "first");
}

// ------------------------------------------------- delivery.report.only.error

// librdkafka's delivery.report.only.error: the send() callback hears of
// failed records only. Acknowledged records still count for flush() (it
// returns 0 once they are in), for the statistics, and for futures; kcat
// reads them back. The same sends without the setting call back every time
// (the control: the count below would catch a filter that never applies).
TEST_CASE("delivery.report.only.error: callbacks for failures only, flush and futures still see every record") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("only-errors");
  auto calls_for = [&](const std::string& only_errors, int first) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto failed = std::make_shared<std::atomic<int>>(0);
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", bootstrap}, {"delivery.report.only.error", only_errors}, {"max.request.size", "10000"}}));
    for (int i = first; i < first + 10; ++i) {
      const auto n = static_cast<std::size_t>(i);
      producer.send(make_record(topic, 0, key_of(n), value_of(n)), [calls](const sluice::DeliveryReport&) { ++*calls; });
    }
    // Over max.request.size: fails at once, before send() returns.
    sluice::Record big = make_record(topic, 0, key_of(99), std::string(20000, 'x'));
    producer.send(std::move(big), [calls, failed](const sluice::DeliveryReport& r) {
      ++*calls;
      if (r.error) ++*failed;
    });
    CHECK(*failed == 1);
    auto future = producer.send(make_record(topic, 0, key_of(static_cast<std::size_t>(100 + first)), value_of(static_cast<std::size_t>(100 + first))));
    CHECK(producer.flush(30s) == 0);
    REQUIRE(future.wait_for(0s) == std::future_status::ready);
    const auto r = future.get();
    INFO(r.error_message);
    CHECK_FALSE(r.error);
    CHECK(producer.statistics_json().find("\"acknowledged\":11") != std::string::npos);
    producer.close(5s);
    return calls->load();
  };
  CHECK(calls_for("true", 0) == 1);     // the failed record only
  CHECK(calls_for("false", 10) == 11);  // the control: every record
  CHECK(sluice::test::consume_all_with_kcat(bootstrap, topic).size() == 22);
}
