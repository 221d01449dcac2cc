#pragma once
// The live progress line on a terminal: rewritten in place (\r) on stderr
// every half second, and only when stderr is a terminal, so logs and pipes
// get the final report alone.
#include <cstdint>
#include <cstdio>
#include <string>

#include "latency_recorder.hpp"  // Clock

namespace sluice::bench {

struct ProgressSample {
  std::int64_t sent = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  double records_per_s = 0;  // acknowledged, over the last interval
  double mib_per_s = 0;
  double elapsed_s = 0;
};

// One line, no newline: "sent 120000  acked 118000  45210 rec/s  4.31 MiB/s  2.6 s".
std::string format_progress(const ProgressSample& s);

class ProgressLine {
 public:
  // enabled: normally isatty(STDERR_FILENO).
  ProgressLine(bool enabled, Clock::time_point start, std::FILE* out = stderr) noexcept;
  // Cheap when called often: prints only when the interval has passed.
  void update(Clock::time_point now, std::int64_t sent, std::int64_t acked, std::int64_t failed,
              std::uint64_t acked_bytes);
  // Erases the line, so the report starts on a clean line.
  void finish();

 private:
  bool enabled_;
  std::FILE* out_;
  bool printed_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
  std::int64_t last_acked_ = 0;
  std::uint64_t last_bytes_ = 0;
};

}  // namespace sluice::bench
