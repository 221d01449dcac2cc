#pragma once
// Request header v1/v2 and response header v0/v1.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

struct RequestHeader {
  ApiKey api_key{};
  std::int16_t api_version = 0;
  std::int32_t correlation_id = 0;
  std::optional<std::string_view> client_id;
};

// Writes header v1 or v2 (as the API version calls for). client_id is always
// the non-compact nullable string, even in v2.
void encode_request_header(const RequestHeader& h, BufferWriter& w);

struct ResponseHeader {
  std::int32_t correlation_id = 0;
};

// Reads the response header for `key` at body version `version` (v0 for
// ApiVersions whatever the version); leaves `r` at the start of the body.
ResponseHeader decode_response_header(BufferReader& r, ApiKey key, std::int16_t version);

// Peeks at the correlation id (first 4 bytes of every response).
std::optional<std::int32_t> peek_correlation_id(std::span<const std::uint8_t> frame) noexcept;

}  // namespace sluice::protocol
