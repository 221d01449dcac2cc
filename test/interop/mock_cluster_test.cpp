// Sluice against librdkafka's mock cluster (Debian's librdkafka 2.0.2, and
// the newest, 2.16, in one test): a second Kafka protocol server, written by
// other people, with its own version ranges (2.0.2: Metadata <= v2, Produce
// <= v7, InitProducerId <= v4) and its own answer to an ApiVersions version
// it does not know. Each test
// starts its own mock (mock_cluster.hpp), produces through the public API,
// and reads the records back with kcat, a consumer Sluice did not write,
// served by the mock's Fetch: on Debian's librdkafka and on the newest.
#include <catch2/catch.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker_env.hpp"
#include "mock_cluster.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

namespace {

struct Sent {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<sluice::Header> headers;
  std::string headers_as_kcat;  // kcat's %h: "k=v,k2=v2"
};

// `n` records: keys spread over partitions, some null keys and values,
// binary bytes, headers on every third.
std::vector<Sent> records(int n, const std::string& tag) {
  std::vector<Sent> out;
  for (int i = 0; i < n; ++i) {
    Sent s;
    if (i % 7 != 3) s.key = tag + "-key-" + std::to_string(i);
    if (i % 11 != 5) s.value = tag + std::string("\x00\xff\n", 3) + std::string(static_cast<std::size_t>(i * 13), 'v');
    if (i % 3 == 0) {
      s.headers = {{"h", "v" + std::to_string(i)}, {"second", "2"}};
      s.headers_as_kcat = "h=v" + std::to_string(i) + ",second=2";
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Delivered {
  std::size_t index;
  sluice::DeliveryReport report;
};

// Sends `sent` to `topic` through `producer` and flushes it; the reports
// (indexes from `first`), in no particular order, appended to `reports`.
void send_all(sluice::Producer& producer, const std::string& topic, const std::vector<Sent>& sent,
              std::vector<Delivered>& reports, std::size_t first = 0) {
  std::mutex mu;
  std::vector<Delivered> got;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    sluice::Record r;
    r.topic = topic;
    r.key = sent[i].key;
    r.value = sent[i].value;
    r.headers = sent[i].headers;
    producer.send(std::move(r), [&, i](const sluice::DeliveryReport& rep) {
      std::lock_guard lock(mu);
      got.push_back({first + i, rep});
    });
  }
  REQUIRE(producer.flush(20s) == 0);
  std::lock_guard lock(mu);
  reports.insert(reports.end(), got.begin(), got.end());
}

std::vector<Delivered> produce(const sluice::Config& config, const std::string& topic, const std::vector<Sent>& sent) {
  std::vector<Delivered> reports;
  sluice::Producer producer(config);
  send_all(producer, topic, sent, reports);
  return reports;
}

// Every record acknowledged, and kcat finds each one where its report says,
// byte for byte, with the report's timestamp, and nothing else.
void check_read_back(const std::string& bootstrap, const std::string& topic, const std::vector<Sent>& sent,
                     const std::vector<Delivered>& reports) {
  REQUIRE(reports.size() == sent.size());
  std::map<std::pair<std::int32_t, std::int64_t>, std::size_t> where;
  std::map<std::size_t, std::int64_t> timestamps;  // by record index
  for (const auto& d : reports) {
    INFO("record " << d.index << ": " << d.report.error_message);
    REQUIRE_FALSE(d.report.error);
    CHECK(d.report.offset >= 0);
    CHECK(d.report.timestamp_ms > 0);
    CHECK(where.emplace(std::pair{d.report.partition, d.report.offset}, d.index).second);
    timestamps[d.index] = d.report.timestamp_ms;
  }
  // Two readers: kcat on Debian's librdkafka (the mock's own version) and on
  // the newest (2.16 here, built by other hands from newer sources). Kafka's Java
  // consumer cannot read from the mock (docs/COMPATIBILITY.md says why).
  for (const std::string& library : {std::string(), sluice::test::newest_librdkafka_dir()}) {
    INFO("kcat on " << (library.empty() ? "Debian's librdkafka" : library));
    const auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic, library);
    REQUIRE(consumed.size() == sent.size());
    for (const auto& c : consumed) {
      INFO("partition " << c.partition << " offset " << c.offset);
      auto it = where.find({c.partition, c.offset});
      REQUIRE(it != where.end());
      const Sent& s = sent[it->second];
      CHECK(c.key == s.key);
      CHECK(c.value == s.value);
      CHECK(c.headers == s.headers_as_kcat);
      CHECK(c.timestamp == timestamps.at(it->second));  // the CreateTime the report gave
    }
  }
}

}  // namespace

TEST_CASE("interop: every codec, idempotence off and on, read back by kcat from librdkafka's mock cluster") {
  const std::vector<std::string> codecs{"none", "gzip", "snappy", "lz4", "zstd"};
  std::vector<std::string> topics;
  for (const auto& codec : codecs) {
    topics.push_back("plain-" + codec + ":3");
    topics.push_back("idem-" + codec + ":3");
  }
  sluice::test::MockCluster mock(3, topics);
  for (const bool idempotent : {false, true}) {
    for (const auto& codec : codecs) {
      const std::string topic = std::string(idempotent ? "idem-" : "plain-") + codec;
      INFO("topic " << topic);
      const auto sent = records(60, topic);
      const auto config = sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap()},
                                                    {"compression.type", codec},
                                                    {"enable.idempotence", idempotent ? "true" : "false"},
                                                    {"acks", idempotent ? "all" : "1"},
                                                    {"linger.ms", "5"},
                                                    {"max.block.ms", "10000"}});
      const auto before = wall_ms();
      const auto reports = produce(config, topic, sent);
      const auto after = wall_ms();
      check_read_back(mock.bootstrap(), topic, sent, reports);
      // The mock is said to answer Produce with log_append_time_ms 1234 (not
      // checked here); Sluice reports the record's CreateTime whatever the
      // answer says (it does not read log_append_time_ms), pinned down here.
      for (const auto& d : reports) {
        CHECK(d.report.timestamp_ms >= before);
        CHECK(d.report.timestamp_ms <= after);
      }
    }
  }
}

