// How the producer batches, as seen in the broker's own log files
// (DumpLogSegments): batches closed by batch.num.messages, by batch.size and
// by linger.ms, and a batch the broker refuses with MESSAGE_TOO_LARGE split
// so that only the big record fails.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker_env.hpp"
#include "kafka_tools.hpp"
#include "producer_behaviour.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using namespace sluice::test::behaviour;

namespace {

namespace kafka = sluice::test::kafka;

// Records 0..n-1, all sent to partition 0, each reported once, without an
// error, at the offset of its place in the send order.
void require_acknowledged_in_send_order(const ReportsByIndex& got, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    INFO("record " << i << ": " << got.at(i).front().report.error_message);
    REQUIRE(got.at(i).size() == 1);
    REQUIRE_FALSE(got.at(i).front().report.error);
    CHECK(got.at(i).front().report.offset == static_cast<std::int64_t>(i));
  }
}

// The broker's log of `topic`-0 holds exactly `batches` valid batches of
// `records_each` records, one after the other from offset 0.
void require_equal_batches_in_log(const std::string& topic, std::size_t batches, std::int32_t records_each) {
  const auto found = kafka::require_log_batches(topic, 0);
  REQUIRE(found.size() == batches);
  for (std::size_t b = 0; b < found.size(); ++b) {
    INFO("batch " << b);
    CHECK(found[b].valid);
    CHECK(found[b].count == records_each);
    CHECK(found[b].base_offset == static_cast<std::int64_t>(records_each * b));
  }
}

}  // namespace

// ------------------------------------------------------------------ batches on the wire

TEST_CASE("batch.num.messages: the log holds batches of exactly that many") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("batch-count");
  constexpr std::size_t kRecords = 50;
  Reports reports;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap},
                                                        {"batch.num.messages", "10"},
                                                        {"linger.ms", "60000"},
                                                        {"batch.size", "1000000"}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, 0, key_of(i), value_of(i)), reports.callback(i));
    }
    // Every batch is full by count: all are sent without flush() and long
    // before linger.ms (60 s) would send them.
    REQUIRE(reports.wait_total(kRecords, 30s));
  }
  auto got = reports.snapshot();
  require_acknowledged_in_send_order(got, kRecords);
  require_equal_batches_in_log(topic, 5, 10);
}

TEST_CASE("batch.size: batches fill up to it and never exceed it") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("batch-size");
  constexpr std::size_t kRecords = 100;
  constexpr std::int64_t kBatchSize = 1024;
  // A 100-byte value with a key of at most 7 bytes takes at most this many
  // bytes in a batch (length, attributes, deltas, key/value lengths, header count).
  constexpr std::int64_t kMaxRecordBytes = 100 + 7 + 20;
  Reports reports;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap},
                                                        {"batch.size", std::to_string(kBatchSize)},
                                                        {"linger.ms", "60000"},
                                                        {"batch.num.messages", "1000000"}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, 0, key_of(i), std::string(100, static_cast<char>('a' + i % 26))),
                    reports.callback(i));
    }
    // Fewer than 10 such records fit in 1024 bytes: every batch but the
    // last (still lingering) is full by size and sent without flush().
    REQUIRE(reports.wait_total(kRecords - 10, 30s));
    REQUIRE(producer.flush(60s) == 0);
  }
  auto got = reports.snapshot();
  REQUIRE(got.size() == kRecords);
  require_acknowledged_in_send_order(got, kRecords);
  auto batches = kafka::require_log_batches(topic, 0);
  REQUIRE(batches.size() >= 2);
  std::int64_t records = 0;
  for (std::size_t b = 0; b < batches.size(); ++b) {
    INFO("batch " << b << " of " << batches.size() << ": " << batches[b].count << " records, " << batches[b].size
                  << " bytes");
    CHECK(batches[b].valid);
    CHECK(batches[b].base_offset == records);
    CHECK(batches[b].size <= kBatchSize);
    if (b + 1 < batches.size()) {
      CHECK(batches[b].count > 1);
      CHECK(batches[b].size + kMaxRecordBytes > kBatchSize);  // the next record did not fit
    }
    records += batches[b].count;
  }
  CHECK(records == static_cast<std::int64_t>(kRecords));
}

TEST_CASE("linger.ms: a slow trickle gives batches of one record") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("batch-linger");
  constexpr std::size_t kRecords = 5;
  Reports reports;
  std::vector<std::int64_t> waited;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "200"}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      const auto t0 = Clock::now();
      producer.send(make_record(topic, 0, key_of(i), value_of(i)), reports.callback(i));
      INFO("record " << i);
      REQUIRE(reports.wait_total(i + 1, 30s));
      waited.push_back(ms_since(t0));
    }
  }
  auto got = reports.snapshot();
  require_acknowledged_in_send_order(got, kRecords);
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    CHECK(waited[i] >= 200);  // the record waited out linger.ms before it was sent
  }
  require_equal_batches_in_log(topic, kRecords, 1);
}

// ------------------------------------------------------------------ MESSAGE_TOO_LARGE

TEST_CASE("MESSAGE_TOO_LARGE: the big record fails alone") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("too-large");
  kafka::require_create_topic(bootstrap, topic, 1, {{"max.message.bytes", "2000"}});
  // 4 small, 1 big, 4 small: one batch (well under batch.size and
  // max.request.size), which the broker refuses as a whole.
  constexpr std::size_t kRecords = 9;
  constexpr std::size_t kBig = 4;
  auto value = [](std::size_t i) {
    return i == kBig ? std::string(5000, 'B') : std::string(300, static_cast<char>('a' + i));
  };
  Reports reports;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "60000"}}));
    for (std::size_t i = 0; i < kRecords; ++i) {
      producer.send(make_record(topic, 0, key_of(i), value(i)), reports.callback(i));
    }
    REQUIRE(producer.flush(60s) == 0);
  }
  auto got = reports.snapshot();
  REQUIRE(got.size() == kRecords);
  std::int64_t next_offset = 0;
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    REQUIRE(got.at(i).size() == 1);
    const auto& rep = got.at(i).front().report;
    INFO(rep.error_message);
    if (i == kBig) {
      REQUIRE(rep.error);
      CHECK(std::string(rep.error.category().name()) == "kafka");
      CHECK(rep.error_message.find("MESSAGE_TOO_LARGE") != std::string::npos);
      CHECK_FALSE(rep.outcome_unknown);
    } else {
      REQUIRE_FALSE(rep.error);
      CHECK(rep.offset == next_offset++);  // its neighbours are written in send order
    }
  }
  auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == kRecords - 1);
  std::size_t c = 0;
  for (std::size_t i = 0; i < kRecords; ++i) {
    if (i == kBig) continue;
    INFO("record " << i);
    CHECK(consumed[c].key == key_of(i));
    CHECK(consumed[c].value == value(i));
    CHECK(consumed[c].offset == got.at(i).front().report.offset);
    ++c;
  }
}

