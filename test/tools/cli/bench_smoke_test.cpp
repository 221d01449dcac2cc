// sluice-bench (and rdkafka-bench, when built) against the real broker: a
// short run reports every record acknowledged, as valid JSON and as text.
// Nothing here asserts a speed.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "broker_env.hpp"
#include "run_tool.hpp"

using sluice::test::command_line;
using sluice::test::run_tool;
namespace json = boost::json;

namespace {

// Runs a bench binary with --json for `records` records; checks the run and
// returns the parsed report.
json::object bench_json(const std::string& binary, const std::string& topic, std::int64_t records,
                        std::vector<std::string> extra) {
  std::vector<std::string> argv{binary, "-b", sluice::test::bootstrap_or_fail(), "-t", topic, "--num-records",
                                std::to_string(records), "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto run = run_tool(argv);
  INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());  // no progress line: stderr is not a terminal
  REQUIRE(run.out.ends_with("}\n"));
  CHECK(run.out.find('\n') == run.out.size() - 1);  // one line
  json::error_code ec;
  json::value v = json::parse(run.out, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

void check_all_acknowledged(const json::object& report, std::int64_t records, const std::string& tool) {
  INFO(json::serialize(report));
  CHECK(report.at("tool").as_string() == tool);
  const auto& r = report.at("records").as_object();
  CHECK(r.at("requested").to_number<std::int64_t>() == records);
  CHECK(r.at("sent").to_number<std::int64_t>() == records);
  CHECK(r.at("acknowledged").to_number<std::int64_t>() == records);
  CHECK(r.at("failed").to_number<std::int64_t>() == 0);
  CHECK(r.at("without_report").to_number<std::int64_t>() == 0);
  CHECK(report.at("failures").as_array().empty());
  const auto& lat = report.at("latency_us").as_object();
  CHECK(lat.at("samples").to_number<std::int64_t>() == records);
  const auto p50 = lat.at("p50").to_number<std::int64_t>();
  const auto p99 = lat.at("p99").to_number<std::int64_t>();
  const auto max = lat.at("max").to_number<std::int64_t>();
  CHECK(p50 <= p99);
  CHECK(p99 <= max);
  CHECK(max > 0);
  CHECK(report.at("records_per_second").to_number<double>() > 0);
  CHECK(report.at("cpu").as_object().at("total_seconds").to_number<double>() > 0);
  CHECK(report.at("peak_rss_mib").to_number<double>() > 0);
  CHECK(report.at("exit_code").to_number<std::int64_t>() == 0);
}

}  // namespace

TEST_CASE("sluice-bench: 20000 records, all acknowledged, reported as valid JSON, and kcat finds them") {
  const std::string topic = sluice::test::unique_topic("cli-bench");
  const auto report = bench_json(SLUICE_BENCH_BIN, topic, 20000, {"--key-mode", "seq", "--acks", "all"});
  check_all_acknowledged(report, 20000, "sluice-bench");
  CHECK(report.at("latency_us").as_object().at("measured_from").as_string() == "send_call");

  const auto consumed = sluice::test::consume_all_with_kcat(sluice::test::bootstrap_or_fail(), topic);
  REQUIRE(consumed.size() == 20000);
  std::set<std::string> keys;
  for (const auto& r : consumed) {
    keys.insert(r.key.value_or("(null)"));
    REQUIRE(r.value.has_value());
    CHECK(r.value->size() == 100);
  }
  CHECK(keys.size() == 20000);  // --key-mode seq: 0..19999, each once
  CHECK(keys.count("0") == 1);
  CHECK(keys.count("19999") == 1);
}

TEST_CASE("sluice-bench: a throttled run in text form measures latency from the intended send time") {
  const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", sluice::test::bootstrap_or_fail(), "-t",
                                      sluice::test::unique_topic("cli-bench-text"), "--num-records", "500",
                                      "--throughput", "2000", "--compression", "lz4", "--record-size", "64"};
  const auto run = run_tool(argv);
  INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out.find("sent 500, acknowledged 500, failed 0, without report 0") != std::string::npos);
  CHECK(run.out.find("throughput cap 2000 records/s") != std::string::npos);
  CHECK(run.out.find("from each record's intended send time") != std::string::npos);
  CHECK(run.out.find("compression.type=lz4") != std::string::npos);
}

