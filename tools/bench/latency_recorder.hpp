#pragma once
// Send->ack latency of every record, at microsecond resolution on the
// monotonic clock, and its percentiles.
//
// Exact, not sampled: one slot per record (12 bytes: send time and
// latency), written without locks because each record's slots are touched
// by one send and one report, in that order (the client's queue orders
// them). Read the summary only once no report can arrive any more.
#include <chrono>
#include <cstdint>
#include <vector>

namespace sluice::bench {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux

struct LatencySummary {
  std::uint64_t samples = 0;  // acknowledged records measured
  std::uint64_t p50_us = 0, p95_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
  double mean_us = 0;
};

// Nearest-rank percentiles (the smallest sample that at least p % of the
// samples do not exceed), so every figure is a latency that happened.
// Takes the samples by value: it sorts them.
LatencySummary summarize_latencies(std::vector<std::uint32_t> samples_us);

class LatencyRecorder {
 public:
  LatencyRecorder(std::size_t records, Clock::time_point epoch);

  // Record `index` was (or, when throttled, should have been) sent at `t`.
  void sent(std::size_t index, Clock::time_point t) noexcept;
  // Record `index` was acknowledged at `t`; failures are not recorded.
  void acked(std::size_t index, Clock::time_point t) noexcept;

  LatencySummary summary() const;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  Clock::time_point epoch_;
  std::vector<std::int64_t> sent_ns_;       // since epoch_
  std::vector<std::uint32_t> latency_us_;   // kNone: no acknowledgement
};

}  // namespace sluice::bench
