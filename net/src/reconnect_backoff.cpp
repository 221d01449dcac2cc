#include "sluice/net/reconnect_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace sluice::net {

double ReconnectBackoff::jitter() noexcept {
  // xorshift64*: small, seedable, good enough for spreading delays.
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  const std::uint64_t r = state_ * 0x2545F4914F6CDD1DULL;
  return 0.8 + 0.4 * static_cast<double>(r >> 11) / static_cast<double>(1ULL << 53);
}

std::chrono::milliseconds ReconnectBackoff::next_delay() noexcept {
  const double base = static_cast<double>(initial_.count()) * std::pow(2.0, std::min<std::uint32_t>(failures_, 30));
  const double capped = std::min(base, static_cast<double>(max_.count()));
  ++failures_;
  const auto delay = static_cast<std::int64_t>(capped * jitter());
  return std::chrono::milliseconds(std::max<std::int64_t>(delay, 1));
}

}  // namespace sluice::net
