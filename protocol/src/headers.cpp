#include "sluice/protocol/headers.hpp"

namespace sluice::protocol {

void encode_request_header(const RequestHeader& h, BufferWriter& w) {
  w.int16(static_cast<std::int16_t>(h.api_key));
  w.int16(h.api_version);
  w.int32(h.correlation_id);
  w.nullable_string(h.client_id, /*flexible=*/false);
  if (request_header_version(h.api_key, h.api_version) >= 2) w.empty_tagged_fields();
}

ResponseHeader decode_response_header(BufferReader& r, ApiKey key, std::int16_t version) {
  ResponseHeader h;
  h.correlation_id = r.int32("ResponseHeader.CorrelationId");
  if (response_header_version(key, version) >= 1) r.skip_tagged_fields("ResponseHeader.TaggedFields");
  return h;
}

std::optional<std::int32_t> peek_correlation_id(std::span<const std::uint8_t> frame) noexcept {
  BufferReader r(frame);
  std::int32_t id = r.int32("CorrelationId");
  if (!r.ok()) return std::nullopt;
  return id;
}

}  // namespace sluice::protocol
