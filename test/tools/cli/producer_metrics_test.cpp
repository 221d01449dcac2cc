// --print-metrics: a statistics document (librdkafka's schema plus Sluice's
// "sluice" object) read into Java's producer metric names, and printed in
// kafka-producer-perf-test's layout.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "producer_metrics.hpp"

using namespace sluice::bench;

namespace {

// Two seconds old; one bootstrap entry and one broker; one topic, two
// partitions. 1000 records in 10 Produce requests (a retry of 100 among
// them), 5 failed; windows as librdkafka's objects (only the fields read).
const char* kStats = R"({
  "client_id": "bench-client", "age": 2000000, "msg_size": 1000, "msg_size_max": 33554432,
  "tx": 14, "tx_bytes": 12000, "rx": 14, "rx_bytes": 3000,
  "brokers": {
    "127.0.0.1:9092/bootstrap": {"nodeid": -1, "state": "UP", "tx": 2, "rx": 2, "txbytes": 100, "rxbytes": 400,
      "waitresp_cnt": 0, "disconnects": 0, "rtt": {"cnt": 0, "sum": 0, "max": 0},
      "throttle": {"cnt": 0, "sum": 0, "max": 0}, "int_latency": {"cnt": 0, "sum": 0, "max": 0}},
    "127.0.0.1:9092/1": {"nodeid": 1, "state": "UP", "tx": 12, "rx": 12, "txbytes": 11900, "rxbytes": 2600,
      "waitresp_cnt": 1, "disconnects": 1, "rtt": {"cnt": 10, "sum": 50000, "max": 9000},
      "throttle": {"cnt": 10, "sum": 30, "max": 12}, "int_latency": {"cnt": 9, "sum": 45000, "max": 20000}},
    "127.0.0.1:9093/2": {"nodeid": 2, "state": "INIT", "tx": 0, "rx": 0, "txbytes": 0, "rxbytes": 0,
      "waitresp_cnt": 0, "disconnects": 0}
  },
  "topics": {
    "t": {"metadata_age": 1500, "batchsize": {"cnt": 9, "sum": 9000, "max": 1500},
      "partitions": {"0": {"txmsgs": 600, "txbytes": 6000}, "1": {"txmsgs": 400, "txbytes": 4000}}}
  },
  "sluice": {"records": {"sent": 1000, "retried": 100, "failed": 5},
             "batches": {"sent": 10, "average_bytes": 2000, "bytes_sent": 10000},
             "requests": {"sent": 10, "latency_avg_us": 5000, "latency_max_us": 9000}}
})";

std::map<std::string, double> by_name(const ProducerMetrics& m) {
  std::map<std::string, double> out;
  for (const auto& x : m.metrics) out[x.display_name()] = x.value;
  return out;
}

}  // namespace

