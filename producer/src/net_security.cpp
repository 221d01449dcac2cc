#include "net_security.hpp"

#include <exception>
#include <functional>
#include <string>

#include "sluice/config.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/net/oidc_token_source.hpp"
#include "sluice/net/sasl_error.hpp"

namespace sluice::detail {

namespace {

net::SecurityProtocol net_protocol(SecurityProtocol p) {
  switch (p) {
    case SecurityProtocol::plaintext: return net::SecurityProtocol::plaintext;
    case SecurityProtocol::ssl: return net::SecurityProtocol::ssl;
    case SecurityProtocol::sasl_plaintext: return net::SecurityProtocol::sasl_plaintext;
    case SecurityProtocol::sasl_ssl: return net::SecurityProtocol::sasl_ssl;
  }
  return net::SecurityProtocol::plaintext;
}

net::SaslMechanismKind net_mechanism(SaslMechanism m) {
  switch (m) {
    case SaslMechanism::plain: return net::SaslMechanismKind::plain;
    case SaslMechanism::scram_sha_256: return net::SaslMechanismKind::scram_sha_256;
    case SaslMechanism::scram_sha_512: return net::SaslMechanismKind::scram_sha_512;
    case SaslMechanism::oauthbearer: return net::SaslMechanismKind::oauthbearer;
  }
  return net::SaslMechanismKind::plain;
}

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

net::TlsOptions net_tls_options(const TlsSettings& tls) {
  net::TlsOptions o;
  o.ca_location = tls.ca_location;
  o.verify_certificate = tls.verify_certificate;
  o.verify_hostname = tls.verify_hostname;
  o.certificate_location = tls.certificate_location;
  o.key_location = tls.key_location;
  o.key_password = tls.key_password;
  o.ca_pem = tls.ca_pem;
  o.certificate_pem = tls.certificate_pem;
  o.key_pem = tls.key_pem;
  o.keystore_location = tls.keystore_location;
  o.keystore_password = tls.keystore_password;
  o.crl_location = tls.crl_location;
  o.cipher_suites = tls.cipher_suites;
  o.tls12 = tls.tls12;
  o.tls13 = tls.tls13;
  return o;
}

net::TlsOptions net_token_endpoint_tls_options(const OidcSettings& oidc) {
  net::TlsOptions o;
  o.ca_location = oidc.https_ca_location;
  o.ca_pem = oidc.https_ca_pem;
  o.trust_properties = "https";
  return o;
}

net::OidcOptions net_oidc_options(const OidcSettings& oidc) {
  net::OidcOptions o;
  o.token_endpoint_url = oidc.token_endpoint_url;
  o.client_id = oidc.client_id;
  o.client_secret = oidc.client_secret;
  o.scope = oidc.scope;
  o.secret_property = oidc.secret_property;
  return o;
}

net::SecurityOptions net_security_options(const SecuritySettings& security, std::chrono::milliseconds timeout) {
  net::SecurityOptions o;
  o.protocol = net_protocol(security.protocol);
  o.tls = net_tls_options(security.tls);
  const SaslSettings& sasl = security.sasl;
  o.sasl.mechanism = net_mechanism(sasl.mechanism);
  o.sasl.username = sasl.username;
  o.sasl.password = sasl.password;
  const OAuthBearerSettings& bearer = sasl.oauthbearer;
  net::OAuthBearerOptions& out = o.sasl.oauthbearer;
  out.oidc = bearer.oidc;
  out.oidc_options = net_oidc_options(bearer.oidc_settings);
  out.extensions = bearer.extensions;
  out.clock_skew = bearer.clock_skew;
  out.refresh_window_factor = bearer.refresh_window_factor;
  if (sasl.mechanism != SaslMechanism::oauthbearer || !uses_sasl(security.protocol)) return o;
  const net::OAuthRefreshPolicy policy{bearer.refresh_window_factor, bearer.clock_skew};
  if (bearer.token_provider) {
    out.token_source = net::make_function_token_source(adapt(bearer.token_provider), policy);
  } else if (bearer.oidc) {
    std::string error;
    out.token_source = net::make_oidc_token_source(
        out.oidc_options, net_token_endpoint_tls_options(bearer.oidc_settings), policy, timeout, error);
    if (!out.token_source) {
      throw ConfigError("sasl.oauthbearer.token.endpoint.url",
                        "property 'sasl.oauthbearer.token.endpoint.url': " + error);
    }
  }
  return o;
}

}  // namespace sluice::detail
