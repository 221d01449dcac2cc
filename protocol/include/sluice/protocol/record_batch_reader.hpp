#pragma once
// Decodes RecordBatch v2 bytes (as found in a log or a Produce request):
// header, CRC-32C check and records. Used by tests and the verifier.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

struct DecodedHeader {
  std::string key;
  std::optional<Bytes> value;
  friend bool operator==(const DecodedHeader&, const DecodedHeader&) = default;
};

struct DecodedRecord {
  std::int64_t offset = 0;     // base_offset + offset delta
  std::int64_t timestamp = 0;  // base_timestamp + timestamp delta
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  std::vector<DecodedHeader> headers;
};

struct DecodedBatch {
  std::int64_t base_offset = 0;
  std::int32_t partition_leader_epoch = -1;
  std::int8_t magic = 2;
  std::uint32_t crc = 0;
  std::int16_t attributes = 0;
  std::int32_t last_offset_delta = 0;
  std::int64_t base_timestamp = 0;
  std::int64_t max_timestamp = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::vector<DecodedRecord> records;

  Compression compression() const noexcept { return static_cast<Compression>(attributes & batch::kCompressionMask); }
  bool is_transactional() const noexcept { return (attributes & batch::kTransactional) != 0; }
  bool is_control() const noexcept { return (attributes & batch::kControl) != 0; }
};

struct BatchDecodeOptions {
  // Upper bound on the decompressed records section (decompression bombs).
  std::size_t max_decompressed_bytes = 64u << 20;
  bool verify_crc = true;
};

// Decodes one batch from the start of `data`; `consumed` (if given) gets the
// batch's total size. Bytes after the batch are left alone.
Result<DecodedBatch> decode_record_batch(std::span<const std::uint8_t> data, std::size_t* consumed = nullptr,
                                         const BatchDecodeOptions& options = {});

// Decodes a whole records section (concatenated batches).
Result<std::vector<DecodedBatch>> decode_record_batches(std::span<const std::uint8_t> data,
                                                        const BatchDecodeOptions& options = {});

}  // namespace sluice::protocol
