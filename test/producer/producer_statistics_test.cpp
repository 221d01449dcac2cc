// to_json: the statistics object in librdkafka's STATISTICS.md schema, and
// Sluice's own counters under "sluice", parsed back with Boost.JSON; the
// window statistics' math on known samples.
#include "producer_statistics.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>

using namespace sluice::detail;
namespace json = boost::json;

namespace {

StatisticsSnapshot sample_snapshot() {
  StatisticsSnapshot s;
  s.name = "c1#producer-1";
  s.client_id = "c1";
  s.ts_us = 123456789;
  s.age_us = 5000000;
  s.time_ms = 1700000000123;
  s.msg_max = 100000;
  s.batch_size = 1000;
  s.buffer_bytes = 300;
  s.buffer_limit = 4096;
  s.records_outstanding = 7;
  s.counters.records_sent = 30;
  s.counters.records_acked = 25;
  s.counters.records_failed = 2;
  s.counters.records_retried = 10;
  s.counters.batches_sent = 3;
  s.counters.batch_bytes_sent = 900;
  s.counters.batch_fill_sum = 1500;
  s.counters.record_request(std::chrono::microseconds(100));
  s.counters.record_request(std::chrono::microseconds(300));
  BrokerStatistics b;
  b.node_id = 2;
  b.address = "127.0.0.1:9092";
  b.requests_in_flight = 6;
  b.requests_unwritten = 2;  // queued behind the 4 written
  b.connected = true;
  b.state = "UP";
  b.state_age_us = 42;
  b.link.connects = 3;
  b.link.disconnects = 1;
  b.traffic.tx = 11;
  b.traffic.tx_bytes = 800;
  b.traffic.rx = 9;
  b.traffic.rx_bytes = 90;
  b.traffic.tx_retries = 1;
  b.traffic.waitresp_msg_cnt = 12;
  b.traffic.rtt.add(1000);
  b.traffic.rtt.add(3000);
  b.traffic.throttle.add(0);
  b.toppars.push_back({"t", 0});
  s.brokers[2] = b;
  BrokerStatistics boot;
  boot.node_id = -1;
  boot.address = "localhost:9092";
  boot.state = "DOWN";
  s.brokers[-1] = boot;
  TopicStatistics& t = s.topics["t"];
  t.age_ms = 5000;
  t.metadata_age_ms = 120;
  t.traffic.batchsize.add(300);
  t.traffic.batchcnt.add(10);
  PartitionStatistics& p = t.partitions[0];
  p.leader = 2;
  p.msgq_cnt = 3;
  p.msgq_bytes = 120;
  p.xmit_msgq_cnt = 4;
  p.xmit_msgq_bytes = 160;
  p.msgs = 37;
  p.traffic.txmsgs = 30;
  p.traffic.txbytes = 900;
  p.traffic.msgs_inflight = 5;
  p.traffic.next_ack_seq = 25;
  p.traffic.acked_msgid = 25;
  t.partitions[1].unknown = true;
  return s;
}

void check_window(const json::value& w) {
  for (const char* f : {"min", "max", "avg", "sum", "cnt", "stddev", "hdrsize", "p50", "p75", "p90", "p95", "p99",
                        "p99_99", "outofrange"}) {
    INFO(f);
    CHECK(w.at(f).is_int64());
  }
}

}  // namespace

TEST_CASE("statistics JSON has librdkafka's top-level fields with their types") {
  const json::value v = json::parse(to_json(sample_snapshot()));
  CHECK(v.at("name").as_string() == "c1#producer-1");
  CHECK(v.at("client_id").as_string() == "c1");
  CHECK(v.at("type").as_string() == "producer");
  CHECK(v.at("ts").as_int64() == 123456789);
  CHECK(v.at("time").as_int64() == 1700000000);
  CHECK(v.at("age").as_int64() == 5000000);
  for (const char* f : {"replyq", "msg_cnt", "msg_size", "msg_max", "msg_size_max", "tx", "tx_bytes", "rx", "rx_bytes",
                        "txmsgs", "txmsg_bytes", "rxmsgs", "rxmsg_bytes", "simple_cnt", "metadata_cache_cnt"}) {
    INFO(f);
    CHECK(v.at(f).is_number());
  }
  CHECK(v.at("msg_cnt").to_number<int>() == 7);
  CHECK(v.at("msg_size").to_number<int>() == 300);
  CHECK(v.at("msg_max").to_number<int>() == 100000);
  CHECK(v.at("msg_size_max").to_number<int>() == 4096);
  CHECK(v.at("tx").to_number<int>() == 11);  // summed over brokers
  CHECK(v.at("tx_bytes").to_number<int>() == 800);
  CHECK(v.at("rx").to_number<int>() == 9);
  CHECK(v.at("rx_bytes").to_number<int>() == 90);
  CHECK(v.at("txmsgs").to_number<int>() == 30);
  CHECK(v.at("txmsg_bytes").to_number<int>() == 900);
  CHECK(v.at("rxmsgs").to_number<int>() == 0);
  CHECK(v.at("eos").at("idemp_state").is_string());
  CHECK(v.at("eos").at("producer_id").as_int64() == -1);
}

