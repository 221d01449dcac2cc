// Send->ack latency: nearest-rank percentiles and the per-record recorder.
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "latency_recorder.hpp"

using namespace sluice::bench;
using namespace std::chrono_literals;

TEST_CASE("percentiles of 1..1000 us are the nearest-rank values") {
  std::vector<std::uint32_t> v(1000);
  std::iota(v.rbegin(), v.rend(), 1u);  // descending: the summary must sort
  const auto s = summarize_latencies(v);
  CHECK(s.samples == 1000);
  CHECK(s.p50_us == 500);
  CHECK(s.p95_us == 950);
  CHECK(s.p99_us == 990);
  CHECK(s.p999_us == 999);
  CHECK(s.max_us == 1000);
  CHECK(s.mean_us == Approx(500.5));
}

TEST_CASE("percentiles of few samples are samples, never interpolated") {
  const auto s = summarize_latencies({10, 20, 30});
  CHECK(s.p50_us == 20);
  CHECK(s.p95_us == 30);
  CHECK(s.p999_us == 30);
  CHECK(s.max_us == 30);
  const auto one = summarize_latencies({7});
  CHECK(one.p50_us == 7);
  CHECK(one.max_us == 7);
}

TEST_CASE("a single stall shows at p99.9 and max, not at p50") {
  std::vector<std::uint32_t> v(10000, 100);
  v[1234] = 2'000'000;
  const auto s = summarize_latencies(v);
  CHECK(s.p50_us == 100);
  CHECK(s.p99_us == 100);
  CHECK(s.p999_us == 100);
  CHECK(s.max_us == 2'000'000);
}

TEST_CASE("no samples: all zero") {
  const auto s = summarize_latencies({});
  CHECK(s.samples == 0);
  CHECK(s.max_us == 0);
  CHECK(s.mean_us == 0);
}

TEST_CASE("the recorder measures acked - sent per record, in microseconds, and skips unacknowledged ones") {
  const Clock::time_point t0{};
  LatencyRecorder r(4, t0);
  r.sent(0, t0 + 1ms);
  r.sent(1, t0 + 2ms);
  r.sent(2, t0 + 3ms);
  r.sent(3, t0 + 4ms);
  r.acked(0, t0 + 1ms + 250us);
  r.acked(1, t0 + 2ms + 1500us + 999ns);  // truncated to whole microseconds
  r.acked(3, t0 + 4ms + 3s);              // record 2 failed: never acked
  const auto s = r.summary();
  CHECK(s.samples == 3);
  CHECK(s.p50_us == 1500);
  CHECK(s.max_us == 3'000'000);
  CHECK(s.mean_us == Approx((250.0 + 1500.0 + 3'000'000.0) / 3));
}

TEST_CASE("the recorder ignores indexes out of range") {
  LatencyRecorder r(1, Clock::time_point{});
  r.sent(5, Clock::time_point{});
  r.acked(5, Clock::time_point{} + 1s);
  CHECK(r.summary().samples == 0);
}
