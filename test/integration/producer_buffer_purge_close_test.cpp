// What happens to records the producer has not sent yet: a full
// buffer.memory (send fails at once, or blocks up to max.block.ms), purge()
// and close(). Most of these need no broker: they produce to an address
// where nothing listens.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "producer_behaviour.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using namespace sluice::test::behaviour;

namespace {

// A producer with a 1024-byte buffer.memory and no broker whose I/O thread
// is held (by the gate) in the failure report of a first 200-byte record:
// that record keeps its buffer space and nothing else is freed until the
// gate opens, so the buffer stays exactly as full as the test makes it.
// How long the gate record takes to fail is max.block.ms: a record cannot
// wait for metadata longer than that either.
struct GatedBuffer {
  const std::string topic = "buffer-full";
  const std::thread::id caller = std::this_thread::get_id();  // the test's thread, which sends
  Gate gate;
  Reports reports;
  sluice::Producer producer;
  GateOpener opener{gate};  // after the producer: opens the gate before the producer's destructor runs

  explicit GatedBuffer(const std::string& max_block_ms)
      : producer(sluice::Config::from_map(
            {{"bootstrap.servers", kUnreachable}, {"buffer.memory", "1024"}, {"max.block.ms", max_block_ms}})) {
    producer.send(make_record(topic, std::nullopt, "gate", std::string(200, 'g')), gate.callback());
    REQUIRE(gate.wait_entered(30s));
  }
};

// Records 0..n-1 each got exactly one report: failed with `expected`, and
// definitely not written (not outcome_unknown).
void check_each_failed_once(ReportsByIndex& got, std::size_t n, sluice::errc expected) {
  for (std::size_t i = 0; i < n; ++i) {
    INFO("record " << i);
    REQUIRE(got[i].size() == 1);
    INFO(got[i].front().report.error_message);
    CHECK(got[i].front().report.error == expected);
    CHECK_FALSE(got[i].front().report.outcome_unknown);
  }
}

}  // namespace

// ------------------------------------------------------------------ buffer.memory

TEST_CASE("buffer full with max.block.ms 0: send fails at once") {
  // With max.block.ms=0 the gate record fails at once on the I/O thread.
  GatedBuffer held("0");
  auto& [topic, caller, gate, reports, producer, opener] = held;
  std::size_t accepted = 0;
  std::vector<std::int64_t> took;
  constexpr std::size_t kSends = 10;
  for (std::size_t i = 0; i < kSends; ++i) {
    const auto t0 = Clock::now();
    producer.send(make_record(topic, std::nullopt, key_of(i), std::string(200, 'v')), reports.callback(i));
    took.push_back(ms_since(t0));
    if (reports.count(i) == 0) {
      INFO("send " << i << " was accepted after an earlier one was refused");
      REQUIRE(accepted == i);  // accepted ones come first, then the buffer is full
      ++accepted;
    }
  }
  // 1024 bytes hold at most 5 values of 200 bytes (gate included), and
  // at least 3 with their overhead.
  CHECK(accepted >= 2);
  CHECK(accepted <= 4);
  REQUIRE(accepted < kSends);
  auto got = reports.snapshot();
  for (std::size_t i = accepted; i < kSends; ++i) {
    INFO("send " << i);
    REQUIRE(got[i].size() == 1);  // delivered before send() returned
    const auto& e = got[i].front();
    INFO(e.report.error_message);
    CHECK(e.report.error == sluice::errc::queue_full);
    CHECK_FALSE(e.report.outcome_unknown);
    CHECK(e.report.topic == topic);
    CHECK(e.thread == caller);
    CHECK(took[i] < 200);  // at once, no blocking
  }
  gate.open();
  // The accepted ones fail on their own (no broker, max.block.ms=0); every
  // record has exactly one report, and the buffer is empty again.
  REQUIRE(producer.flush(30s) == 0);
  got = reports.snapshot();
  for (std::size_t i = 0; i < accepted; ++i) {
    INFO("send " << i);
    REQUIRE(got[i].size() == 1);
    INFO(got[i].front().report.error_message);
    CHECK(got[i].front().report.error == sluice::errc::no_broker_available);
  }
  for (std::size_t i = accepted; i < kSends; ++i) CHECK(got[i].size() == 1);
  auto gate_report = gate.report();
  REQUIRE(gate_report);
  CHECK(gate_report->error == sluice::errc::no_broker_available);
  // Space freed: a send is no longer refused for a full buffer.
  auto after = producer.send(make_record(topic, std::nullopt, "after", std::string(200, 'a')));
  REQUIRE(after.wait_for(30s) == std::future_status::ready);
  auto after_report = after.get();
  INFO(after_report.error_message);
  CHECK(after_report.error == sluice::errc::no_broker_available);
}

