#pragma once
// When an OAUTHBEARER token is used, renewed or refused: the decisions of a
// token source without its I/O (time comes in as an argument, so the tests
// run on a fake clock).
//
// A token is renewed once window_factor of its lifetime (from receipt to
// expiry) has passed: librdkafka renews at 80%, Java at
// sasl.login.refresh.window.factor (0.8). A token whose expiry lies more
// than clock_skew in the past is refused before it is sent (the broker
// would refuse it too, with less to go on). When a renewal fails, the old
// token serves until it expires.
#include <optional>
#include <string>

#include "sluice/net/oauth_token.hpp"

namespace sluice::net {

class OAuthTokenCache {
 public:
  explicit OAuthTokenCache(OAuthRefreshPolicy policy) : policy_(policy) {}

  // Nothing cached, or the cached token is due for renewal.
  bool needs_fetch(WallClock::time_point now) const;
  // Keeps `token` (received at `now`) unless it is expired; then returns
  // why, naming `source` (e.g. "token endpoint http://...: client id x").
  std::optional<std::string> accept(OAuthToken token, WallClock::time_point now, const std::string& source);
  // The cached token if it has not expired (for use while renewal fails).
  const OAuthToken* usable(WallClock::time_point now) const;
  // The cached token, fresh or not; null when there is none.
  const OAuthToken* cached() const noexcept { return token_ ? &*token_ : nullptr; }
  // When the cached token is due for renewal (meaningless without one).
  WallClock::time_point refresh_at() const noexcept { return refresh_at_; }

 private:
  OAuthRefreshPolicy policy_;
  std::optional<OAuthToken> token_;
  WallClock::time_point refresh_at_{};
};

// Why `token` may not be used at `now` (its expiry is more than `skew` in
// the past), or nullopt.
std::optional<std::string> expired_token_reason(const OAuthToken& token, WallClock::time_point now,
                                                std::chrono::seconds skew);

}  // namespace sluice::net