TEST_CASE("sluice-bench --create-partitions: a fresh topic gets N partitions, an existing one is used as it is") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("cli-bench-create");
  // Auto-creation off: only --create-partitions can make the topic. Keys
  // 0..2999 (murmur2) reach every one of 5 partitions.
  auto run_with = [&](const std::string& partitions) {
    const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", bootstrap, "-t", topic, "--num-records", "3000",
                                        "--key-mode", "seq", "--create-partitions", partitions, "--json",
                                        "-X", "allow.auto.create.topics=false"};
    auto run = run_tool(argv);
    INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.exit_code == 0);
    json::error_code ec;
    json::value v = json::parse(run.out, ec);
    REQUIRE_FALSE(ec);
    const auto& per_partition = v.as_object().at("partitions").as_object();  // acknowledged records by partition
    std::set<std::string> seen;
    for (const auto& p : per_partition) seen.insert(std::string(p.key()));
    CHECK(seen == std::set<std::string>{"0", "1", "2", "3", "4"});
    CHECK(v.as_object().at("records").as_object().at("acknowledged").to_number<std::int64_t>() == 3000);
    return run;
  };
  const auto first = run_with("5");
  CHECK(first.err == "sluice-bench: created topic '" + topic + "' with 5 partitions, replication factor 1\n");
  // Asking for 2 now changes nothing: the topic is there with its 5.
  const auto second = run_with("2");
  CHECK(second.err ==
        "sluice-bench: topic '" + topic + "' exists already: not created, --create-partitions 2 ignored\n");
}

TEST_CASE("sluice-bench --create-partitions: a bad N is a usage error, one line, exit 2") {
  for (const char* bad : {"0", "-3", "many"}) {
    const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", "127.0.0.1:1", "-t", "t", "--create-partitions", bad};
    const auto run = run_tool(argv);
    INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err ==
          std::string("sluice-bench: --create-partitions: expected a whole number from 1 to 2147483647, got '") + bad +
              "'\n");
  }
}

// --print-metrics (kafka-producer-perf-test's): the producer's metrics under
// Java's names, consistent with the run: every record sent once, none
// failed, more requests than Produce requests (ApiVersions, Metadata too).
TEST_CASE("sluice-bench --print-metrics: Java's metric names with values that match the run, text and JSON") {
  const std::string topic = sluice::test::unique_topic("cli-bench-metrics");
  const std::string tags = ":{client-id=bench-metrics}";
  const auto report = bench_json(SLUICE_BENCH_BIN, topic, 3000,
                                 {"--print-metrics", "--acks", "all", "-X", "client.id=bench-metrics"});
  check_all_acknowledged(report, 3000, "sluice-bench");
  INFO(json::serialize(report));
  const json::object& m = report.at("metrics").as_object();
  auto metric = [&](const std::string& name) {
    INFO(name);
    REQUIRE(m.contains(name));
    return m.at(name).to_number<double>();
  };
  CHECK(metric("producer-metrics:record-send-total" + tags) == 3000);
  CHECK(metric("producer-metrics:record-error-total" + tags) == 0);
  CHECK(metric("producer-metrics:record-send-rate" + tags) > 0);
  const double produce_requests = 3000 / metric("producer-metrics:records-per-request-avg" + tags);
  CHECK(produce_requests >= 1);
  CHECK(metric("producer-metrics:request-total" + tags) > produce_requests);  // + ApiVersions, Metadata, InitProducerId
  CHECK(metric("producer-metrics:response-total" + tags) == metric("producer-metrics:request-total" + tags));
  CHECK(metric("producer-metrics:outgoing-byte-total" + tags) > 3000 * 100);  // the values at least
  CHECK(metric("producer-metrics:batch-size-avg" + tags) > 0);
  CHECK(metric("producer-metrics:request-latency-avg" + tags) > 0);
  CHECK(metric("producer-metrics:buffer-available-bytes" + tags) <= metric("producer-metrics:buffer-total-bytes" + tags));
  CHECK(metric("producer-topic-metrics:record-send-total:{client-id=bench-metrics, topic=" + topic + "}") == 3000);

  const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", sluice::test::bootstrap_or_fail(), "-t", topic,
                                      "--num-records", "200", "--print-metrics", "-X", "client.id=bench-metrics"};
  const auto run = run_tool(argv);
  INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
  CHECK(run.out.find("\nMetric Name ") != std::string::npos);
  const std::string line = "producer-metrics:record-send-total" + tags;
  const auto at = run.out.find("\n" + line + " ");
  REQUIRE(at != std::string::npos);
  const std::string rest = run.out.substr(at + 1, run.out.find('\n', at + 1) - at - 1);
  CHECK(rest.ends_with(" : 200.000"));
}

#ifdef RDKAFKA_BENCH_BIN
TEST_CASE("rdkafka-bench: 20000 records, all acknowledged, the same JSON report") {
  const auto report =
      bench_json(RDKAFKA_BENCH_BIN, sluice::test::unique_topic("cli-rdkafka-bench"), 20000, {"--key-mode", "random"});
  check_all_acknowledged(report, 20000, "rdkafka-bench");
  CHECK(std::string(report.at("client").as_string()).starts_with("librdkafka "));
}
#endif
