#pragma once
// What every message decoder shares: the version check before the first
// byte, and the tail: finish_exact (the reader is still ok and consumed the
// whole body) or finish_response (the reader is still ok; bytes after the
// message are skipped and counted).
#include <cstdint>
#include <optional>
#include <utility>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

// A version this codec does not decode for `key` is refused before reading a
// byte, as unsupported_version at offset 0 in a field named after the message
// (`message`, e.g. "MetadataResponse": a static string, DecodeError keeps the
// pointer). Use: if (auto bad = check_version(key, "XResponse", v)) return *bad;
inline std::optional<DecodeError> check_version(ApiKey key, const char* message, std::int16_t version) noexcept {
  if (supported_versions(key).contains(version)) return std::nullopt;
  return DecodeError{codec_errc::unsupported_version, message, 0};
}

// The whole body or an error: for a decoder whose callers tell layouts apart
// by what consumes the whole body (ApiVersions: the version asked, else v0's).
template <class T>
Result<T> finish_exact(BufferReader& r, T&& value) {
  if (r.ok() && !r.at_end()) r.fail(codec_errc::trailing_bytes, "end of message");
  if (!r.ok()) return r.error();
  return Result<T>(std::forward<T>(value));
}

// A response whose fields were all read is the response, whatever follows
// it: Kafka's Java client reads a response body field by field and never
// looks at what remains (AbstractResponse.parseResponse), so servers that
// append a byte work with it; librdkafka's mock cluster (2.16) ends every
// flexible Metadata answer (v9+) with its tag section written twice. The
// count of skipped bytes stays visible (Result::trailing_bytes_ignored).
template <class T>
Result<T> finish_response(BufferReader& r, T&& value) {
  if (!r.ok()) return r.error();
  return Result<T>(std::forward<T>(value), r.remaining());
}

}  // namespace sluice::protocol
