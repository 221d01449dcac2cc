#include "pacer.hpp"

#include <thread>

namespace sluice::bench {

Clock::time_point Pacer::intended(std::uint64_t index) const noexcept {
  if (rate_ <= 0) return start_;
  // index * 1e9 / rate without overflowing 64 bits: whole seconds first,
  // then the remainder (< rate, so remainder * 1e9 fits).
  const auto rate = static_cast<std::uint64_t>(rate_);
  const std::uint64_t ns = (index / rate) * 1'000'000'000ULL + (index % rate) * 1'000'000'000ULL / rate;
  return start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

Clock::time_point Pacer::wait(std::uint64_t index) const {
  const Clock::time_point t = intended(index);
  if (rate_ > 0 && Clock::now() < t) std::this_thread::sleep_until(t);
  return t;
}

}  // namespace sluice::bench
