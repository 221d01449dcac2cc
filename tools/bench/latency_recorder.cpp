#include "latency_recorder.hpp"

#include <algorithm>

namespace sluice::bench {
namespace {

// per_mille: 500 is p50, 999 is p99.9. Integer arithmetic: with doubles,
// 99.9 / 100 * 1000 rounds up to the next rank.
std::uint64_t nearest_rank(const std::vector<std::uint32_t>& sorted, std::uint64_t per_mille) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::clamp<std::uint64_t>((per_mille * n + 999) / 1000, 1, n);
  return sorted[rank - 1];
}

}  // namespace

LatencySummary summarize_latencies(std::vector<std::uint32_t> samples_us) {
  LatencySummary s;
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  s.samples = samples_us.size();
  s.p50_us = nearest_rank(samples_us, 500);
  s.p95_us = nearest_rank(samples_us, 950);
  s.p99_us = nearest_rank(samples_us, 990);
  s.p999_us = nearest_rank(samples_us, 999);
  s.max_us = samples_us.back();
  double sum = 0;
  for (auto v : samples_us) sum += v;
  s.mean_us = sum / static_cast<double>(samples_us.size());
  return s;
}

LatencyRecorder::LatencyRecorder(std::size_t records, Clock::time_point epoch)
    : epoch_(epoch), sent_ns_(records, 0), latency_us_(records, kNone) {}

void LatencyRecorder::sent(std::size_t index, Clock::time_point t) noexcept {
  if (index < sent_ns_.size()) {
    sent_ns_[index] = std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch_).count();
  }
}

void LatencyRecorder::acked(std::size_t index, Clock::time_point t) noexcept {
  if (index >= latency_us_.size()) return;
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t - epoch_).count();
  const std::int64_t us = std::max<std::int64_t>(0, (now_ns - sent_ns_[index]) / 1000);
  // Saturate below the sentinel: 71 minutes is "off the scale" anyway.
  latency_us_[index] = static_cast<std::uint32_t>(std::min<std::int64_t>(us, kNone - 1));
}

LatencySummary LatencyRecorder::summary() const {
  std::vector<std::uint32_t> samples;
  samples.reserve(latency_us_.size());
  for (auto v : latency_us_) {
    if (v != kNone) samples.push_back(v);
  }
  return summarize_latencies(std::move(samples));
}

}  // namespace sluice::bench
