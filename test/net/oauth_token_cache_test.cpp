// OAuthTokenCache on a fake clock: renewal at 80% of a token's lifetime,
// the old token while renewal fails, and expired tokens refused beyond the
// clock skew.
#include <catch2/catch.hpp>

#include "sluice/net/oauth_token_cache.hpp"

using namespace sluice::net;
using namespace std::chrono_literals;

namespace {
const WallClock::time_point t0 = WallClock::time_point(std::chrono::seconds(1'700'000'000));
OAuthToken token(WallClock::time_point received, WallClock::duration lifetime) {
  OAuthToken t;
  t.value = "tok";
  t.received = received;
  t.expiry = received + lifetime;
  return t;
}
}  // namespace

TEST_CASE("token cache: empty needs a fetch, a token serves until 80% of its lifetime") {
  OAuthTokenCache c({0.8, 30s});
  CHECK(c.needs_fetch(t0));
  CHECK(c.cached() == nullptr);
  REQUIRE_FALSE(c.accept(token(t0, 100s), t0, "src"));
  CHECK(c.refresh_at() == t0 + 80s);
  CHECK_FALSE(c.needs_fetch(t0));
  CHECK_FALSE(c.needs_fetch(t0 + 79s + 999ms));
  CHECK(c.needs_fetch(t0 + 80s));
  // A 20 s token (the short-lived test client): renewed after 16 s.
  REQUIRE_FALSE(c.accept(token(t0 + 80s, 20s), t0 + 80s, "src"));
  CHECK_FALSE(c.needs_fetch(t0 + 95s));
  CHECK(c.needs_fetch(t0 + 96s));
}

TEST_CASE("token cache: the window factor is configurable and a future receipt time is clamped to now") {
  OAuthTokenCache c({0.5, 30s});
  REQUIRE_FALSE(c.accept(token(t0 + 1000s, 100s), t0, "src"));  // received claims the future
  CHECK(c.refresh_at() == t0 + 550s);  // lifetime counted from now: 1100 s, half of it
}

TEST_CASE("token cache: while renewal fails, the old token serves until it expires") {
  OAuthTokenCache c({0.8, 30s});
  REQUIRE_FALSE(c.accept(token(t0, 100s), t0, "src"));
  CHECK(c.needs_fetch(t0 + 90s));
  REQUIRE(c.usable(t0 + 90s) != nullptr);
  CHECK(c.usable(t0 + 99s) != nullptr);
  CHECK(c.usable(t0 + 100s) == nullptr);
}

TEST_CASE("token cache: a token expired beyond the clock skew is refused, naming the source and the setting") {
  OAuthTokenCache c({0.8, 30s});
  OAuthToken old = token(t0 - 400s, 60s);  // expired 340 s ago (the "expired" test client)
  auto why = c.accept(old, t0, "token endpoint http://x/token (client id 'c')");
  REQUIRE(why);
  CHECK(why->find("token endpoint http://x/token (client id 'c')") == 0);
  CHECK(why->find("expired 340 s ago") != std::string::npos);
  CHECK(why->find("sasl.oauthbearer.clock.skew.seconds=30") != std::string::npos);
  CHECK(c.cached() == nullptr);
  // Inside the skew it is still taken (the broker tolerates the same skew).
  CHECK_FALSE(expired_token_reason(token(t0 - 80s, 60s), t0, 30s));
  CHECK(expired_token_reason(token(t0 - 91s, 60s), t0, 30s));
}