// librdkafka 2.16's mock (the confluent-kafka wheel's librdkafka hosting
// it) speaks newer ranges than Debian's: Metadata v13, flexible, whose answers
// end with one stray byte (docs/PROTOCOL.md, "Bytes after a response") that
// Sluice once refused, so it could not produce here at all.
TEST_CASE("interop: librdkafka 2.16's mock cluster: Metadata v13 with its stray byte, every codec, read back by kcat") {
  const std::vector<std::string> codecs{"none", "gzip", "snappy", "lz4", "zstd"};
  std::vector<std::string> topics;
  for (const auto& codec : codecs) topics.push_back("new-" + codec + ":3");
  sluice::test::MockCluster mock(3, topics, sluice::test::newest_librdkafka_dir());
  const std::string version = mock.librdkafka_version();
  INFO("the mock runs on librdkafka " << version);
  int major = 0, minor = 0;
  REQUIRE(std::sscanf(version.c_str(), "%d.%d", &major, &minor) == 2);
  REQUIRE(major * 100 + minor >= 216);  // not Debian's 2.0.2
  for (const auto& codec : codecs) {
    const std::string topic = "new-" + codec;
    INFO("topic " << topic);
    std::mutex log_mu;
    std::vector<std::string> log;
    sluice::ProducerOptions options;
    options.log_level = sluice::LogLevel::debug;
    options.log_sink = [&](sluice::LogLevel, std::string_view line) {
      std::lock_guard lock(log_mu);
      log.emplace_back(line);
    };
    const auto sent = records(60, topic);
    std::vector<Delivered> reports;
    {
      sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap()},
                                                          {"compression.type", codec},
                                                          {"enable.idempotence", "true"},
                                                          {"linger.ms", "5"},
                                                          {"max.block.ms", "10000"}}),
                                options);
      send_all(producer, topic, sent, reports);
    }
    check_read_back(mock.bootstrap(), topic, sent, reports);
    // The answers Sluice read were Metadata v13's, flexible, stray byte and all.
    std::lock_guard lock(log_mu);
    bool v13 = false;
    for (const auto& line : log) v13 |= line.find("API versions") != std::string::npos &&
                                       line.find("Metadata=v13") != std::string::npos;
    CHECK(v13);
  }
}

