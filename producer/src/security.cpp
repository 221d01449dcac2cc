// The names of sluice/security.hpp's enums, both ways.
#include "sluice/security.hpp"

#include <algorithm>
#include <cctype>

#include "security_names.hpp"

namespace sluice {

const char* to_string(SecurityProtocol protocol) noexcept {
  switch (protocol) {
    case SecurityProtocol::plaintext: return "PLAINTEXT";
    case SecurityProtocol::ssl: return "SSL";
    case SecurityProtocol::sasl_plaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::sasl_ssl: return "SASL_SSL";
  }
  return "?";
}

const char* to_string(SaslMechanism mechanism) noexcept {
  switch (mechanism) {
    case SaslMechanism::plain: return "PLAIN";
    case SaslMechanism::scram_sha_256: return "SCRAM-SHA-256";
    case SaslMechanism::scram_sha_512: return "SCRAM-SHA-512";
    case SaslMechanism::oauthbearer: return "OAUTHBEARER";
  }
  return "?";
}

namespace detail {

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

std::optional<SaslMechanism> sasl_mechanism_from_name(std::string_view name) noexcept {
  for (auto m : {SaslMechanism::plain, SaslMechanism::scram_sha_256, SaslMechanism::scram_sha_512,
                 SaslMechanism::oauthbearer}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

}  // namespace detail

}  // namespace sluice
