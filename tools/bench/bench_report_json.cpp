// report_json: the report as one JSON object, built with Boost.JSON (this
// is the only file that includes it, so the tools' other files compile
// without Boost).
#include <boost/json.hpp>
#include <cmath>

#include "bench_report.hpp"

namespace sluice::bench {

std::string report_json(const BenchResult& r) {
  namespace json = boost::json;
  const auto& o = r.options;

  json::object properties;
  for (const auto& [name, value] : o.properties) {
    properties[name] = shown_property_value(name, value);  // later flags win, as in the client
  }
  json::object config{
      {"bootstrap", o.bootstrap},
      {"topic", o.topic},
      {"num_records", o.num_records},
      {"record_size", o.record_size},
      {"throughput", o.throughput},
      {"key_mode", std::string(key_mode_name(o.key_mode))},
      {"properties", std::move(properties)},
  };

  json::array failures;
  for (const auto& f : r.outcome.failures) {
    failures.push_back(json::object{{"error", f.error}, {"count", f.count}, {"first_message", f.first_message}});
  }
  json::object partitions;
  for (const auto& [p, n] : r.outcome.per_partition) partitions[std::to_string(p)] = n;

  const auto& l = r.latency;
  json::object latency{
      {"measured_from", r.latency_from_intended ? "intended_send_time" : "send_call"},
      {"samples", l.samples},
      {"p50", l.p50_us},
      {"p95", l.p95_us},
      {"p99", l.p99_us},
      {"p99_9", l.p999_us},
      {"max", l.max_us},
      {"mean", l.mean_us},
  };

  json::object report{
      {"tool", r.tool},
      {"client", r.client},
      {"config", std::move(config)},
      {"records",
       json::object{{"requested", o.num_records},
                    {"sent", r.sent},
                    {"acknowledged", r.outcome.acked},
                    {"failed", r.outcome.failed},
                    {"without_report", without_report(r)}}},
      {"failures", std::move(failures)},
      {"partitions", std::move(partitions)},
      {"elapsed_seconds", r.elapsed_s},
      {"records_per_second", records_per_second(r)},
      {"mib_per_second", mib_per_second(r)},
      {"acknowledged_bytes", r.outcome.acked_bytes},
      {"latency_us", std::move(latency)},
      {"cpu",
       json::object{{"user_seconds", r.cpu_user_s},
                    {"system_seconds", r.cpu_system_s},
                    {"total_seconds", r.cpu_user_s + r.cpu_system_s},
                    {"us_per_record", cpu_us_per_record(r)}}},
      {"peak_rss_mib", r.peak_rss_mib},
      {"interrupted", r.interrupted},
      {"exit_code", exit_code(r)},
  };
  if (!r.metrics.empty()) {
    json::object metrics;  // keyed by Java's display name; NaN (no samples) as null
    for (const auto& m : r.metrics) {
      if (std::isnan(m.value)) {
        metrics[m.display_name()] = nullptr;
      } else {
        metrics[m.display_name()] = m.value;
      }
    }
    report["metrics"] = std::move(metrics);
  }
  return json::serialize(report);
}

}  // namespace sluice::bench
