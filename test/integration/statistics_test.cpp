// statistics_json() and the statistics callback against a real broker, in
// librdkafka's schema (docs/STATISTICS.md): the broker is UP with round
// trips measured, the topic's partitions count what was sent and
// acknowledged, and each callback starts new windows.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;

TEST_CASE("statistics in librdkafka's schema count a real broker's traffic") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("stats");
  std::mutex mu;
  std::vector<std::string> periodic;
  sluice::ProducerOptions options;
  options.statistics_callback = [&](const std::string& s) {
    std::lock_guard lock(mu);
    periodic.push_back(s);
  };
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap},
                                                      {"client.id", "stats-test"},
                                                      {"linger.ms", "5"},
                                                      {"statistics.interval.ms", "100"}}),
                            std::move(options));
  constexpr int kRecords = 200;
  for (int i = 0; i < kRecords; ++i) {
    producer.send(sluice::Record{.topic = topic, .key = std::to_string(i), .value = "value-" + std::to_string(i)},
                  nullptr);
  }
  REQUIRE(producer.flush(30s) == 0);
  const json::value v = json::parse(producer.statistics_json());
  INFO(json::serialize(v));
  CHECK(v.at("type").as_string() == "producer");
  CHECK(v.at("client_id").as_string() == "stats-test");
  CHECK(v.at("msg_cnt").as_int64() == 0);
  CHECK(v.at("txmsgs").as_int64() >= kRecords);
  CHECK(v.at("tx").as_int64() >= 1);
  CHECK(v.at("tx").as_int64() == v.at("rx").as_int64());
  int up = 0;
  std::int64_t rtt_cnt = 0, tx = 0;
  for (const auto& [name, b] : v.at("brokers").as_object()) {
    tx += b.at("tx").as_int64();  // every broker's requests, the bootstrap entry's too
    if (b.at("nodeid").as_int64() < 0) {
      CHECK(b.at("source").as_string() == "configured");
      continue;
    }
    CHECK(b.at("source").as_string() == "learned");
    CHECK(std::string(name) == std::string(b.at("name").as_string()));
    if (b.at("state").as_string() == "UP") ++up;
    CHECK(b.at("connects").as_int64() >= (b.at("state").as_string() == "UP" ? 1 : 0));
    CHECK(b.at("waitresp_msg_cnt").as_int64() == 0);
    rtt_cnt += b.at("rtt").at("cnt").as_int64();
    if (b.at("rtt").at("cnt").as_int64() > 0) {
      CHECK(b.at("rtt").at("min").as_int64() > 0);
      CHECK(b.at("rtt").at("p99").as_int64() <= b.at("rtt").at("max").as_int64());
    }
  }
  CHECK(up >= 1);
  CHECK(tx == v.at("tx").as_int64());
  CHECK(rtt_cnt >= 0);  // the last callback may just have started a new window
  const auto& t = v.at("topics").at(topic);
  CHECK(t.at("metadata_age").as_int64() >= 0);
  std::int64_t txmsgs = 0, acked = 0, msgs = 0;
  for (const auto& [id, p] : t.at("partitions").as_object()) {
    CHECK(p.at("leader").as_int64() >= 0);
    CHECK_FALSE(p.at("unknown").as_bool());
    CHECK(p.at("msgq_cnt").as_int64() == 0);
    CHECK(p.at("msgs_inflight").as_int64() == 0);
    txmsgs += p.at("txmsgs").as_int64();
    acked += p.at("acked_msgid").as_int64();
    msgs += p.at("msgs").as_int64();
  }
  CHECK(txmsgs >= kRecords);
  CHECK(acked == kRecords);
  CHECK(msgs == kRecords);
  CHECK(v.at("sluice").at("records").at("acknowledged").as_int64() == kRecords);

  // Nothing is sent for a while: a callback's windows are empty again.
  std::this_thread::sleep_for(400ms);
  producer.close(5s);
  std::lock_guard lock(mu);
  REQUIRE(periodic.size() >= 2);
  std::int64_t total_rtt = 0, last_rtt = 0;
  for (const auto& s : periodic) {
    last_rtt = 0;
    const json::value one = json::parse(s);
    for (const auto& [name, b] : one.at("brokers").as_object()) {
      last_rtt += b.at("rtt").at("cnt").as_int64();
    }
    total_rtt += last_rtt;
  }
  CHECK(total_rtt >= 1);  // the answers were measured in some window
  CHECK(last_rtt == 0);   // and the quiet interval's window is empty
}

// A broker's tx/rx count every request sent to it, as librdkafka's do: the
// bootstrap entry answered ApiVersions and Metadata and never a Produce
// request; each learned broker answered its Produce requests (its rtt
// window, never reset here) plus at least its connection's ApiVersions.
// Bytes include the framing, so they exceed the record batches carried.
TEST_CASE("statistics: a broker's tx and rx count every request kind, not Produce alone") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("stats-tx");
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"acks", "all"}}));
  constexpr int kRecords = 50;
  for (int i = 0; i < kRecords; ++i) {
    REQUIRE(producer.send_sync(sluice::Record{.topic = topic, .value = "v" + std::to_string(i)}));
  }
  const json::value v = json::parse(producer.statistics_json());
  INFO(json::serialize(v));
  std::int64_t learned_tx = 0, learned_txbytes = 0, produce_answers = 0, bootstrap_tx = 0;
  for (const auto& [name, b] : v.at("brokers").as_object()) {
    INFO(std::string(name));
    const std::int64_t tx = b.at("tx").as_int64(), rx = b.at("rx").as_int64();
    CHECK(rx == tx);  // every request answered (acks=all)
    CHECK(b.at("txerrs").as_int64() == 0);
    CHECK(b.at("rxerrs").as_int64() == 0);
    CHECK((tx == 0) == (b.at("txbytes").as_int64() == 0));
    CHECK((rx == 0) == (b.at("rxbytes").as_int64() == 0));
    const std::int64_t rtt = b.at("rtt").at("cnt").as_int64();  // Produce answers
    if (b.at("nodeid").as_int64() < 0) {
      CHECK(rtt == 0);
      bootstrap_tx += tx;
      continue;
    }
    if (b.at("connects").as_int64() > 0) CHECK(tx >= rtt + 1);  // + ApiVersions
    learned_tx += tx;
    learned_txbytes += b.at("txbytes").as_int64();
    produce_answers += rtt;
  }
  CHECK(bootstrap_tx >= 2);  // ApiVersions, Metadata
  CHECK(produce_answers == v.at("sluice").at("requests").at("answered").as_int64());
  CHECK(produce_answers >= 1);
  CHECK(learned_tx > produce_answers);
  CHECK(learned_txbytes > v.at("txmsg_bytes").as_int64());
  CHECK(v.at("tx").as_int64() == learned_tx + bootstrap_tx);
}
