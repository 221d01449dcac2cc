// The JSON report: valid JSON (parsed back with Boost.JSON), every field.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "bench_report.hpp"

using namespace sluice::bench;
namespace json = boost::json;

namespace {

BenchResult sample() {
  BenchResult r;
  r.tool = "rdkafka-bench";
  r.client = "librdkafka 2.0.2";
  r.options.bootstrap = "h:1";
  r.options.topic = "t \"quoted\"\n";  // must come back escaped and intact
  r.options.num_records = 10;
  r.options.record_size = 8;
  r.options.throughput = 100;
  r.options.key_mode = KeyMode::seq;
  r.options.properties = {{"acks", "1"}, {"acks", "all"}, {"linger.ms", "0"}};
  r.sent = 10;
  r.outcome.acked = 9;
  r.outcome.failed = 1;
  r.outcome.acked_bytes = 72;
  r.outcome.per_partition = {{3, 9}};
  r.outcome.failures = {{"_MSG_TIMED_OUT: Local: Message timed out", 1, "record 4: timed out"}};
  r.elapsed_s = 0.1;
  r.latency = {9, 100, 200, 300, 400, 500, 150.0};
  r.latency_from_intended = true;
  r.cpu_user_s = 0.01;
  r.cpu_system_s = 0.002;
  r.peak_rss_mib = 7.5;
  return r;
}

}  // namespace

TEST_CASE("JSON report is one line holding every figure") {
  const std::string text = report_json(sample());
  CHECK(text.find('\n') == std::string::npos);
  const json::object o = json::parse(text).as_object();

  CHECK(o.at("tool").as_string() == "rdkafka-bench");
  CHECK(o.at("client").as_string() == "librdkafka 2.0.2");
  const auto& config = o.at("config").as_object();
  CHECK(config.at("topic").as_string() == "t \"quoted\"\n");
  CHECK(config.at("num_records").to_number<std::int64_t>() == 10);
  CHECK(config.at("throughput").to_number<std::int64_t>() == 100);
  CHECK(config.at("key_mode").as_string() == "seq");
  CHECK(config.at("properties").as_object().at("acks").as_string() == "all");  // the later flag wins
  CHECK(config.at("properties").as_object().at("linger.ms").as_string() == "0");

  const auto& records = o.at("records").as_object();
  CHECK(records.at("requested").to_number<std::int64_t>() == 10);
  CHECK(records.at("sent").to_number<std::int64_t>() == 10);
  CHECK(records.at("acknowledged").to_number<std::int64_t>() == 9);
  CHECK(records.at("failed").to_number<std::int64_t>() == 1);
  CHECK(records.at("without_report").to_number<std::int64_t>() == 0);

  const auto& failures = o.at("failures").as_array();
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].at("error").as_string() == "_MSG_TIMED_OUT: Local: Message timed out");
  CHECK(failures[0].at("count").to_number<std::int64_t>() == 1);
  CHECK(failures[0].at("first_message").as_string() == "record 4: timed out");
  CHECK(o.at("partitions").as_object().at("3").to_number<std::int64_t>() == 9);

  CHECK(o.at("elapsed_seconds").to_number<double>() == Approx(0.1));
  CHECK(o.at("records_per_second").to_number<double>() == Approx(90));
  CHECK(o.at("mib_per_second").to_number<double>() == Approx(720.0 / 1048576.0));
  CHECK(o.at("acknowledged_bytes").to_number<std::int64_t>() == 72);

  const auto& lat = o.at("latency_us").as_object();
  CHECK(lat.at("measured_from").as_string() == "intended_send_time");
  CHECK(lat.at("samples").to_number<std::int64_t>() == 9);
  CHECK(lat.at("p50").to_number<std::int64_t>() == 100);
  CHECK(lat.at("p95").to_number<std::int64_t>() == 200);
  CHECK(lat.at("p99").to_number<std::int64_t>() == 300);
  CHECK(lat.at("p99_9").to_number<std::int64_t>() == 400);
  CHECK(lat.at("max").to_number<std::int64_t>() == 500);
  CHECK(lat.at("mean").to_number<double>() == Approx(150));

  const auto& cpu = o.at("cpu").as_object();
  CHECK(cpu.at("user_seconds").to_number<double>() == Approx(0.01));
  CHECK(cpu.at("system_seconds").to_number<double>() == Approx(0.002));
  CHECK(cpu.at("total_seconds").to_number<double>() == Approx(0.012));
  CHECK(cpu.at("us_per_record").to_number<double>() == Approx(1200));
  CHECK(o.at("peak_rss_mib").to_number<double>() == Approx(7.5));
  CHECK(o.at("interrupted").as_bool() == false);
  CHECK(o.at("exit_code").to_number<std::int64_t>() == 1);
}

TEST_CASE("JSON report of an unthrottled run says latency counts from the send call") {
  BenchResult r = sample();
  r.latency_from_intended = false;
  const json::object o = json::parse(report_json(r)).as_object();
  CHECK(o.at("latency_us").as_object().at("measured_from").as_string() == "send_call");
}

TEST_CASE("JSON report hides passwords given with -X") {
  BenchResult r = sample();
  r.options.properties = {{"sasl.username", "admin"}, {"sasl.password", "admin-secret"},
                          {"ssl.key.password", "key-secret"}};
  const std::string text = report_json(r);
  CHECK(text.find("secret") == std::string::npos);
  const json::value parsed = json::parse(text);
  const auto& props = parsed.as_object().at("config").as_object().at("properties").as_object();
  CHECK(props.at("sasl.username").as_string() == "admin");
  CHECK(props.at("sasl.password").as_string() == "(hidden)");
  CHECK(props.at("ssl.key.password").as_string() == "(hidden)");
}
