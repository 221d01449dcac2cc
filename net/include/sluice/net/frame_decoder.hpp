#pragma once
// FrameDecoder splits a byte stream into Kafka frames (int32 size + bytes).
// Sans-I/O: feed it whatever a read returned; it yields complete frames.
// A size over the maximum (or negative) is an error before any allocation.
#include <cstddef>
#include <cstdint>
#include <optional>
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

  // The same one frame at a time, for a caller that handles each frame
  // before decoding the next: takes bytes from the front of `data` until a
  // frame is complete and returns it in `frame` (valid until the next call,
  // and while `data`'s bytes are), or nothing once `data` ran out first.
  std::error_code next_frame(std::span<const std::uint8_t>& data,
                             std::optional<std::span<const std::uint8_t>>& frame);

  // Bytes of an incomplete frame held, for diagnostics and tests.
  std::size_t buffered() const noexcept { return taken_ ? 0 : buf_.size(); }

 private:
  std::error_code check_size(std::int64_t size) const noexcept;

  std::size_t max_;
  std::vector<std::uint8_t> buf_;  // partial frame: size prefix and/or body
  bool taken_ = false;             // buf_ holds a whole frame handed out by next_frame
};

template <class OnFrame>
std::error_code FrameDecoder::feed(std::span<const std::uint8_t> data, OnFrame&& on_frame) {
  for (;;) {
    std::optional<std::span<const std::uint8_t>> frame;
    if (auto ec = next_frame(data, frame)) return ec;
    if (!frame) return {};
    on_frame(*frame);
  }
}

}  // namespace sluice::net
