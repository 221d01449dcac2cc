#pragma once
// Compression of a RecordBatch's records section, one interface for every
// codec. Output is appended to `out`.
#include <cstddef>
#include <optional>
#include <span>
#include <system_error>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/record_batch.hpp"

namespace sluice::protocol {

// `level` nullopt = the codec's default level.
std::error_code compress(Compression codec, std::span<const std::uint8_t> in, Bytes& out,
                         std::optional<int> level = std::nullopt);

// Fails with decompressed_too_large once the output would pass `max_out`
// bytes, with decompression_failed on corrupt input.
std::error_code decompress(Compression codec, std::span<const std::uint8_t> in, Bytes& out, std::size_t max_out);

}  // namespace sluice::protocol
