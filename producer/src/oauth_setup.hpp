#pragma once
// Gives a producer's connections their OAUTHBEARER token source: the
// built-in OIDC client (sasl.oauthbearer.method=oidc) or the application's
// ProducerOptions::oauthbearer_token_provider. Throws ConfigError when
// OAUTHBEARER has neither, or both.
#include "sluice/config.hpp"
#include "sluice/producer.hpp"

namespace sluice::detail {

void prepare_oauthbearer(ProducerSettings& settings, const ProducerOptions& options);

}  // namespace sluice::detail
