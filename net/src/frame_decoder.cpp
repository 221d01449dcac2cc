#include "sluice/net/frame_decoder.hpp"

#include <algorithm>

#include "sluice/net/net_error.hpp"

namespace sluice::net {

std::error_code FrameDecoder::check_size(std::int64_t size) const noexcept {
  if (size < 0) return net_errc::protocol_error;
  if (static_cast<std::uint64_t>(size) > max_) return net_errc::frame_too_large;
  return {};
}

std::error_code FrameDecoder::next_frame(std::span<const std::uint8_t>& data,
                                         std::optional<std::span<const std::uint8_t>>& frame) {
  frame.reset();
  if (taken_) {  // the frame handed out last time is done with
    buf_.clear();
    taken_ = false;
  }
  while (!data.empty()) {
    // Fast path: nothing buffered and a whole frame in `data`.
    if (buf_.empty() && data.size() >= 4) {
      std::int64_t size = static_cast<std::int32_t>(std::uint32_t{data[0]} << 24 | std::uint32_t{data[1]} << 16 |
                                                    std::uint32_t{data[2]} << 8 | std::uint32_t{data[3]});
      if (auto ec = check_size(size)) return ec;
      if (data.size() - 4 >= static_cast<std::size_t>(size)) {
        frame = data.subspan(4, static_cast<std::size_t>(size));
        data = data.subspan(4 + static_cast<std::size_t>(size));
        return {};
      }
    }
    // Slow path: accumulate the size prefix, then the body.
    if (buf_.size() < 4) {
      std::size_t take = std::min<std::size_t>(4 - buf_.size(), data.size());
      buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
      data = data.subspan(take);
      if (buf_.size() < 4) return {};
    }
    std::int64_t size = static_cast<std::int32_t>(std::uint32_t{buf_[0]} << 24 | std::uint32_t{buf_[1]} << 16 |
                                                  std::uint32_t{buf_[2]} << 8 | std::uint32_t{buf_[3]});
    if (auto ec = check_size(size)) return ec;
    std::size_t want = 4 + static_cast<std::size_t>(size) - buf_.size();
    std::size_t take = std::min(want, data.size());
    buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    if (take == want) {
      frame = std::span<const std::uint8_t>(buf_).subspan(4);
      taken_ = true;
      return {};
    }
  }
  return {};
}

}  // namespace sluice::net