TEST_CASE("statistics JSON brokers are keyed host:port/id with librdkafka's fields") {
  const json::value v = json::parse(to_json(sample_snapshot()));
  const auto& brokers = v.at("brokers").as_object();
  REQUIRE(brokers.contains("127.0.0.1:9092/2"));
  REQUIRE(brokers.contains("localhost:9092/bootstrap"));
  const auto& b = brokers.at("127.0.0.1:9092/2");
  CHECK(b.at("name").as_string() == "127.0.0.1:9092/2");
  CHECK(b.at("nodeid").as_int64() == 2);
  CHECK(b.at("nodename").as_string() == "127.0.0.1:9092");
  CHECK(b.at("source").as_string() == "learned");
  CHECK(b.at("state").as_string() == "UP");
  CHECK(b.at("stateage").as_int64() == 42);
  for (const char* f : {"outbuf_cnt", "outbuf_msg_cnt", "waitresp_cnt", "waitresp_msg_cnt", "tx", "txbytes", "txerrs",
                        "txretries", "req_timeouts", "rx", "rxbytes", "rxerrs", "connects", "disconnects"}) {
    INFO(f);
    CHECK(b.at(f).is_number());
  }
  CHECK(b.at("waitresp_cnt").to_number<int>() == 4);  // written, awaiting their answers
  CHECK(b.at("outbuf_cnt").to_number<int>() == 2);    // not yet written
  CHECK(b.at("waitresp_msg_cnt").to_number<int>() == 12);
  CHECK(b.at("txretries").to_number<int>() == 1);
  CHECK(b.at("connects").to_number<int>() == 3);
  CHECK(b.at("disconnects").to_number<int>() == 1);
  check_window(b.at("rtt"));
  check_window(b.at("int_latency"));
  check_window(b.at("outbuf_latency"));
  check_window(b.at("throttle"));
  CHECK(b.at("rtt").at("avg").as_int64() == 2000);
  CHECK(b.at("rtt").at("cnt").as_int64() == 2);
  CHECK(b.at("throttle").at("cnt").as_int64() == 1);
  CHECK(b.at("toppars").at("t-0").at("topic").as_string() == "t");
  CHECK(b.at("toppars").at("t-0").at("partition").as_int64() == 0);
  const auto& boot = brokers.at("localhost:9092/bootstrap");
  CHECK(boot.at("nodeid").as_int64() == -1);
  CHECK(boot.at("source").as_string() == "configured");
  CHECK(boot.at("state").as_string() == "DOWN");
}

TEST_CASE("statistics JSON topics carry batch windows and partitions with queue and transmit counts") {
  const json::value v = json::parse(to_json(sample_snapshot()));
  const auto& t = v.at("topics").at("t");
  CHECK(t.at("topic").as_string() == "t");
  CHECK(t.at("age").as_int64() == 5000);
  CHECK(t.at("metadata_age").as_int64() == 120);
  check_window(t.at("batchsize"));
  check_window(t.at("batchcnt"));
  CHECK(t.at("batchcnt").at("max").as_int64() == 10);
  const auto& p = t.at("partitions").at("0");
  CHECK(p.at("partition").as_int64() == 0);
  CHECK(p.at("broker").as_int64() == 2);
  CHECK(p.at("leader").as_int64() == 2);
  CHECK(p.at("desired").is_bool());
  CHECK(p.at("unknown").as_bool() == false);
  CHECK(t.at("partitions").at("1").at("unknown").as_bool() == true);
  const std::pair<const char*, int> expected[] = {
      {"msgq_cnt", 3},     {"msgq_bytes", 120},   {"xmit_msgq_cnt", 4},  {"xmit_msgq_bytes", 160},
      {"txmsgs", 30},      {"txbytes", 900},      {"msgs", 37},          {"msgs_inflight", 5},
      {"next_ack_seq", 25}, {"next_err_seq", 0}, {"acked_msgid", 25}};
  for (const auto& [f, n] : expected) {
    INFO(f);
    CHECK(p.at(f).to_number<int>() == n);
  }
}

