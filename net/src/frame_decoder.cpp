#include "sluice/net/frame_decoder.hpp"

#include "sluice/net/net_error.hpp"

namespace sluice::net {

std::error_code FrameDecoder::check_size(std::int64_t size) const noexcept {
  if (size < 0) return net_errc::protocol_error;
  if (static_cast<std::uint64_t>(size) > max_) return net_errc::frame_too_large;
  return {};
}

}  // namespace sluice::net
