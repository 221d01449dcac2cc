#pragma once
// Where a producer's OAUTHBEARER tokens come from: the built-in OIDC client
// (sasl.oauthbearer.method=oidc) or the application's
// ProducerOptions::oauthbearer_token_provider, which this puts into the
// settings (SecuritySettings' OAuthBearerSettings::token_provider). Throws
// ConfigError when OAUTHBEARER has neither, or both; a provider given
// without OAUTHBEARER is a warning. The token source itself is made with
// the connections' options (net_security.hpp).
#include "sluice/config.hpp"
#include "sluice/producer.hpp"

namespace sluice::detail {

void prepare_oauthbearer(ProducerSettings& settings, const ProducerOptions& options);

}  // namespace sluice::detail
