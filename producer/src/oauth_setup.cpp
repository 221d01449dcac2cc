#include "oauth_setup.hpp"

namespace sluice::detail {

void prepare_oauthbearer(ProducerSettings& settings, const ProducerOptions& options) {
  auto& sasl = settings.security.sasl;
  const bool provider = static_cast<bool>(options.oauthbearer_token_provider);
  if (sasl.mechanism != SaslMechanism::oauthbearer || !uses_sasl(settings.security.protocol)) {
    if (provider) {
      settings.warnings.push_back("ProducerOptions::oauthbearer_token_provider is set but sasl.mechanism is not "
                                  "OAUTHBEARER (or security.protocol uses no SASL): it is not called");
    }
    return;
  }
  auto& o = sasl.oauthbearer;
  if (provider && o.oidc) {
    throw ConfigError("sasl.oauthbearer.method",
                      "both sasl.oauthbearer.method=oidc (or a token endpoint URL) and "
                      "ProducerOptions::oauthbearer_token_provider give OAUTHBEARER tokens: use one of them");
  }
  if (provider) {
    o.token_provider = options.oauthbearer_token_provider;
    return;
  }
  if (!o.oidc) {
    throw ConfigError("sasl.oauthbearer.method",
                      "sasl.mechanism=OAUTHBEARER needs tokens: set sasl.oauthbearer.method=oidc with "
                      "sasl.oauthbearer.token.endpoint.url, sasl.oauthbearer.client.id and "
                      "sasl.oauthbearer.client.secret, or give ProducerOptions::oauthbearer_token_provider");
  }
}

}  // namespace sluice::detail
