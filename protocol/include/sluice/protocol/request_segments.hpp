#pragma once
// A request in gathered form: framing bytes the encoder wrote (size prefix,
// header, field prefixes), with byte ranges that already exist elsewhere
// (finished RecordBatches in their builders' buffers) spliced in by
// reference. net/ turns the pieces into a buffer sequence for one gathered
// write, so those ranges reach the socket without being copied into the
// frame. Sans-I/O: no Asio here.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"

namespace sluice::protocol {

// `bytes` go on the wire right after the first `at` bytes of the framing
// (after earlier splices at the same offset). Not owned: they must stay
// alive and unchanged until the write that sends them has completed.
struct Splice {
  std::size_t at = 0;
  std::span<const std::uint8_t> bytes;
};
// In wire order: `at` never decreases.
using Splices = std::vector<Splice>;

// Bytes on the wire: the framing plus every spliced range.
std::size_t gathered_size(std::span<const std::uint8_t> framing, std::span<const Splice> splices) noexcept;

// Calls f(std::span<const std::uint8_t>) for every non-empty piece, in wire
// order: framing slices and spliced ranges alternating.
template <class F>
void for_each_piece(std::span<const std::uint8_t> framing, std::span<const Splice> splices, F&& f) {
  std::size_t from = 0;
  for (const auto& s : splices) {
    if (s.at > from) f(framing.subspan(from, s.at - from));
    if (!s.bytes.empty()) f(s.bytes);
    if (s.at > from) from = s.at;
  }
  if (framing.size() > from) f(framing.subspan(from));
}

// The contiguous form, copying every piece (tests; anything that must copy anyway).
Bytes flatten(std::span<const std::uint8_t> framing, std::span<const Splice> splices);

}  // namespace sluice::protocol
