#pragma once
// The final report of a benchmark run, as text or as one JSON object, the
// same for every client driver. Pure: the driver fills a BenchResult and
// prints what these functions return.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bench_cli.hpp"
#include "latency_recorder.hpp"
#include "outcome_tally.hpp"
#include "producer_metrics.hpp"

namespace sluice::bench {

struct BenchResult {
  std::string tool;    // "sluice-bench"
  std::string client;  // "sluice 0.1.0", "librdkafka 2.0.2"
  BenchOptions options;
  std::int64_t sent = 0;  // records handed to the client
  Outcome outcome;
  double elapsed_s = 0;   // first send to last report
  LatencySummary latency;
  bool latency_from_intended = false;  // --throughput: measured from the intended send time
  double cpu_user_s = 0;               // during the run (first send to last report)
  double cpu_system_s = 0;
  double peak_rss_mib = 0;
  bool interrupted = false;  // stopped early by SIGINT/SIGTERM
  std::vector<ProducerMetric> metrics;  // --print-metrics: the producer's, at the end of the run
};

std::int64_t without_report(const BenchResult& r) noexcept;
double records_per_second(const BenchResult& r) noexcept;  // acknowledged records
double mib_per_second(const BenchResult& r) noexcept;      // acknowledged value bytes, 2^20 bytes per MiB
double cpu_us_per_record(const BenchResult& r) noexcept;   // per record sent

// 0: every requested record acknowledged; 130: interrupted; 1: otherwise.
int exit_code(const BenchResult& r) noexcept;

// Multi-line, human-readable; ends with a newline; the metrics (if any)
// follow in kafka-producer-perf-test's layout (metrics_text).
std::string report_text(const BenchResult& r);
// One line of JSON (Boost.JSON), no trailing newline; fields in docs/TOOLS.md.
std::string report_json(const BenchResult& r);
// How a property's value appears in a report: "(hidden)" for a secret
// (sasl.password, ssl.key.password, sasl.jaas.config, any name ending in
// ".password" or ".secret"), as Sluice's own ConfigError messages show it;
// the value as given otherwise. Reports and the results files built from
// them never carry credentials.
std::string shown_property_value(std::string_view name, const std::string& value);

// The one stderr line when something failed ("N of M records failed: ..."),
// without the program name; nullopt when all went well.
std::optional<std::string> failure_line(const BenchResult& r);

}  // namespace sluice::bench