TEST_CASE("statistics JSON keeps Sluice's counters, averages, buffer use and brokers under \"sluice\"") {
  const json::value v = json::parse(to_json(sample_snapshot()));
  const auto& s = v.at("sluice");
  CHECK(s.at("records").at("sent").to_number<int>() == 30);
  CHECK(s.at("records").at("acknowledged").to_number<int>() == 25);
  CHECK(s.at("records").at("failed").to_number<int>() == 2);
  CHECK(s.at("records").at("retried").to_number<int>() == 10);
  CHECK(s.at("records").at("outstanding").to_number<int>() == 7);
  CHECK(s.at("batches").at("average_records").to_number<double>() == Approx(10.0));
  CHECK(s.at("batches").at("average_bytes").to_number<double>() == Approx(500.0));
  CHECK(s.at("batches").at("average_fill").to_number<double>() == Approx(0.5));
  CHECK(s.at("requests").at("latency_avg_us").to_number<double>() == Approx(200.0));
  CHECK(s.at("requests").at("latency_max_us").to_number<int>() == 300);
  CHECK(s.at("buffer").at("bytes").to_number<int>() == 300);
  CHECK(s.at("time_ms").as_int64() == 1700000000123);
  CHECK(s.at("brokers").at("2").at("requests_in_flight").to_number<int>() == 6);  // every request not yet completed
  CHECK(s.at("brokers").at("2").at("address").as_string() == "127.0.0.1:9092");
  CHECK(s.at("brokers").at("2").at("connected").as_bool());
  CHECK_FALSE(s.at("brokers").as_object().contains("-1"));  // bootstrap entries, as before
}

TEST_CASE("statistics JSON of a fresh producer has zero averages and windows, not NaN") {
  StatisticsSnapshot s;
  const json::value v = json::parse(to_json(s));
  CHECK(v.at("sluice").at("batches").at("average_fill").to_number<double>() == 0.0);
  CHECK(v.at("sluice").at("requests").at("latency_avg_us").to_number<double>() == 0.0);
  CHECK(v.at("brokers").as_object().empty());
  CHECK(v.at("topics").as_object().empty());
}

TEST_CASE("window statistics on known samples") {
  SECTION("small values are exact") {
    StatsWindow w;
    for (int i = 1; i <= 10; ++i) w.add(i);
    CHECK(w.count() == 10);
    CHECK(w.min() == 1);
    CHECK(w.max() == 10);
    CHECK(w.sum() == 55);
    CHECK(w.stddev() == Approx(std::sqrt(8.25)));
    CHECK(w.percentile(0.50) == 5);
    CHECK(w.percentile(0.75) == 8);
    CHECK(w.percentile(0.90) == 9);
    CHECK(w.percentile(0.99) == 10);
    CHECK(w.percentile(0.9999) == 10);
    const json::value v = json::parse(to_json([&] {
      StatisticsSnapshot s;
      s.topics["t"].traffic.batchcnt = w;
      return s;
    }()));
    const auto& j = v.at("topics").at("t").at("batchcnt");
    CHECK(j.at("avg").as_int64() == 5);
    CHECK(j.at("stddev").as_int64() == 3);
    CHECK(j.at("p50").as_int64() == 5);
    CHECK(j.at("outofrange").as_int64() == 0);
  }
  SECTION("large values within one bucket (12.5%), never above the maximum") {
    StatsWindow w;
    for (int i = 0; i < 99; ++i) w.add(1000);
    w.add(50000);
    CHECK(w.percentile(0.50) >= 1000);
    CHECK(w.percentile(0.50) <= 1125);
    CHECK(w.percentile(0.99) <= 1125);
    CHECK(w.percentile(0.9999) == 50000);
    StatsWindow one;
    one.add(777);
    CHECK(one.percentile(0.5) == 777);  // clamped to [min, max]
  }
  SECTION("values beyond the histogram count as out of range; negatives as 0") {
    StatsWindow w;
    w.add(std::int64_t{1} << 42);
    w.add(-5);
    CHECK(w.out_of_range() == 1);
    CHECK(w.min() == 0);
    CHECK(w.percentile(0.5) == 0);
  }
  SECTION("reset starts a new window") {
    StatsWindow w;
    w.add(5);
    w.reset();
    CHECK(w.count() == 0);
    CHECK(w.max() == 0);
    CHECK(w.percentile(0.5) == 0);
  }
}
