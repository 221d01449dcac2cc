#include "sluice/net/security.hpp"

#include <algorithm>
#include <cctype>

namespace sluice::net {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<SecurityProtocol> security_protocol_from_name(std::string_view name) noexcept {
  for (auto p : {SecurityProtocol::plaintext, SecurityProtocol::ssl, SecurityProtocol::sasl_plaintext,
                 SecurityProtocol::sasl_ssl}) {
    if (equal_ignoring_case(name, to_string(p))) return p;
  }
  return std::nullopt;
}

const char* to_string(SecurityProtocol p) noexcept {
  switch (p) {
    case SecurityProtocol::plaintext: return "PLAINTEXT";
    case SecurityProtocol::ssl: return "SSL";
    case SecurityProtocol::sasl_plaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::sasl_ssl: return "SASL_SSL";
  }
  return "?";
}

std::optional<SaslMechanismKind> sasl_mechanism_from_name(std::string_view name) noexcept {
  for (auto m : {SaslMechanismKind::plain, SaslMechanismKind::scram_sha_256, SaslMechanismKind::scram_sha_512,
                 SaslMechanismKind::oauthbearer}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
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
