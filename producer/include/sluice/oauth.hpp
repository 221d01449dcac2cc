#pragma once
// SASL OAUTHBEARER tokens from the application (docs/SECURITY.md,
// "OAUTHBEARER"): a function the producer calls for a token when a
// connection authenticates (or re-authenticates, KIP-368) and no fresh
// token is cached. Set it as ProducerOptions::oauthbearer_token_provider
// with sasl.mechanism=OAUTHBEARER, instead of the built-in OIDC client
// credentials (sasl.oauthbearer.method=oidc).
//
// Threading: it runs on the producer's I/O thread (or the thread running
// ProducerOptions::io_context), one call at a time. While it runs, no
// broker connection makes progress: fetch the token quickly, or keep one
// ready from a thread of your own and return it.
//
// Caching: a token is used until 80% of its lifetime (from when the
// provider returned it to `expiry`; sasl.login.refresh.window.factor)
// has passed; the next authentication after that asks again. If that call
// fails, the old token serves until it expires.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace sluice {

struct OAuthBearerToken {
  std::string value;  // the bearer token (usually a JWT); a secret: Sluice never logs it
  std::chrono::system_clock::time_point expiry;
  std::string principal;  // whom it names, for messages (the broker takes it from the token)
  std::map<std::string, std::string> extensions;  // SASL extensions (RFC 7628), e.g. Confluent's logicalCluster
};

// A token, or why there is none.
class OAuthBearerTokenResult {
 public:
  OAuthBearerTokenResult(OAuthBearerToken token) : token_(std::move(token)) {}  // NOLINT: implicit on purpose
  // No token: `why` becomes part of the connection failure (logged, and in
  // the delivery reports of records that cannot be sent, errc::no_broker_available).
  static OAuthBearerTokenResult failure(std::string why) {
    OAuthBearerTokenResult r;
    r.error_ = std::move(why);
    return r;
  }
  const std::optional<OAuthBearerToken>& token() const noexcept { return token_; }
  const std::string& error() const noexcept { return error_; }

 private:
  OAuthBearerTokenResult() = default;
  std::optional<OAuthBearerToken> token_;
  std::string error_;
};

// Returns a token or a failure. An exception thrown counts as a failure
// with its what(). A token whose expiry is more than
// sasl.oauthbearer.clock.skew.seconds (30) in the past is refused as
// expired before any broker sees it.
using OAuthBearerTokenProvider = std::function<OAuthBearerTokenResult()>;

}  // namespace sluice
