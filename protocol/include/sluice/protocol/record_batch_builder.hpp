#pragma once
// RecordBatchBuilder encodes records straight into the batch's final wire
// buffer as they are appended; finish() fills the header and the CRC-32C in
// place. Producer id, epoch and base sequence can be (re)set afterwards
// without re-encoding the records (only the CRC is recomputed).
// finish(codec) compresses the records section into a second buffer; the
// uncompressed records stay, so appending after it and finishing again works.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/record_batch.hpp"

namespace sluice::protocol {

using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct RecordHeaderView {
  std::string_view key;            // never null
  std::optional<ByteView> value;   // nullopt = null
};

class RecordBatchBuilder {
 public:
  RecordBatchBuilder() { reset(); }

  // Empties the builder for a new batch; keeps the buffer's capacity.
  void reset();

  // Appends a record. key/value nullopt = null. Returns the record's size on
  // the wire (length prefix included).
  std::size_t append(std::int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
                     std::span<const RecordHeaderView> headers = {});

  // Wire size of such a record if it were appended now (for size limits
  // checked before appending).
  std::size_t record_size(std::int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
                          std::span<const RecordHeaderView> headers = {}) const noexcept;

  std::int32_t record_count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  // Bytes so far, header included (uncompressed).
  std::size_t size_in_bytes() const noexcept { return used_; }

  // Writes the header fields and the CRC. The batch must not be empty.
  // Returns the finished batch bytes (valid until reset or next append).
  ByteView finish();

  // Finishes the batch with its records section (everything after the 61-byte
  // header) compressed by `codec` (level nullopt = the codec's default, see
  // compression.hpp): sets the codec bits in attributes, batchLength and the
  // CRC over the compressed bytes. The finished batch is then bytes().
  // Compression::none is finish(). Fails with codec_errc::invalid_value for a
  // level out of the codec's range (unsupported_codec for an unknown codec),
  // leaving the batch unfinished.
  std::error_code finish(Compression codec, std::optional<int> level = std::nullopt);

  // Sets idempotence fields of a finished batch (compressed or not) and
  // recomputes its CRC.
  void set_producer_state(std::int64_t producer_id, std::int16_t producer_epoch, std::int32_t base_sequence) noexcept;
  void set_transactional(bool on) noexcept { transactional_ = on; }

  // The finished batch (after finish), or the bytes so far (uncompressed).
  ByteView bytes() const noexcept { return compressed() ? ByteView(compressed_) : ByteView(buf_.data(), used_); }
  // Moves the finished batch out (leaves the builder empty; call reset()).
  Bytes release() noexcept {
    if (compressed()) return std::move(compressed_);
    buf_.resize(used_);
    return std::move(buf_);
  }

 private:
  std::int64_t timestamp_delta(std::int64_t timestamp_ms) const noexcept;
  void write_header(std::span<std::uint8_t> wire, Compression codec) noexcept;
  void update_crc(std::span<std::uint8_t> wire) noexcept;
  // The finished batch's bytes: compressed, or the used part of buf_.
  std::span<std::uint8_t> active() noexcept {
    return compressed() ? std::span<std::uint8_t>(compressed_) : std::span<std::uint8_t>(buf_.data(), used_);
  }
  bool compressed() const noexcept { return finished_ && codec_ != Compression::none; }

  Bytes buf_;         // header + uncompressed records in [0, used_); the rest is scratch
  std::size_t used_ = batch::kHeaderSize;
  Bytes compressed_;  // header + compressed records, when finished with a codec
  Compression codec_ = Compression::none;
  std::int32_t count_ = 0;
  std::int64_t base_timestamp_ = 0;
  std::int64_t max_timestamp_ = 0;
  std::int64_t producer_id_ = -1;
  std::int16_t producer_epoch_ = -1;
  std::int32_t base_sequence_ = -1;
  bool transactional_ = false;
  bool finished_ = false;
};

}  // namespace sluice::protocol