TEST_CASE("buffer full with max.block.ms 300: send blocks, then fails") {
  // The gate record fails after 300 ms without metadata, and no buffer
  // space is freed while send() blocks.
  GatedBuffer held("300");
  auto& [topic, caller, gate, reports, producer, opener] = held;
  std::size_t accepted = 0;
  std::optional<std::size_t> refused;
  std::int64_t refused_took = -1;
  for (std::size_t i = 0; i < 10 && !refused; ++i) {
    const auto t0 = Clock::now();
    producer.send(make_record(topic, std::nullopt, key_of(i), std::string(200, 'v')), reports.callback(i));
    const auto took = ms_since(t0);
    if (reports.count(i) == 0) {
      ++accepted;
    } else {
      refused = i;
      refused_took = took;
    }
  }
  REQUIRE(refused);
  CHECK(accepted >= 2);
  CHECK(accepted <= 4);
  auto got = reports.snapshot();
  const auto& e = got.at(*refused).front();
  INFO(e.report.error_message);
  CHECK(e.report.error == sluice::errc::queue_full);
  CHECK_FALSE(e.report.outcome_unknown);
  CHECK(e.thread == caller);
  // It blocked for max.block.ms before failing (and not for ever).
  CHECK(refused_took >= 200);
  CHECK(refused_took < 10000);
  gate.open();
  REQUIRE(producer.flush(30s) == 0);
  got = reports.snapshot();
  for (std::size_t i = 0; i <= *refused; ++i) {
    INFO("send " << i);
    REQUIRE(got[i].size() == 1);
    if (i < *refused) CHECK(got[i].front().report.error == sluice::errc::no_broker_available);
  }
}

// ------------------------------------------------------------------ purge

TEST_CASE("purge() with an unreachable broker reports each record once") {
  constexpr std::size_t kRecords = 25;
  constexpr std::size_t kLater = 5;
  const auto t_topic = std::string("purge-nowhere");
  Reports reports;
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", kUnreachable}}));
  for (std::size_t i = 0; i < kRecords; ++i) {
    producer.send(make_record(t_topic, std::nullopt, key_of(i), value_of(i)), reports.callback(i));
  }
  CHECK(producer.purge() == kRecords);
  REQUIRE(reports.wait_total(kRecords, 10s));
  auto got = reports.snapshot();
  check_each_failed_once(got, kRecords, sluice::errc::purged);
  // Later sends are still accepted (not refused at once) and wait again.
  for (std::size_t i = kRecords; i < kRecords + kLater; ++i) {
    producer.send(make_record(t_topic, std::nullopt, key_of(i), value_of(i)), reports.callback(i));
    INFO("record " << i);
    CHECK(reports.count(i) == 0);
  }
  CHECK(producer.purge() == kLater);
  REQUIRE(reports.wait_total(kRecords + kLater, 10s));
  got = reports.snapshot();
  for (std::size_t i = 0; i < kRecords + kLater; ++i) {
    INFO("record " << i);
    REQUIRE(got[i].size() == 1);
    CHECK(got[i].front().report.error == sluice::errc::purged);
  }
}

TEST_CASE("purge() drops lingering records: none reach the log") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("purge-linger");
  constexpr std::size_t kRecords = 20;
  Reports reports;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "60000"}}));
    // A sync send first, so the topic's metadata is known and the records
    // below sit in their batch (linger.ms) rather than wait for metadata.
    auto marker = producer.send_sync(make_record(topic, 0, "marker", "marker"));
    INFO(marker.error_message);
    REQUIRE_FALSE(marker.error);
    REQUIRE(marker.offset == 0);
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, 0, key_of(i), value_of(i)), reports.callback(i));
    }
    CHECK(producer.purge() == kRecords);
    REQUIRE(reports.wait_total(kRecords, 10s));
    auto after = producer.send_sync(make_record(topic, 0, "after", "after"));
    INFO(after.error_message);
    REQUIRE_FALSE(after.error);
    CHECK(after.offset == 1);
  }
  auto got = reports.snapshot();
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    REQUIRE(got[i].size() == 1);
    CHECK(got[i].front().report.error == sluice::errc::purged);
    CHECK_FALSE(got[i].front().report.outcome_unknown);
  }
  auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 2);
  CHECK(consumed[0].value == "marker");
  CHECK(consumed[1].value == "after");
}

// ------------------------------------------------------------------ close

TEST_CASE("close() with the broker unreachable fails each record once") {
  constexpr std::size_t kRecords = 10;
  const std::string topic = "close-nowhere";
  const auto caller = std::this_thread::get_id();
  Reports reports;
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", kUnreachable}}));
  for (std::size_t i = 0; i < kRecords; ++i) {
    producer.send(make_record(topic, std::nullopt, key_of(i), value_of(i)), reports.callback(i));
  }
  const auto t0 = Clock::now();
  producer.close(500ms);
  const auto took = ms_since(t0);
  CHECK(took < 10000);
  // close() returns once every record has its report.
  auto got = reports.snapshot();
  REQUIRE(got.size() == kRecords);
  check_each_failed_once(got, kRecords, sluice::errc::closed);
  // A send after close fails at once, on the calling thread.
  producer.send(make_record(topic, std::nullopt, "late", "late"), reports.callback(kRecords));
  got = reports.snapshot();
  REQUIRE(got[kRecords].size() == 1);
  CHECK(got[kRecords].front().report.error == sluice::errc::closed);
  CHECK(got[kRecords].front().thread == caller);
  auto future = producer.send(make_record(topic, std::nullopt, "late", "late"));
  REQUIRE(future.wait_for(0s) == std::future_status::ready);
  CHECK(future.get().error == sluice::errc::closed);
  // Nothing is reported twice, also not by the destructor's close().
  CHECK(reports.total() == kRecords + 1);
}
