// The application's token function as an OAuthTokenSource: called when the
// cache needs a token, on the thread that asks; the answer is delivered
// through the io_context like every other source's.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>

#include "sluice/net/oauth_token.hpp"
#include "sluice/net/oauth_token_cache.hpp"
#include "sluice/net/sasl_error.hpp"

namespace sluice::net {

namespace {

class FunctionTokenSource final : public OAuthTokenSource {
 public:
  FunctionTokenSource(std::function<OAuthTokenResult()> provide, OAuthRefreshPolicy policy)
      : provide_(std::move(provide)), cache_(policy) {}

  void async_token(boost::asio::io_context& io, Handler done) override {
    OAuthTokenResult result = get(WallClock::now());
    boost::asio::post(io, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

 private:
  OAuthTokenResult get(WallClock::time_point now) {
    std::lock_guard lock(mu_);
    if (!cache_.needs_fetch(now)) return {*cache_.cached(), {}, {}};
    OAuthTokenResult fresh = provide_();
    if (fresh.token) {
      fresh.token->received = now;
      if (auto why = cache_.accept(std::move(*fresh.token), now, "the OAUTHBEARER token provider")) {
        return {std::nullopt, sasl_errc::oauth_token_expired, std::move(*why)};
      }
      return {*cache_.cached(), {}, {}};
    }
    if (const OAuthToken* old = cache_.usable(now)) return {*old, {}, {}};  // renewal failed; the old one still serves
    if (!fresh.error) fresh.error = sasl_errc::oauth_token_unavailable;
    if (fresh.message.empty()) fresh.message = "the OAUTHBEARER token provider returned no token";
    return fresh;
  }

  std::function<OAuthTokenResult()> provide_;
  std::mutex mu_;
  OAuthTokenCache cache_;
};

}  // namespace

std::shared_ptr<OAuthTokenSource> make_function_token_source(std::function<OAuthTokenResult()> provide,
                                                             OAuthRefreshPolicy policy) {
  return std::make_shared<FunctionTokenSource>(std::move(provide), policy);
}

}  // namespace sluice::net
