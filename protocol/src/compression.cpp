#include "sluice/protocol/compression.hpp"

#include "sluice/protocol/codec_error.hpp"

namespace sluice::protocol {

std::error_code compress(Compression codec, std::span<const std::uint8_t> in, Bytes& out, std::optional<int>) {
  if (codec != Compression::none) return codec_errc::unsupported_codec;
  out.insert(out.end(), in.begin(), in.end());
  return {};
}

std::error_code decompress(Compression codec, std::span<const std::uint8_t> in, Bytes& out, std::size_t max_out) {
  if (codec != Compression::none) return codec_errc::unsupported_codec;
  if (in.size() > max_out) return codec_errc::decompressed_too_large;
  out.insert(out.end(), in.begin(), in.end());
  return {};
}

}  // namespace sluice::protocol
