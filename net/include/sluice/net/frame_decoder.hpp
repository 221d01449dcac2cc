#pragma once
// FrameDecoder splits a byte stream into Kafka frames (int32 size + bytes).
// Sans-I/O: feed it whatever a read returned; it yields complete frames.
// A size over the maximum (or negative) is an error before any allocation.
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

namespace sluice::net {

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes) noexcept : max_(max_frame_bytes) {}

  // Consumes `data`; calls on_frame(std::span<const uint8_t>) for each
  // complete frame (without its size prefix; the span is valid only during
  // the call). Returns an error (and stops) on an invalid size; the decoder
  // is then unusable.
  template <class OnFrame>
  std::error_code feed(std::span<const std::uint8_t> data, OnFrame&& on_frame);

  // Bytes of an incomplete frame held, for diagnostics and tests.
  std::size_t buffered() const noexcept { return buf_.size(); }

 private:
  std::error_code check_size(std::int64_t size) const noexcept;

  std::size_t max_;
  std::vector<std::uint8_t> buf_;  // partial frame: size prefix and/or body
};

template <class OnFrame>
std::error_code FrameDecoder::feed(std::span<const std::uint8_t> data, OnFrame&& on_frame) {
  while (!data.empty()) {
    // Fast path: nothing buffered and a whole frame in `data`.
    if (buf_.empty() && data.size() >= 4) {
      std::int64_t size = static_cast<std::int32_t>(std::uint32_t{data[0]} << 24 | std::uint32_t{data[1]} << 16 |
                                                    std::uint32_t{data[2]} << 8 | std::uint32_t{data[3]});
      if (auto ec = check_size(size)) return ec;
      if (data.size() - 4 >= static_cast<std::size_t>(size)) {
        on_frame(data.subspan(4, static_cast<std::size_t>(size)));
        data = data.subspan(4 + static_cast<std::size_t>(size));
        continue;
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
      on_frame(std::span<const std::uint8_t>(buf_).subspan(4));
      buf_.clear();
    }
  }
  return {};
}

}  // namespace sluice::net
