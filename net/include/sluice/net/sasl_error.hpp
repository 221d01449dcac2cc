#pragma once
// Errors of the client side of a SASL exchange (what Sluice's mechanism
// found wrong in the broker's messages, or could not do): their own
// std::error_code category, apart from the broker's own verdicts
// (SASL_AUTHENTICATION_FAILED, UNSUPPORTED_SASL_MECHANISM: protocol's
// kafka_errc) and network errors (net_errc).
#include "sluice/export.hpp"
#include <system_error>

namespace sluice::net {

enum class sasl_errc {
  ok = 0,
  invalid_credentials = 1,     // a username or password the mechanism cannot carry (e.g. NUL in PLAIN)
  malformed_server_message,    // the server's message does not parse
  mandatory_extension,         // server-first asks for an extension Sluice does not know (m=...)
  nonce_mismatch,              // the server's nonce does not extend ours
  iteration_count_too_low,     // fewer PBKDF2 iterations than SCRAM's minimum of 4096
  iteration_count_too_high,    // more than Sluice computes on its I/O thread (see sasl_scram.hpp)
  server_signature_mismatch,   // server-final does not prove the server knows the password
  server_error,                // server-final carries e=... (the server refused)
  unexpected_message,          // a message after the exchange ended, or none when one was due
  crypto_failure,              // OpenSSL failed (random bytes, PBKDF2, HMAC)
  // OAUTHBEARER: getting a token (before the broker sees anything)
  invalid_token,                    // a token or extension the mechanism cannot carry (RFC 7628 syntax)
  oauth_token_unavailable,          // no token source, or the application's provider gave none
  oauth_token_expired,              // the token expired more than sasl.oauthbearer.clock.skew.seconds ago
  oauth_client_refused,             // the token endpoint refused the client (HTTP 401: id or secret wrong)
  oauth_token_endpoint_error,       // the token endpoint answered with another error
  oauth_token_endpoint_unreachable, // no connection to the token endpoint (refused, no such host, timeout)
  oauth_bad_token_response,         // the token endpoint's answer is not a usable token
  oauth_token_endpoint_untrusted,   // the https token endpoint's certificate failed verification
};

SLUICE_API const std::error_category& sasl_category() noexcept;
inline std::error_code make_error_code(sasl_errc e) noexcept { return {static_cast<int>(e), sasl_category()}; }

}  // namespace sluice::net

template <>
struct std::is_error_code_enum<sluice::net::sasl_errc> : std::true_type {};
