// The text report, the failure line and the exit code.
#include <catch2/catch.hpp>
#include <string>

#include "bench_report.hpp"

using namespace sluice::bench;

namespace {

BenchResult sample() {
  BenchResult r;
  r.tool = "sluice-bench";
  r.client = "sluice 0.1.0";
  r.options.bootstrap = "127.0.0.1:9092";
  r.options.topic = "bench";
  r.options.num_records = 1000;
  r.options.record_size = 100;
  r.options.properties = {{"acks", "all"}, {"linger.ms", "5"}};
  r.sent = 1000;
  r.outcome.acked = 1000;
  r.outcome.acked_bytes = 100000;
  r.outcome.per_partition = {{0, 600}, {1, 400}};
  r.elapsed_s = 0.5;
  r.latency = {1000, 1200, 2500, 4000, 9000, 12000, 1500.0};
  r.cpu_user_s = 0.2;
  r.cpu_system_s = 0.05;
  r.peak_rss_mib = 12.5;
  return r;
}

}  // namespace

TEST_CASE("derived figures: records/s and MiB/s of acknowledged records, CPU per record sent") {
  BenchResult r = sample();
  CHECK(records_per_second(r) == Approx(2000));
  CHECK(mib_per_second(r) == Approx(100000.0 / 0.5 / 1048576.0));
  CHECK(cpu_us_per_record(r) == Approx(250));
  CHECK(without_report(r) == 0);
  r.elapsed_s = 0;
  r.sent = 0;
  CHECK(records_per_second(r) == 0);
  CHECK(cpu_us_per_record(r) == 0);
}

TEST_CASE("text report of a clean run") {
  const std::string t = report_text(sample());
  CHECK(t ==
        "sluice-bench (sluice 0.1.0): 1000 records of 100 B to topic 'bench' on 127.0.0.1:9092\n"
        "  settings    keys none, unthrottled, acks=all linger.ms=5\n"
        "  records     sent 1000, acknowledged 1000, failed 0, without report 0\n"
        "  throughput  2000 records/s, 0.19 MiB/s of values, in 0.500 s\n"
        "  latency     p50 1200 us, p95 2500 us, p99 4000 us, p99.9 9000 us, max 12000 us\n"
        "              (send->ack of 1000 acknowledged records, from the send call)\n"
        "  client CPU  0.250 s (user 0.200, sys 0.050), 250.00 us/record\n"
        "  peak RSS    12.5 MiB\n"
        "  partitions  0: 600, 1: 400\n");
  CHECK(exit_code(sample()) == 0);
  CHECK_FALSE(failure_line(sample()).has_value());
}

TEST_CASE("text report of a throttled run with failures") {
  BenchResult r = sample();
  r.options.throughput = 500;
  r.latency_from_intended = true;
  r.outcome.acked = 990;
  r.outcome.failed = 10;
  r.outcome.failures = {{"kafka: REQUEST_TIMED_OUT: ...", 10, "bench-0: request timed out"}};
  const std::string t = report_text(r);
  CHECK(t.find("throughput cap 500 records/s") != std::string::npos);
  CHECK(t.find("from each record's intended send time") != std::string::npos);
  CHECK(t.find("  failed      10 x kafka: REQUEST_TIMED_OUT: ...\n"
               "              first: bench-0: request timed out\n") != std::string::npos);
  CHECK(exit_code(r) == 1);
  CHECK(failure_line(r) == "10 of 1000 records failed: bench-0: request timed out");
}

TEST_CASE("failure line: several errors, records without a report, an interrupted run") {
  BenchResult r = sample();
  r.outcome.acked = 0;
  r.outcome.failed = 600;
  r.outcome.failures = {{"a", 500, "first a"}, {"b", 100, "first b"}};
  CHECK(failure_line(r) == "600 of 1000 records failed: first a (and 1 other errors, see the report); "
                           "400 got no delivery report");

  r.outcome.failed = 0;
  r.outcome.failures.clear();
  CHECK(failure_line(r) == "1000 of 1000 records got no delivery report before the client was closed");

  BenchResult cut = sample();
  cut.sent = 300;
  cut.outcome.acked = 300;
  cut.interrupted = true;
  CHECK(failure_line(cut) == "interrupted after 300 of 1000 records");
  CHECK(exit_code(cut) == 130);
}

TEST_CASE("text report when nothing was acknowledged has no percentiles") {
  BenchResult r = sample();
  r.outcome.acked = 0;
  r.latency = {};
  CHECK(report_text(r).find("  latency     none measured: no record was acknowledged\n") != std::string::npos);
}

TEST_CASE("secrets given with -X never reach the report") {
  CHECK(shown_property_value("sasl.password", "admin-secret") == "(hidden)");
  CHECK(shown_property_value("ssl.key.password", "k") == "(hidden)");
  CHECK(shown_property_value("sasl.jaas.config", "x required password=\"p\";") == "(hidden)");
  CHECK(shown_property_value("sasl.oauthbearer.client.secret", "s") == "(hidden)");
  CHECK(shown_property_value("sasl.username", "admin") == "admin");
  CHECK(shown_property_value("security.protocol", "SASL_SSL") == "SASL_SSL");

  BenchResult r = sample();
  r.options.properties = {{"security.protocol", "SASL_SSL"}, {"sasl.username", "admin"},
                          {"sasl.password", "admin-secret"}};
  const std::string t = report_text(r);
  CHECK(t.find("security.protocol=SASL_SSL sasl.username=admin sasl.password=(hidden)\n") != std::string::npos);
  CHECK(t.find("admin-secret") == std::string::npos);
}
