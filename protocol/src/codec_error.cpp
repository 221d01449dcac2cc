#include "sluice/protocol/codec_error.hpp"

#include "sluice/protocol/error_category.hpp"

namespace sluice::protocol {
namespace {

struct CodecErrors {
  static constexpr const char* name = "sluice.codec";
  static std::string message(int ev) {
    switch (static_cast<codec_errc>(ev)) {
      case codec_errc::ok: return "no error";
      case codec_errc::truncated: return "truncated: field runs past the end of the data";
      case codec_errc::negative_length: return "negative length that is not a null marker";
      case codec_errc::length_too_large: return "length larger than the remaining data";
      case codec_errc::varint_too_long: return "varint longer than its type allows";
      case codec_errc::invalid_value: return "invalid field value";
      case codec_errc::crc_mismatch: return "CRC-32C mismatch";
      case codec_errc::unsupported_version: return "unsupported API version";
      case codec_errc::trailing_bytes: return "unexpected bytes after the end of the message";
      case codec_errc::unsupported_codec: return "unsupported compression codec";
      case codec_errc::decompression_failed: return "corrupt compressed data";
      case codec_errc::decompressed_too_large: return "decompressed data over the size limit";
      case codec_errc::frame_too_large: return "frame larger than the configured maximum";
      case codec_errc::no_common_version: return "no API version common to client and broker";
    }
    return "unknown codec error";
  }
};

}  // namespace

const std::error_category& codec_category() noexcept { return error_category_instance<CodecErrors>(); }

std::string DecodeError::message() const {
  std::string m = codec_category().message(static_cast<int>(code));
  m += " at byte ";
  m += std::to_string(offset);
  if (field != nullptr && *field != '\0') {
    m += " in field ";
    m += field;
  }
  return m;
}

}  // namespace sluice::protocol
