#pragma once
// The property values that name a security protocol or SASL mechanism
// (security.protocol, sasl.mechanism), read into sluice/security.hpp's
// enums. (security.cpp; to_string is public.)
#include <optional>
#include <string_view>

#include "sluice/security.hpp"

namespace sluice::detail {

// PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL in any case (librdkafka documents
// lower case, Java upper case).
std::optional<SecurityProtocol> security_protocol_from_name(std::string_view name) noexcept;
// Exact IANA names, as brokers spell them: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER.
std::optional<SaslMechanism> sasl_mechanism_from_name(std::string_view name) noexcept;

}  // namespace sluice::detail
