#include "sluice/net/security.hpp"

namespace sluice::net {

const char* to_string(SecurityProtocol p) noexcept {
  switch (p) {
    case SecurityProtocol::plaintext: return "PLAINTEXT";
    case SecurityProtocol::ssl: return "SSL";
    case SecurityProtocol::sasl_plaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::sasl_ssl: return "SASL_SSL";
  }
  return "?";
}

const char* to_string(SaslMechanismKind m) noexcept {
  switch (m) {
    case SaslMechanismKind::plain: return "PLAIN";
    case SaslMechanismKind::scram_sha_256: return "SCRAM-SHA-256";
    case SaslMechanismKind::scram_sha_512: return "SCRAM-SHA-512";
    case SaslMechanismKind::oauthbearer: return "OAUTHBEARER";
  }
  return "?";
}

}  // namespace sluice::net
