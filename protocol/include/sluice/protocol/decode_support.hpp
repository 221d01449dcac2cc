#pragma once
// What every message decoder shares: the version check before the first
// byte, and the tail (a decode succeeds only if the reader is still ok and
// consumed the whole body).
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

template <class T>
Result<T> finish(BufferReader& r, T&& value) {
  if (r.ok() && !r.at_end()) r.fail(codec_errc::trailing_bytes, "end of message");
  if (!r.ok()) return r.error();
  return Result<T>(std::forward<T>(value));
}

}  // namespace sluice::protocol
