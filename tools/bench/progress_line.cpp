#include "progress_line.hpp"

#include <cstdio>

namespace sluice::bench {
namespace {
constexpr auto kInterval = std::chrono::milliseconds(500);
}

std::string format_progress(const ProgressSample& s) {
  std::string out = "sent " + std::to_string(s.sent) + "  acked " + std::to_string(s.acked);
  if (s.failed > 0) out += "  failed " + std::to_string(s.failed);
  char rates[96];
  std::snprintf(rates, sizeof rates, "  %.0f rec/s  %.2f MiB/s  %.1f s", s.records_per_s, s.mib_per_s, s.elapsed_s);
  return out + rates;
}

ProgressLine::ProgressLine(bool enabled, Clock::time_point start, std::FILE* out) noexcept
    : enabled_(enabled), out_(out), start_(start), last_(start) {}

void ProgressLine::update(Clock::time_point now, std::int64_t sent, std::int64_t acked, std::int64_t failed,
                          std::uint64_t acked_bytes) {
  if (!enabled_ || now - last_ < kInterval) return;
  const double dt = std::chrono::duration<double>(now - last_).count();
  ProgressSample s;
  s.sent = sent;
  s.acked = acked;
  s.failed = failed;
  s.records_per_s = static_cast<double>(acked - last_acked_) / dt;
  s.mib_per_s = static_cast<double>(acked_bytes - last_bytes_) / dt / (1024.0 * 1024.0);
  s.elapsed_s = std::chrono::duration<double>(now - start_).count();
  // \033[K clears what a longer previous line left behind.
  std::fprintf(out_, "\r%s\033[K", format_progress(s).c_str());
  std::fflush(out_);
  printed_ = true;
  last_ = now;
  last_acked_ = acked;
  last_bytes_ = acked_bytes;
}

void ProgressLine::finish() {
  if (printed_) {
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    printed_ = false;
  }
}

}  // namespace sluice::bench
