// sluice-bench: produce a workload and report what happened.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <sys/resource.h>
#include <vector>

#include "bench_options.hpp"
#include "sluice/sluice.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  sluice::bench::BenchOptions opt;
  try {
    bool help = false;
    opt = sluice::bench::parse_bench_options(argc, argv, help);
    if (help) {
      std::cout << sluice::bench::bench_usage();
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "sluice-bench: " << e.what() << "\n";
    return 2;
  }
  opt.properties["bootstrap.servers"] = opt.bootstrap;

  std::unique_ptr<sluice::Producer> producer;
  try {
    producer = std::make_unique<sluice::Producer>(sluice::Config::from_map(opt.properties));
  } catch (const sluice::ConfigError& e) {
    std::cerr << "sluice-bench: " << e.what() << "\n";
    return 2;
  }

  const auto n = static_cast<std::size_t>(opt.num_records);
  std::vector<double> latency_us(n, -1);
  std::mutex mu;
  std::map<std::int32_t, std::int64_t> per_partition;
  std::map<std::string, std::int64_t> failures;
  std::string first_error;
  std::atomic<std::int64_t> acked{0};
  const std::string value(opt.record_size, 'x');

  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    sluice::Record r;
    r.topic = opt.topic;
    r.value = value;
    const auto sent_at = Clock::now();
    producer->send(std::move(r), [&, i, sent_at](const sluice::DeliveryReport& rep) {
      latency_us[i] = std::chrono::duration<double, std::micro>(Clock::now() - sent_at).count();
      std::lock_guard lock(mu);
      if (rep.error) {
        ++failures[rep.error.message()];
        if (first_error.empty()) first_error = rep.error_message;
      } else {
        ++per_partition[rep.partition];
        ++acked;
      }
    });
  }
  const std::size_t left = producer->flush(std::chrono::minutes(5));
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  producer.reset();

  std::vector<double> lat;
  lat.reserve(n);
  for (double v : latency_us) {
    if (v >= 0) lat.push_back(v);
  }
  const double rate = static_cast<double>(n) / secs;
  const double mib = rate * static_cast<double>(opt.record_size) / (1024.0 * 1024.0);
  std::int64_t failed = 0;
  for (auto& [k, v] : failures) failed += v;
  const double p50 = percentile(lat, 50), p99 = percentile(lat, 99), pmax = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());

  if (opt.json) {
    std::printf("{\"records\":%zu,\"acked\":%lld,\"failed\":%lld,\"seconds\":%.3f,\"records_per_sec\":%.0f,"
                "\"mib_per_sec\":%.2f,\"latency_us\":{\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f},"
                "\"cpu_seconds\":%.3f,\"cpu_us_per_record\":%.3f}\n",
                n, static_cast<long long>(acked.load()), static_cast<long long>(failed), secs, rate, mib, p50, p99,
                pmax, cpu, cpu * 1e6 / static_cast<double>(n));
  } else {
    std::printf("sent %zu records of %zu bytes to topic '%s' in %.2f s\n", n, opt.record_size, opt.topic.c_str(), secs);
    std::printf("acknowledged %lld, failed %lld, without report %zu\n", static_cast<long long>(acked.load()),
                static_cast<long long>(failed), left);
    std::printf("%.0f records/s, %.2f MiB/s\n", rate, mib);
    std::printf("send->ack latency: p50 %.0f us, p99 %.0f us, max %.0f us\n", p50, p99, pmax);
    std::printf("client CPU: %.2f s (%.2f us/record)\n", cpu, cpu * 1e6 / static_cast<double>(n));
    for (auto& [p, c] : per_partition) std::printf("  partition %d: %lld records\n", p, static_cast<long long>(c));
    for (auto& [e, c] : failures) std::printf("  failed (%s): %lld\n", e.c_str(), static_cast<long long>(c));
    if (!first_error.empty()) std::printf("  first error: %s\n", first_error.c_str());
  }
  return (failed > 0 || left > 0) ? 1 : 0;
}
