#pragma once
// OAUTHBEARER tokens and where connections get them. A token source is
// shared by every connection of a producer: it hands out a cached token
// while it is fresh and gets a new one when it is not (oauth_token_cache.hpp
// decides which). Two sources exist: OIDC client credentials
// (oidc_token_source.hpp) and the application's own function (below).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace sluice::net {

using WallClock = std::chrono::system_clock;

struct OAuthToken {
  std::string value;  // the bearer token (secret: never in a message or log line)
  WallClock::time_point expiry;
  WallClock::time_point received;  // when the client got it: its lifetime starts here for refreshing
  std::string principal;           // informational (the broker derives its own from the token)
  std::vector<std::pair<std::string, std::string>> extensions;  // SASL extensions sent with it
};

// A token, or why there is none: `message` names the source (endpoint URL,
// client id) and the setting to check, never a secret.
struct OAuthTokenResult {
  std::optional<OAuthToken> token;
  std::error_code error;
  std::string message;
};

class OAuthTokenSource {
 public:
  using Handler = std::function<void(OAuthTokenResult)>;
  virtual ~OAuthTokenSource() = default;
  // A token fit to use now. `done` runs on a thread running `io`, never
  // inside this call (the caller may hold state it changes).
  virtual void async_token(boost::asio::io_context& io, Handler done) = 0;
};

struct OAuthRefreshPolicy {
  double window_factor = 0.8;         // renew after this fraction of the lifetime
  std::chrono::seconds clock_skew{30};  // tolerated lateness of an expiry
};

// The application's function as a source: called on the thread that asks
// (a connection's I/O thread) when no fresh token is cached. It must not
// throw (the producer's adapter turns exceptions into errors).
std::shared_ptr<OAuthTokenSource> make_function_token_source(std::function<OAuthTokenResult()> provide,
                                                             OAuthRefreshPolicy policy);

}  // namespace sluice::net
