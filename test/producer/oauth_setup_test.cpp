// prepare_oauthbearer: OAUTHBEARER gets its token source from OIDC or the
// application's provider (exactly one), and the provider's failures and
// exceptions become errors.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <stdexcept>

#include "oauth_setup.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/net/sasl_error.hpp"

using sluice::Config;
using sluice::ConfigError;
using sluice::OAuthBearerToken;
using sluice::OAuthBearerTokenResult;
using sluice::ProducerOptions;
using sluice::detail::prepare_oauthbearer;

namespace {

sluice::ProducerSettings settings(std::map<std::string, std::string> properties) {
  properties["bootstrap.servers"] = "h:1";
  properties.emplace("security.protocol", "SASL_PLAINTEXT");
  properties.emplace("sasl.mechanism", "OAUTHBEARER");
  return Config::from_map(properties).resolve();
}

sluice::net::OAuthTokenResult get(sluice::net::OAuthTokenSource& source) {
  boost::asio::io_context io;
  std::optional<sluice::net::OAuthTokenResult> r;
  source.async_token(io, [&](sluice::net::OAuthTokenResult x) { r = std::move(x); });
  CHECK_FALSE(r);  // never inside the call
  io.run();
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("OAUTHBEARER needs a token source: OIDC or a provider, not neither, not both") {
  auto s = settings({});
  try {
    prepare_oauthbearer(s, ProducerOptions{});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.property() == "sasl.oauthbearer.method");
    CHECK(std::string(e.what()).find("oauthbearer_token_provider") != std::string::npos);
  }
  ProducerOptions with_provider;
  with_provider.oauthbearer_token_provider = [] { return OAuthBearerTokenResult::failure("x"); };
  auto oidc = settings({{"sasl.oauthbearer.method", "oidc"},
                        {"sasl.oauthbearer.token.endpoint.url", "http://127.0.0.1:1/token"},
                        {"sasl.oauthbearer.client.id", "c"},
                        {"sasl.oauthbearer.client.secret", "s"}});
  CHECK_THROWS_AS(prepare_oauthbearer(oidc, with_provider), ConfigError);
  prepare_oauthbearer(oidc, ProducerOptions{});
  CHECK(oidc.security.sasl.oauthbearer.token_source != nullptr);
  auto plain = Config::from_map({{"bootstrap.servers", "h:1"}}).resolve();
  prepare_oauthbearer(plain, with_provider);
  CHECK(plain.security.sasl.oauthbearer.token_source == nullptr);
  REQUIRE(plain.warnings.size() == 1);
  CHECK(plain.warnings[0].find("it is not called") != std::string::npos);
}

TEST_CASE("the provider's token is cached, its failures, exceptions and expired tokens are errors") {
  int calls = 0;
  std::function<OAuthBearerTokenResult()> next;
  ProducerOptions options;
  options.oauthbearer_token_provider = [&] {
    ++calls;
    return next();
  };
  auto s = settings({});
  prepare_oauthbearer(s, options);
  auto& source = *s.security.sasl.oauthbearer.token_source;

  next = [] { return OAuthBearerTokenResult::failure("the vault is sealed"); };
  auto r = get(source);
  CHECK(r.error == sluice::net::sasl_errc::oauth_token_unavailable);
  CHECK(r.message.find("the vault is sealed") != std::string::npos);

  next = []() -> OAuthBearerTokenResult { throw std::runtime_error("boom"); };
  r = get(source);
  CHECK(r.message.find("threw: boom") != std::string::npos);

  next = [] {
    return OAuthBearerToken{"expired-token", std::chrono::system_clock::now() - std::chrono::minutes(5), "p", {}};
  };
  r = get(source);
  CHECK(r.error == sluice::net::sasl_errc::oauth_token_expired);
  CHECK(r.message.find("sasl.oauthbearer.clock.skew.seconds") != std::string::npos);
  CHECK(r.message.find("expired-token") == std::string::npos);

  next = [] {
    return OAuthBearerToken{"good", std::chrono::system_clock::now() + std::chrono::hours(1), "p", {{"k", "v"}}};
  };
  calls = 0;
  r = get(source);
  REQUIRE(r.token);
  CHECK(r.token->value == "good");
  CHECK(r.token->extensions == std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
  r = get(source);
  REQUIRE(r.token);
  CHECK(calls == 1);  // fresh: not asked again
}
