#pragma once
// Errors of the codec itself (malformed bytes), a std::error_code category of
// their own, separate from Kafka's error codes (kafka_error.hpp).
#include <cstddef>
#include <string>
#include <system_error>

namespace sluice::protocol {

enum class codec_errc {
  ok = 0,
  truncated,             // a field runs past the end of the input
  negative_length,       // a length below -1, or -1 where null is not allowed
  length_too_large,      // a length larger than what remains (never allocated)
  varint_too_long,       // a varint with more bytes than its type can hold
  invalid_value,         // a value outside its allowed set (magic, bool, ...)
  crc_mismatch,          // RecordBatch CRC-32C does not match
  unsupported_version,   // an API version this codec does not encode/decode
  trailing_bytes,        // bytes left over after a complete message
  unsupported_codec,     // compression codec we cannot handle
  decompression_failed,  // corrupt compressed data
  decompressed_too_large,// decompressed size over the configured limit
  frame_too_large,       // a frame larger than the configured maximum
  no_common_version,     // broker's and our version ranges do not overlap
};

const std::error_category& codec_category() noexcept;

inline std::error_code make_error_code(codec_errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

// The first malformed field of a decode: what was wrong, which field, where.
struct DecodeError {
  codec_errc code = codec_errc::ok;
  const char* field = "";  // static string naming the field, e.g. "Topics.Partitions.LeaderId"
  std::size_t offset = 0;  // byte offset in the decoded buffer where the field starts

  std::error_code error_code() const noexcept { return make_error_code(code); }
  // "truncated at byte 17 in field Topics.Name"
  std::string message() const;
};

}  // namespace sluice::protocol

template <>
struct std::is_error_code_enum<sluice::protocol::codec_errc> : std::true_type {};