TEST_CASE("metrics: Java's names, tags and values from the statistics") {
  const auto m = producer_metrics(kStats);
  REQUIRE(m.error.empty());
  const auto v = by_name(m);
  const std::string p = "producer-metrics:", tags = ":{client-id=bench-client}";
  auto at = [&](const std::string& key) {
    INFO(key);
    REQUIRE(v.count(key) == 1);
    return v.at(key);
  };
  CHECK(at(p + "record-send-total" + tags) == 1000);
  CHECK(at(p + "record-send-rate" + tags) == Approx(500));  // over the producer's age, 2 s
  CHECK(at(p + "records-per-request-avg" + tags) == Approx(100));
  CHECK(at(p + "record-retry-total" + tags) == 100);
  CHECK(at(p + "record-error-total" + tags) == 5);
  CHECK(at(p + "record-error-rate" + tags) == Approx(2.5));
  CHECK(at(p + "request-latency-avg" + tags) == Approx(5));  // ms
  CHECK(at(p + "request-latency-max" + tags) == Approx(9));
  CHECK(at(p + "batch-size-avg" + tags) == Approx(1000));
  CHECK(at(p + "batch-size-max" + tags) == 1500);
  CHECK(at(p + "compression-rate-avg" + tags) == Approx(0.5));  // 10000 on the wire of 20000
  CHECK(at(p + "buffer-total-bytes" + tags) == 33554432);
  CHECK(at(p + "buffer-available-bytes" + tags) == 33554432 - 1000);
  CHECK(at(p + "request-total" + tags) == 14);  // every request kind
  CHECK(at(p + "response-total" + tags) == 14);
  CHECK(at(p + "outgoing-byte-total" + tags) == 12000);
  CHECK(at(p + "outgoing-byte-rate" + tags) == Approx(6000));
  CHECK(at(p + "incoming-byte-total" + tags) == 3000);
  CHECK(at(p + "requests-in-flight" + tags) == 1);
  CHECK(at(p + "connection-count" + tags) == 2);
  CHECK(at(p + "connection-close-total" + tags) == 1);
  CHECK(at(p + "record-queue-time-avg" + tags) == Approx(5));  // ms
  CHECK(at(p + "record-queue-time-max" + tags) == Approx(20));
  CHECK(at(p + "produce-throttle-time-avg" + tags) == Approx(3));
  CHECK(at(p + "produce-throttle-time-max" + tags) == 12);
  CHECK(at(p + "metadata-age" + tags) == Approx(1.5));  // seconds

  const std::string node1 = ":{client-id=bench-client, node-id=node-1}";
  CHECK(at("producer-node-metrics:request-total" + node1) == 12);
  CHECK(at("producer-node-metrics:response-total" + node1) == 12);
  CHECK(at("producer-node-metrics:outgoing-byte-total" + node1) == 11900);
  CHECK(at("producer-node-metrics:incoming-byte-rate" + node1) == Approx(1300));
  CHECK(at("producer-node-metrics:request-latency-avg" + node1) == Approx(5));
  CHECK(at("producer-node-metrics:request-latency-max" + node1) == Approx(9));
  // Java names bootstrap nodes -1, -2, ... too; a broker never talked to has none.
  CHECK(at("producer-node-metrics:request-total:{client-id=bench-client, node-id=node--1}") == 2);
  CHECK(std::isnan(at("producer-node-metrics:request-latency-avg:{client-id=bench-client, node-id=node--1}")));
  for (const auto& [name, value] : v) CHECK(name.find("node-2}") == std::string::npos);

  const std::string topic = ":{client-id=bench-client, topic=t}";
  CHECK(at("producer-topic-metrics:record-send-total" + topic) == 1000);
  CHECK(at("producer-topic-metrics:byte-total" + topic) == 10000);
  CHECK(at("producer-topic-metrics:byte-rate" + topic) == Approx(5000));

  // Sorted by the printed name, as Java's TreeMap.
  for (std::size_t i = 1; i < m.metrics.size(); ++i) {
    CHECK(m.metrics[i - 1].display_name() < m.metrics[i].display_name());
  }
}

TEST_CASE("metrics: a producer that sent nothing has NaN averages, as Java's, and zero totals") {
  const auto m = producer_metrics(R"({"client_id": "c", "age": 1000000, "msg_size": 0, "msg_size_max": 100,
                                      "tx": 0, "rx": 0, "tx_bytes": 0, "rx_bytes": 0, "brokers": {}, "topics": {},
                                      "sluice": {}})");
  REQUIRE(m.error.empty());
  const auto v = by_name(m);
  CHECK(std::isnan(v.at("producer-metrics:batch-size-avg:{client-id=c}")));
  CHECK(std::isnan(v.at("producer-metrics:request-latency-avg:{client-id=c}")));
  CHECK(std::isnan(v.at("producer-metrics:records-per-request-avg:{client-id=c}")));
  CHECK(v.at("producer-metrics:record-send-total:{client-id=c}") == 0);
  CHECK(v.count("producer-metrics:metadata-age:{client-id=c}") == 0);  // no topic, no metadata age
}

TEST_CASE("metrics: statistics that are not a JSON object are an error naming them") {
  CHECK(producer_metrics("not json").error.find("statistics are not a JSON object") != std::string::npos);
  CHECK_FALSE(producer_metrics("[1]").error.empty());
}

TEST_CASE("metrics: printed as kafka-producer-perf-test prints them") {
  std::vector<ProducerMetric> metrics{
      {"producer-metrics", "record-send-total", {{"client-id", "c"}}, 1000},
      {"producer-node-metrics", "request-latency-avg", {{"client-id", "c"}, {"node-id", "node-1"}},
       std::numeric_limits<double>::quiet_NaN()},
  };
  // Every name padded to the longest one (71 characters here), as Java's
  // "%-<longest>s : %.3f"; the heading too, then three spaces.
  const std::string longest = "producer-node-metrics:request-latency-avg:{client-id=c, node-id=node-1}";
  REQUIRE(longest.size() == 71);
  CHECK(metrics_text(metrics) ==
        "\n" + std::string("Metric Name").append(71 - 11, ' ') + "   Value\n" +
            std::string("producer-metrics:record-send-total:{client-id=c}").append(71 - 48, ' ') + " : 1000.000\n" +
            longest + " : NaN\n");
  CHECK(metrics_text({}).empty());
}
