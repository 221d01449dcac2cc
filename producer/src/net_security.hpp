#pragma once
// The one place the producer's public security settings (sluice/security.hpp)
// become net/'s connection options (sluice/net/security.hpp): field by field,
// and OAUTHBEARER's token source, made once per producer and shared by its
// connections (the built-in OIDC client or the application's provider).
#include <chrono>

#include "sluice/net/security.hpp"
#include "sluice/security.hpp"

namespace sluice::detail {

net::TlsOptions net_tls_options(const TlsSettings& tls);
net::OidcOptions net_oidc_options(const OidcSettings& oidc);
// The TLS of an https token endpoint: its own CA (https.ca.*, else the
// system's store), chain and name always verified, no client certificate.
net::TlsOptions net_token_endpoint_tls_options(const OidcSettings& oidc);

// Throws ConfigError when the OIDC token endpoint cannot be used. Under
// OAUTHBEARER with SASL, `security` has a token source (prepare_oauthbearer,
// oauth_setup.hpp, checked that exactly one is configured); `timeout`
// bounds each token request (the connect timeout).
net::SecurityOptions net_security_options(const SecuritySettings& security, std::chrono::milliseconds timeout);

}  // namespace sluice::detail
