// The producer's documented behaviour against a real Kafka broker: acks,
// sync sends, batching as seen in the broker's own log files, splitting on
// MESSAGE_TOO_LARGE, buffer bounds, purge(), close(), idempotence, and
// blocking calls from a delivery callback.
//
// Delivery callbacks only record (under a mutex) and the test thread
// asserts: Catch2 is not thread-safe. Nothing sleeps for a fixed time;
// waits are on conditions with deadlines.
#include <catch2/catch.hpp>
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
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

namespace kafka = sluice::test::kafka;
using sluice::test::ConsumedRecord;

// Nothing listens on port 1 of loopback.
constexpr const char* kUnreachable = "127.0.0.1:1";

std::int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// Delivery reports by record index, filled from the I/O thread.
class Reports {
 public:
  struct Entry {
    sluice::DeliveryReport report;
    std::thread::id thread;
  };

  sluice::DeliveryCallback callback(std::size_t index) {
    return [this, index](const sluice::DeliveryReport& r) {
      std::lock_guard lock(mu_);
      by_index_[index].push_back({r, std::this_thread::get_id()});
      ++total_;
      cv_.notify_all();
    };
  }
  // Waits until at least `n` reports arrived in all; false at the deadline.
  bool wait_total(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return total_ >= n; });
  }
  std::size_t total() {
    std::lock_guard lock(mu_);
    return total_;
  }
  std::size_t count(std::size_t index) {
    std::lock_guard lock(mu_);
    auto it = by_index_.find(index);
    return it == by_index_.end() ? 0 : it->second.size();
  }
  std::map<std::size_t, std::vector<Entry>> snapshot() {
    std::lock_guard lock(mu_);
    return by_index_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::size_t, std::vector<Entry>> by_index_;
  std::size_t total_ = 0;
};

// Holds the producer's I/O thread inside one delivery callback until the
// test opens it. While it is held, the record whose callback it is still
// counts against buffer.memory (its space is freed after its callback
// returns) and the I/O thread fails nothing else, so the buffer stays
// exactly as full as the test makes it. Bounded: it opens by itself after
// 60 s, so a failing test cannot hang on it.
class Gate {
 public:
  sluice::DeliveryCallback callback() {
    return [this](const sluice::DeliveryReport& r) {
      std::unique_lock lock(mu_);
      report_ = r;
      entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, 60s, [this] { return open_; });
    };
  }
  bool wait_entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return entered_; });
  }
  std::optional<sluice::DeliveryReport> report() {
    std::lock_guard lock(mu_);
    return report_;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
  std::optional<sluice::DeliveryReport> report_;
};

// Opens the gate when the test ends, also on a failed REQUIRE; declared
// after the producer, so it runs before the producer's destructor.
struct GateOpener {
  Gate& gate;
  ~GateOpener() { gate.open(); }
};

sluice::Record make_record(const std::string& topic, std::optional<std::int32_t> partition, std::string key,
                           std::string value) {
  sluice::Record r;
  r.topic = topic;
  r.partition = partition;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

std::string value_of(std::size_t i) { return "value-" + std::to_string(i); }
std::string key_of(std::size_t i) { return "key-" + std::to_string(i); }

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
void check_log_matches_reports(const std::vector<ConsumedRecord>& consumed,
                               const std::map<std::size_t, std::vector<Reports::Entry>>& reports, std::size_t n,
                               bool offsets_known) {
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
    REQUIRE(got.at(i).size() == 1);
    const auto& rep = got.at(i).front().report;
    INFO(rep.error_message);
    REQUIRE_FALSE(rep.error);
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
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i << ": " << got.at(i).front().report.error_message);
    REQUIRE(got.at(i).size() == 1);
    REQUIRE_FALSE(got.at(i).front().report.error);
    CHECK(got.at(i).front().report.offset == static_cast<std::int64_t>(i));
  }
  auto batches = kafka::require_log_batches(topic, 0);
  REQUIRE(batches.size() == 5);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    INFO("batch " << b);
    CHECK(batches[b].valid);
    CHECK(batches[b].count == 10);
    CHECK(batches[b].base_offset == static_cast<std::int64_t>(10 * b));
  }
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
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i << ": " << got.at(i).front().report.error_message);
    REQUIRE(got.at(i).size() == 1);
    REQUIRE_FALSE(got.at(i).front().report.error);
    CHECK(got.at(i).front().report.offset == static_cast<std::int64_t>(i));
  }
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
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i << ": " << got.at(i).front().report.error_message);
    REQUIRE(got.at(i).size() == 1);
    REQUIRE_FALSE(got.at(i).front().report.error);
    CHECK(got.at(i).front().report.offset == static_cast<std::int64_t>(i));
    CHECK(waited[i] >= 200);  // the record waited out linger.ms before it was sent
  }
  auto batches = kafka::require_log_batches(topic, 0);
  REQUIRE(batches.size() == kRecords);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    INFO("batch " << b);
    CHECK(batches[b].valid);
    CHECK(batches[b].count == 1);
    CHECK(batches[b].base_offset == static_cast<std::int64_t>(b));
  }
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

// ------------------------------------------------------------------ buffer.memory

TEST_CASE("buffer full with max.block.ms 0: send fails at once") {
  const std::string topic = "buffer-full";
  const auto caller = std::this_thread::get_id();
  Gate gate;
  Reports reports;
  sluice::Producer producer(sluice::Config::from_map(
      {{"bootstrap.servers", kUnreachable}, {"buffer.memory", "1024"}, {"max.block.ms", "0"}}));
  GateOpener opener{gate};
  // With max.block.ms=0 a record cannot wait for metadata either: the first
  // one fails at once on the I/O thread, which the gate then holds, so it
  // keeps its buffer space and nothing else is freed meanwhile.
  producer.send(make_record(topic, std::nullopt, "gate", std::string(200, 'g')), gate.callback());
  REQUIRE(gate.wait_entered(30s));
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
  const std::string topic = "buffer-full";
  const auto caller = std::this_thread::get_id();
  Gate gate;
  Reports reports;
  sluice::Producer producer(sluice::Config::from_map(
      {{"bootstrap.servers", kUnreachable}, {"buffer.memory", "1024"}, {"max.block.ms", "300"}}));
  GateOpener opener{gate};
  // The gate record fails after 300 ms without metadata; the gate then
  // holds the I/O thread, so no buffer space is freed while send() blocks.
  producer.send(make_record(topic, std::nullopt, "gate", std::string(200, 'g')), gate.callback());
  REQUIRE(gate.wait_entered(30s));
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
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    REQUIRE(got[i].size() == 1);
    INFO(got[i].front().report.error_message);
    CHECK(got[i].front().report.error == sluice::errc::purged);
    CHECK_FALSE(got[i].front().report.outcome_unknown);
  }
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
  for (std::size_t i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    REQUIRE(got[i].size() == 1);
    INFO(got[i].front().report.error_message);
    CHECK(got[i].front().report.error == sluice::errc::closed);
    CHECK_FALSE(got[i].front().report.outcome_unknown);
  }
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
    REQUIRE(got.at(i).size() == 1);
    const auto& rep = got.at(i).front().report;
    INFO(rep.error_message);
    REQUIRE_FALSE(rep.error);
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
