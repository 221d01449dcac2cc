#pragma once
// SaslHandshake (key 17, v0-v1) and SaslAuthenticate (key 36, v0-v2).
// v1 of SaslHandshake means the SASL tokens travel inside SaslAuthenticate
// requests (v0 sent them as raw frames; Sluice always uses v1).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

struct SaslHandshakeRequest {
  std::string mechanism;  // e.g. "PLAIN", "SCRAM-SHA-512"
};

struct SaslHandshakeResponse {
  std::int16_t error_code = 0;
  std::vector<std::string> mechanisms;  // what the broker enables
};

struct SaslAuthenticateRequest {
  std::span<const std::uint8_t> auth_bytes;  // viewed, not owned
};

struct SaslAuthenticateResponse {
  std::int16_t error_code = 0;
  std::optional<std::string> error_message;
  Bytes auth_bytes;
  std::int64_t session_lifetime_ms = 0;  // v1+; 0 = no re-authentication needed
};

std::error_code encode(const SaslHandshakeRequest& m, BufferWriter& w, std::int16_t version);
std::error_code encode(const SaslAuthenticateRequest& m, BufferWriter& w, std::int16_t version);
Result<SaslHandshakeResponse> decode_sasl_handshake_response(std::span<const std::uint8_t> body, std::int16_t version);
Result<SaslAuthenticateResponse> decode_sasl_authenticate_response(std::span<const std::uint8_t> body,
                                                                   std::int16_t version);

}  // namespace sluice::protocol
