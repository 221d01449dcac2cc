#include "sluice/net/sasl_error.hpp"

#include <string>

#include "sluice/protocol/error_category.hpp"

namespace sluice::net {
namespace {

struct SaslErrors {
  static constexpr const char* name = "sluice.sasl";
  static std::string message(int ev) {
    switch (static_cast<sasl_errc>(ev)) {
      case sasl_errc::ok: return "no error";
      case sasl_errc::invalid_credentials: return "the SASL mechanism cannot carry this username or password";
      case sasl_errc::malformed_server_message: return "malformed SASL message from the broker";
      case sasl_errc::mandatory_extension: return "the broker requires a SCRAM extension Sluice does not support";
      case sasl_errc::nonce_mismatch: return "the broker's SCRAM nonce does not extend the client's";
      case sasl_errc::iteration_count_too_low: return "the broker's SCRAM iteration count is below 4096";
      case sasl_errc::iteration_count_too_high:
        return "the broker's SCRAM iteration count is above 65536 (Kafka's own maximum is 16384)";
      case sasl_errc::server_signature_mismatch:
        return "the broker's SCRAM signature is wrong: it does not know the password (possible impostor)";
      case sasl_errc::server_error: return "the broker ended the SCRAM exchange with an error";
      case sasl_errc::unexpected_message: return "SASL message out of turn";
      case sasl_errc::crypto_failure: return "cryptographic operation failed (OpenSSL)";
      case sasl_errc::invalid_token: return "the OAUTHBEARER token or an extension has characters RFC 7628 forbids";
      case sasl_errc::oauth_token_unavailable: return "no OAUTHBEARER token was provided";
      case sasl_errc::oauth_token_expired: return "the OAUTHBEARER token has expired";
      case sasl_errc::oauth_client_refused: return "the OAuth token endpoint refused the client's credentials";
      case sasl_errc::oauth_token_endpoint_error: return "the OAuth token endpoint answered with an error";
      case sasl_errc::oauth_token_endpoint_unreachable: return "the OAuth token endpoint cannot be reached";
      case sasl_errc::oauth_bad_token_response: return "the OAuth token endpoint's answer holds no usable token";
      case sasl_errc::oauth_token_endpoint_untrusted:
        return "the OAuth token endpoint's TLS certificate failed verification";
    }
    return "unknown SASL error";
  }
};

}  // namespace

const std::error_category& sasl_category() noexcept { return protocol::error_category_instance<SaslErrors>(); }

}  // namespace sluice::net
