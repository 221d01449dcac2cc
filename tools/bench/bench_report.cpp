#include "bench_report.hpp"

#include <cstdio>

namespace sluice::bench {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string properties_text(const BenchOptions& o) {
  std::string s;
  for (const auto& [name, value] : o.properties) {
    s += (s.empty() ? "" : " ") + name + "=" + shown_property_value(name, value);
  }
  return s.empty() ? "client defaults" : s;
}

}  // namespace

std::string shown_property_value(std::string_view name, const std::string& value) {
  const bool secret = name == "sasl.jaas.config" || name.ends_with(".password") || name.ends_with(".secret");
  return secret ? std::string("(hidden)") : value;
}

std::int64_t without_report(const BenchResult& r) noexcept {
  return r.sent - r.outcome.acked - r.outcome.failed;
}

double records_per_second(const BenchResult& r) noexcept {
  return r.elapsed_s > 0 ? static_cast<double>(r.outcome.acked) / r.elapsed_s : 0;
}

double mib_per_second(const BenchResult& r) noexcept {
  return r.elapsed_s > 0 ? static_cast<double>(r.outcome.acked_bytes) / r.elapsed_s / (1024.0 * 1024.0) : 0;
}

double cpu_us_per_record(const BenchResult& r) noexcept {
  return r.sent > 0 ? (r.cpu_user_s + r.cpu_system_s) * 1e6 / static_cast<double>(r.sent) : 0;
}

int exit_code(const BenchResult& r) noexcept {
  if (r.interrupted) return 130;
  return r.outcome.acked == r.options.num_records ? 0 : 1;
}

std::string report_text(const BenchResult& r) {
  const auto& o = r.options;
  const auto& l = r.latency;
  std::string s;
  s += r.tool + " (" + r.client + "): " + std::to_string(o.num_records) + " records of " +
       std::to_string(o.record_size) + " B to topic '" + o.topic + "' on " + o.bootstrap + "\n";
  s += "  settings    keys " + std::string(key_mode_name(o.key_mode)) + ", " +
       (o.throughput > 0 ? "throughput cap " + std::to_string(o.throughput) + " records/s" : std::string("unthrottled")) +
       ", " + properties_text(o) + "\n";
  s += "  records     sent " + std::to_string(r.sent) + ", acknowledged " + std::to_string(r.outcome.acked) +
       ", failed " + std::to_string(r.outcome.failed) + ", without report " + std::to_string(without_report(r)) +
       (r.interrupted ? " (interrupted)" : "") + "\n";
  s += "  throughput  " + fmt("%.0f", records_per_second(r)) + " records/s, " + fmt("%.2f", mib_per_second(r)) +
       " MiB/s of values, in " + fmt("%.3f", r.elapsed_s) + " s\n";
  if (l.samples > 0) {
    s += "  latency     p50 " + std::to_string(l.p50_us) + " us, p95 " + std::to_string(l.p95_us) + " us, p99 " +
         std::to_string(l.p99_us) + " us, p99.9 " + std::to_string(l.p999_us) + " us, max " +
         std::to_string(l.max_us) + " us\n";
    s += "              (send->ack of " + std::to_string(l.samples) + " acknowledged records, from " +
         (r.latency_from_intended ? "each record's intended send time" : "the send call") + ")\n";
  } else {
    s += "  latency     none measured: no record was acknowledged\n";
  }
  s += "  client CPU  " + fmt("%.3f", r.cpu_user_s + r.cpu_system_s) + " s (user " + fmt("%.3f", r.cpu_user_s) +
       ", sys " + fmt("%.3f", r.cpu_system_s) + "), " + fmt("%.2f", cpu_us_per_record(r)) + " us/record\n";
  s += "  peak RSS    " + fmt("%.1f", r.peak_rss_mib) + " MiB\n";
  if (!r.outcome.per_partition.empty()) {
    std::string parts;
    for (const auto& [p, n] : r.outcome.per_partition) {
      parts += (parts.empty() ? "" : ", ") + std::to_string(p) + ": " + std::to_string(n);
    }
    s += "  partitions  " + parts + "\n";
  }
  for (const auto& f : r.outcome.failures) {
    s += "  failed      " + std::to_string(f.count) + " x " + f.error + "\n";
    s += "              first: " + f.first_message + "\n";
  }
  return s + metrics_text(r.metrics);
}

std::optional<std::string> failure_line(const BenchResult& r) {
  const std::int64_t missing = r.options.num_records - r.outcome.acked;
  if (missing <= 0) return std::nullopt;
  std::string line;
  if (r.outcome.failed > 0) {
    line = std::to_string(r.outcome.failed) + " of " + std::to_string(r.sent) + " records failed: " +
           r.outcome.failures.front().first_message;
    if (r.outcome.failures.size() > 1) {
      line += " (and " + std::to_string(r.outcome.failures.size() - 1) + " other errors, see the report)";
    }
    if (without_report(r) > 0) line += "; " + std::to_string(without_report(r)) + " got no delivery report";
  } else if (without_report(r) > 0) {
    line = std::to_string(without_report(r)) + " of " + std::to_string(r.sent) +
           " records got no delivery report before the client was closed";
  } else {
    line = "interrupted after " + std::to_string(r.sent) + " of " + std::to_string(r.options.num_records) +
           " records";
  }
  return line;
}

}  // namespace sluice::bench
