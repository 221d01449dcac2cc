#include "sluice/protocol/sasl.hpp"

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"

namespace sluice::protocol {

std::error_code encode(const SaslHandshakeRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::SaslHandshake).contains(version)) return codec_errc::unsupported_version;
  w.string(m.mechanism, false);
  return {};
}

std::error_code encode(const SaslAuthenticateRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::SaslAuthenticate).contains(version)) return codec_errc::unsupported_version;
  const bool flex = version >= 2;
  w.bytes(m.auth_bytes, flex);
  if (flex) w.empty_tagged_fields();
  return {};
}

Result<SaslHandshakeResponse> decode_sasl_handshake_response(std::span<const std::uint8_t> body,
                                                             std::int16_t version) {
  if (auto bad = check_version(ApiKey::SaslHandshake, "SaslHandshakeResponse", version)) return *bad;
  BufferReader r(body);
  SaslHandshakeResponse m;
  m.error_code = r.int16("ErrorCode");
  std::size_t n = r.array_length("Mechanisms", false, 2);
  m.mechanisms.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) m.mechanisms.push_back(r.string("Mechanisms", false));
  return finish_response(r, std::move(m));
}

Result<SaslAuthenticateResponse> decode_sasl_authenticate_response(std::span<const std::uint8_t> body,
                                                                   std::int16_t version) {
  if (auto bad = check_version(ApiKey::SaslAuthenticate, "SaslAuthenticateResponse", version)) return *bad;
  const bool flex = version >= 2;
  BufferReader r(body);
  SaslAuthenticateResponse m;
  m.error_code = r.int16("ErrorCode");
  m.error_message = r.nullable_string("ErrorMessage", flex);
  auto bytes = r.bytes("AuthBytes", flex);
  m.auth_bytes.assign(bytes.begin(), bytes.end());
  if (version >= 1) m.session_lifetime_ms = r.int64("SessionLifetimeMs");
  if (flex) r.skip_tagged_fields("TaggedFields");
  return finish_response(r, std::move(m));
}

}  // namespace sluice::protocol
