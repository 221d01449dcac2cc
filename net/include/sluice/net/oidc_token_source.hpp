#pragma once
// OIDC client credentials (KIP-768) as an OAuthTokenSource: tokens from the
// token endpoint over HTTP or HTTPS, cached and renewed by OAuthTokenCache.
// Connections asking while a request is under way wait for it (one request
// at a time). The request (oidc_token_request.hpp) runs on the io_context
// of the connection that asked, bounded by `timeout`; an endpoint that
// cannot be reached is an error naming its URL.
//
// HTTPS verifies the endpoint's certificate chain and name with `tls`: the
// producer gives the token endpoint its own trust (https.ca.location /
// https.ca.pem, else the system's store; as librdkafka), never the
// brokers' ssl.* settings. A certificate that fails is
// sasl_errc::oauth_token_endpoint_untrusted, naming what to set.
#include <chrono>
#include <memory>

#include "sluice/net/oauth_token.hpp"
#include "sluice/net/security.hpp"

namespace sluice::net {

// Null with `error` set when the URL is unusable.
std::shared_ptr<OAuthTokenSource> make_oidc_token_source(const OidcOptions& oidc, const TlsOptions& tls,
                                                         OAuthRefreshPolicy policy, std::chrono::milliseconds timeout,
                                                         std::string& error);

}  // namespace sluice::net