TEST_CASE("interop: a leader moved by the mock cluster is followed, and nothing is lost") {
  sluice::test::MockCluster mock(3, {"moving:2"});
  const auto config = sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap()},
                                                {"enable.idempotence", "true"},
                                                {"linger.ms", "5"},
                                                {"max.block.ms", "10000"},
                                                {"request.timeout.ms", "5000"},
                                                {"delivery.timeout.ms", "15000"},
                                                {"metadata.max.age.ms", "60000"}});
  // Known leaders first (the mock picks its own): the move below must change them.
  mock.set_leader("moving", 0, 1);
  mock.set_leader("moving", 1, 1);
  sluice::Producer producer(config);
  std::vector<Delivered> reports;
  auto sent = records(40, "before");
  send_all(producer, "moving", sent, reports);
  // Both partitions move to other brokers under the same producer: its
  // metadata still names the old leaders, which now answer
  // NOT_LEADER_OR_FOLLOWER; only by refreshing does it reach the new ones.
  mock.set_leader("moving", 0, 3);
  mock.set_leader("moving", 1, 2);
  const auto more = records(40, "after");
  send_all(producer, "moving", more, reports, sent.size());
  // The old leaders refused the first batches after the move (the mock
  // answers NOT_LEADER_OR_FOLLOWER), so records were retried: the move was
  // followed, not sidestepped by fresh metadata.
  const auto stats = boost::json::parse(producer.statistics_json());
  INFO(producer.statistics_json());
  CHECK(stats.at("sluice").at("records").at("retried").to_number<std::int64_t>() > 0);
  CHECK(stats.at("sluice").at("records").at("acknowledged").to_number<std::int64_t>() == 80);
  sent.insert(sent.end(), more.begin(), more.end());
  check_read_back(mock.bootstrap(), "moving", sent, reports);
}

TEST_CASE("interop: a mock without a Produce version Sluice speaks fails records at once, naming both ranges") {
  sluice::test::MockCluster mock(1, {"old:1"});
  mock.set_api_version(0, 0, 2);  // Produce v0-v2 only: below Sluice's floor (v3)
  // max.block.ms far beyond the test's patience: the records must not wait for it.
  const auto start = std::chrono::steady_clock::now();
  const auto reports = produce(
      sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap()}, {"max.block.ms", "60000"}}), "old",
      records(3, "x"));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 10s);  // one connection and one ApiVersions exchange, not max.block.ms
  REQUIRE(reports.size() == 3);
  for (const auto& d : reports) {
    INFO(d.report.error_message);
    CHECK(d.report.error == sluice::net::net_errc::no_common_version);
    CHECK_FALSE(d.report.outcome_unknown);  // definite: never sent
    // The broker is named once (by the connection), with both ranges and the remedy.
    CHECK_THAT(d.report.error_message,
               Catch::StartsWith("no broker speaks a version Sluice can use (broker " + mock.bootstrap() +
                                 ": Produce: no common version (broker 0-2, Sluice 3-13)): upgrade the brokers"));
    CHECK_THAT(d.report.error_message, Catch::Contains("topic 'old'"));
  }
}

TEST_CASE("interop: with another bootstrap broker not yet answering, records wait for it (max.block.ms)") {
  sluice::test::MockCluster mock(1, {"old:1"});
  mock.set_api_version(0, 0, 2);
  // 127.0.0.1:1 refuses connections: it has not said what it speaks, so it
  // might serve; the records wait for max.block.ms as for any missing broker.
  const auto start = std::chrono::steady_clock::now();
  const auto reports = produce(sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap() + ",127.0.0.1:1"},
                                                         {"max.block.ms", "1500"}}),
                               "old", records(2, "x"));
  CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
  REQUIRE(reports.size() == 2);
  for (const auto& d : reports) {
    INFO(d.report.error_message);
    CHECK(d.report.error == sluice::errc::no_broker_available);
    CHECK_THAT(d.report.error_message, Catch::Contains("within max.block.ms"));
  }
}

TEST_CASE("interop: a mock without InitProducerId fails idempotent records naming the broker and the API") {
  sluice::test::MockCluster mock(1, {"noid:1"});
  mock.set_api_version(22, -1, -1);  // InitProducerId not served
  const auto reports = produce(sluice::Config::from_map({{"bootstrap.servers", mock.bootstrap()},
                                                         {"enable.idempotence", "true"},
                                                         {"max.block.ms", "5000"}}),
                               "noid", records(3, "x"));
  REQUIRE(reports.size() == 3);
  for (const auto& d : reports) {
    INFO(d.report.error_message);
    CHECK(d.report.error);
    CHECK_THAT(d.report.error_message,
               Catch::Contains("bootstrap broker " + mock.bootstrap() +
                               ": InitProducerId: no common version (broker does not support it, Sluice 0-5)"));
  }
}
