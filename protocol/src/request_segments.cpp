#include "sluice/protocol/request_segments.hpp"

namespace sluice::protocol {

std::size_t gathered_size(std::span<const std::uint8_t> framing, std::span<const Splice> splices) noexcept {
  std::size_t n = framing.size();
  for (const auto& s : splices) n += s.bytes.size();
  return n;
}

Bytes flatten(std::span<const std::uint8_t> framing, std::span<const Splice> splices) {
  Bytes out;
  out.reserve(gathered_size(framing, splices));
  for_each_piece(framing, splices, [&out](std::span<const std::uint8_t> piece) {
    out.insert(out.end(), piece.begin(), piece.end());
  });
  return out;
}

}  // namespace sluice::protocol
