// prepare_oauthbearer: OAUTHBEARER gets its tokens from OIDC or the
// application's provider (exactly one), which then is in the settings.
#include "oauth_setup.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "config_test_support.hpp"

using sluice::Config;
using sluice::ConfigError;
using sluice::OAuthBearerTokenResult;
using sluice::ProducerOptions;
using sluice::detail::prepare_oauthbearer;

namespace {

constexpr auto& settings = sluice::test::resolve_oauthbearer;

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
  CHECK(oidc.security.sasl.oauthbearer.oidc);
  CHECK_FALSE(oidc.security.sasl.oauthbearer.token_provider);
  auto provided = settings({});
  prepare_oauthbearer(provided, with_provider);
  CHECK(provided.security.sasl.oauthbearer.token_provider);
  auto plain = Config::from_map({{"bootstrap.servers", "h:1"}}).resolve();
  prepare_oauthbearer(plain, with_provider);
  CHECK_FALSE(plain.security.sasl.oauthbearer.token_provider);
  REQUIRE(plain.warnings.size() == 1);
  CHECK(plain.warnings[0].find("it is not called") != std::string::npos);
}
