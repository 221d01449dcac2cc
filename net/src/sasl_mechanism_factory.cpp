#include "sluice/net/sasl_mechanism_factory.hpp"

#include "sluice/net/sasl_oauthbearer.hpp"
#include "sluice/net/sasl_plain.hpp"
#include "sluice/net/sasl_scram.hpp"

namespace sluice::net {

std::unique_ptr<SaslMechanism> make_sasl_mechanism(const SaslOptions& options, const OAuthToken* token) {
  switch (options.mechanism) {
    case SaslMechanismKind::plain: return std::make_unique<SaslPlain>(options.username, options.password);
    case SaslMechanismKind::scram_sha_256:
      return std::make_unique<ScramClient>(ScramHash::sha256, options.username, options.password);
    case SaslMechanismKind::scram_sha_512:
      return std::make_unique<ScramClient>(ScramHash::sha512, options.username, options.password);
    case SaslMechanismKind::oauthbearer:
      if (token == nullptr) return nullptr;
      return std::make_unique<SaslOAuthBearer>(token->value, token->extensions, token->principal);
  }
  return nullptr;
}

}  // namespace sluice::net
