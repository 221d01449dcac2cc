#include "oauth_setup.hpp"

#include <exception>

#include "sluice/net/oauth_token.hpp"
#include "sluice/net/oidc_token_source.hpp"
#include "sluice/net/sasl_error.hpp"

namespace sluice::detail {

namespace {

// The application's function, as net/ calls it: exceptions and failures
// become errors, the token's fields net/'s.
std::function<net::OAuthTokenResult()> adapt(OAuthBearerTokenProvider provide) {
  return [provide = std::move(provide)]() -> net::OAuthTokenResult {
    try {
      OAuthBearerTokenResult r = provide();
      if (!r.token()) {
        return {std::nullopt, net::sasl_errc::oauth_token_unavailable,
                "the OAUTHBEARER token provider failed: " +
                    (r.error().empty() ? std::string("no token and no reason given") : r.error())};
      }
      const OAuthBearerToken& t = *r.token();
      net::OAuthToken token;
      token.value = t.value;
      token.expiry = t.expiry;
      token.principal = t.principal;
      token.extensions.assign(t.extensions.begin(), t.extensions.end());
      return {std::move(token), {}, {}};
    } catch (const std::exception& e) {
      return {std::nullopt, net::sasl_errc::oauth_token_unavailable,
              std::string("the OAUTHBEARER token provider threw: ") + e.what()};
    } catch (...) {
      return {std::nullopt, net::sasl_errc::oauth_token_unavailable,
              "the OAUTHBEARER token provider threw a non-standard exception"};
    }
  };
}

}  // namespace

void prepare_oauthbearer(ProducerSettings& settings, const ProducerOptions& options) {
  auto& sasl = settings.security.sasl;
  const bool provider = static_cast<bool>(options.oauthbearer_token_provider);
  if (sasl.mechanism != net::SaslMechanismKind::oauthbearer || !net::uses_sasl(settings.security.protocol)) {
    if (provider) {
      settings.warnings.push_back("ProducerOptions::oauthbearer_token_provider is set but sasl.mechanism is not "
                                  "OAUTHBEARER (or security.protocol uses no SASL): it is not called");
    }
    return;
  }
  auto& o = sasl.oauthbearer;
  const net::OAuthRefreshPolicy policy{o.refresh_window_factor, o.clock_skew};
  if (provider && o.oidc) {
    throw ConfigError("sasl.oauthbearer.method",
                      "both sasl.oauthbearer.method=oidc (or a token endpoint URL) and "
                      "ProducerOptions::oauthbearer_token_provider give OAUTHBEARER tokens: use one of them");
  }
  if (provider) {
    o.token_source = net::make_function_token_source(adapt(options.oauthbearer_token_provider), policy);
    return;
  }
  if (!o.oidc) {
    throw ConfigError("sasl.oauthbearer.method",
                      "sasl.mechanism=OAUTHBEARER needs tokens: set sasl.oauthbearer.method=oidc with "
                      "sasl.oauthbearer.token.endpoint.url, sasl.oauthbearer.client.id and "
                      "sasl.oauthbearer.client.secret, or give ProducerOptions::oauthbearer_token_provider");
  }
  std::string error;
  o.token_source = net::make_oidc_token_source(o.oidc_options, settings.security.tls, policy,
                                               settings.connect_timeout, error);
  if (!o.token_source) {
    throw ConfigError("sasl.oauthbearer.token.endpoint.url",
                      "property 'sasl.oauthbearer.token.endpoint.url': " + error);
  }
}

}  // namespace sluice::detail
