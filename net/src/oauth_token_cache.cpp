#include "sluice/net/oauth_token_cache.hpp"

#include <algorithm>

namespace sluice::net {

namespace {

std::string seconds_text(WallClock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

std::optional<std::string> expired_token_reason(const OAuthToken& token, WallClock::time_point now,
                                                std::chrono::seconds skew) {
  if (token.expiry + skew >= now) return std::nullopt;
  return "the token expired " + seconds_text(now - token.expiry) +
         " ago, more than sasl.oauthbearer.clock.skew.seconds=" + std::to_string(skew.count()) +
         ": check the token's lifetime at its issuer and this machine's clock";
}

bool OAuthTokenCache::needs_fetch(WallClock::time_point now) const { return !token_ || now >= refresh_at_; }

std::optional<std::string> OAuthTokenCache::accept(OAuthToken token, WallClock::time_point now,
                                                   const std::string& source) {
  if (auto why = expired_token_reason(token, now, policy_.clock_skew)) return source + ": " + *why;
  token.received = std::min(token.received, now);
  const auto lifetime = std::max(token.expiry - token.received, WallClock::duration::zero());
  const double factor = std::clamp(policy_.window_factor, 0.0, 1.0);
  refresh_at_ = token.received +
                std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(lifetime) * factor);
  token_ = std::move(token);
  return std::nullopt;
}

const OAuthToken* OAuthTokenCache::usable(WallClock::time_point now) const {
  return token_ && now < token_->expiry ? &*token_ : nullptr;
}

}  // namespace sluice::net
