#pragma once
// RecordBatchBuilder encodes records straight into the batch's final wire
// buffer as they are appended; finish() fills the header and the CRC-32C in
// place. Producer id, epoch and base sequence can be (re)set afterwards
// without re-encoding the records (only the CRC is recomputed).
// finish(codec) compresses the records section into a second buffer; the
// uncompressed records stay, so appending after it and finishing again works.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/crc32c.hpp"
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
  // Room for a batch of `bytes` (header included): appends up to that size
  // neither reallocate nor copy what is written. Never shrinks; meant for an
  // empty builder (what is written stays).
  void reserve(std::size_t bytes) {
    if (buf_.size() < bytes) buf_.resize(bytes);
  }
  // Bytes of buffer at hand (written and scratch): what reserve() has made.
  std::size_t capacity() const noexcept { return buf_.size(); }
  // Gives back the compressed copy's buffer (reset() keeps it): a builder
  // kept for reuse would otherwise carry it, unused, through the queue.
  void release_compressed() noexcept { Bytes().swap(compressed_); }

  // Appends a record. key/value nullopt = null. Returns the record's size on
  // the wire (length prefix included).
  // Inline: taken apart here, the optionals never go through the stack to an
  // out-of-line call (that cost a store-forwarding stall per record, about a
  // third of the 100-byte benchmark's time), and a record without headers is
  // encoded without a call.
  std::size_t append(std::int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
                     std::span<const RecordHeaderView> headers = {}) {
    if (!headers.empty()) return append_with_headers(timestamp_ms, key, value, headers);
    return append_plain(timestamp_ms, Field::of(key), Field::of(value));
  }

  // Wire size of such a record if it were appended now (for size limits
  // checked before appending).
  std::size_t record_size(std::int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
                          std::span<const RecordHeaderView> headers = {}) const noexcept {
    if (!headers.empty()) return record_size_with_headers(timestamp_ms, key, value, headers);
    return plain_layout(count_ == 0 ? 0 : timestamp_delta(timestamp_ms), Field::of(key), Field::of(value)).total;
  }

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
  // A key or value: data and length, -1 for null.
  struct Field {
    const std::uint8_t* data;
    std::int32_t len;
    static Field of(const std::optional<ByteView>& b) noexcept {
      return b ? Field{b->data(), static_cast<std::int32_t>(b->size())} : Field{nullptr, -1};
    }
    std::size_t bytes() const noexcept { return len > 0 ? static_cast<std::size_t>(len) : 0; }
  };
  // The varint fields of a record without headers, zigzagged, and its sizes:
  // computed once, used both to size the record and to write it.
  struct PlainLayout {
    std::uint64_t delta;
    std::uint32_t offset, key_len, value_len, body_len;
    std::size_t total;  // on the wire, length prefix included
  };
  PlainLayout plain_layout(std::int64_t delta, Field key, Field value) const noexcept {
    PlainLayout l{zigzag64(delta), zigzag32(count_), zigzag32(key.len), zigzag32(value.len), 0, 0};
    // 2: attributes and the header count (0), one byte each.
    const std::size_t body = 2 + uvarint_size(l.delta) + uvarint_size(l.offset) + uvarint_size(l.key_len) +
                             uvarint_size(l.value_len) + key.bytes() + value.bytes();
    l.body_len = zigzag32(static_cast<std::int32_t>(body));
    l.total = uvarint_size(l.body_len) + body;
    return l;
  }

  // A varint below 2^14 (one or two bytes), without a branch: always stores
  // two bytes and moves on by the varint's size. The second byte, when not
  // part of the varint, lands on the next field of the same record, which is
  // written after it.
  static std::uint8_t* store_short_uvarint(std::uint8_t* p, std::uint32_t v) noexcept {
    const std::uint32_t two = v > 0x7f ? 1 : 0;
    p[0] = static_cast<std::uint8_t>(v | (two << 7));
    p[1] = static_cast<std::uint8_t>(v >> 7);
    return p + 1 + two;
  }

  std::size_t append_plain(std::int64_t timestamp_ms, Field key, Field value) {
    start_record(timestamp_ms);
    const std::uint64_t delta = zigzag64(timestamp_delta(timestamp_ms));
    const std::uint32_t offset = zigzag32(count_), key_len = zigzag32(key.len), value_len = zigzag32(value.len);
    // The common record: timestamp within 8 s of the batch's first, fewer
    // than 8192 records and a body under 8 KiB, so every varint has one or
    // two bytes and sizes are comparisons, not bit scans. Others (and
    // records with headers) take the general path.
    // 2: attributes and the header count (0), one byte each; 4 varints of
    // one or two bytes (the sum is meaningless if one is longer; then the
    // record goes to the general path before it is used).
    const std::size_t body = 6 + (delta > 0x7f) + (offset > 0x7f) + (key_len > 0x7f) + (value_len > 0x7f) +
                             key.bytes() + value.bytes();
    if (((delta | offset | key_len | value_len) >= 0x4000) | (body >= 0x2000)) {
      return append_general(timestamp_ms, key, value);
    }
    const auto body_len = static_cast<std::uint32_t>(2 * body);  // zigzag of a positive int
    const std::size_t total = body + 1 + (body_len > 0x7f);
    // One capacity check per record; then raw-pointer writes.
    if (buf_.size() - used_ < total) grow(total);
    std::uint8_t* p = buf_.data() + used_;
    p = store_short_uvarint(p, body_len);
    *p++ = 0;  // record attributes: unused
    p = store_short_uvarint(p, static_cast<std::uint32_t>(delta));
    p = store_short_uvarint(p, offset);
    p = store_short_uvarint(p, key_len);
    if (key.len > 0) {
      std::memcpy(p, key.data, key.bytes());
      p += key.bytes();
    }
    p = store_short_uvarint(p, value_len);
    if (value.len >= static_cast<std::int32_t>(kFuseMin)) {
      // A long value: its copy and the CRC of the records before it in one
      // loop, side by side (see Crc32cStream::copy_and_absorb).
      const std::size_t fold = (used_ - crc_pos_) & ~(Crc32cStream::kBlock - 1);
      crc_stream_.copy_and_absorb(p, value.data, value.bytes(), buf_.data() + crc_pos_, fold);
      crc_pos_ += fold;
      p += value.bytes();
      *p = 0;  // header count
      // This record's bytes wait for the next record's copy (or finish()).
      used_ += total;
      ++count_;
      return total;
    }
    if (value.len > 0) {
      std::memcpy(p, value.data, value.bytes());
      p += value.bytes();
    }
    *p = 0;  // header count
    end_record(total);
    return total;
  }
  // Out of line: any record, after start_record().
  std::size_t append_general(std::int64_t timestamp_ms, Field key, Field value);

  void start_record(std::int64_t timestamp_ms) noexcept {
    if (count_ == 0) {
      base_timestamp_ = timestamp_ms;
      max_timestamp_ = timestamp_ms;
    } else if (timestamp_ms > max_timestamp_) {
      max_timestamp_ = timestamp_ms;
    }
    finished_ = false;
    codec_ = Compression::none;
  }
  void end_record(std::size_t total) noexcept {
    used_ += total;
    ++count_;
    // The CRC of what was written is folded as the batch grows, while the
    // bytes are in L1, rather than in one pass over the batch in finish().
    if (used_ - crc_pos_ >= kCrcChunk) absorb_crc();
  }
  void absorb_crc() noexcept {
    const std::size_t n = (used_ - crc_pos_) & ~(Crc32cStream::kBlock - 1);
    crc_stream_.absorb(buf_.data() + crc_pos_, n);
    crc_pos_ += n;
  }
  void grow(std::size_t record_total);
  std::size_t append_with_headers(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                  std::optional<ByteView> value, std::span<const RecordHeaderView> headers);
  // Encodes any record, after start_record().
  std::size_t encode(std::int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
                     std::span<const RecordHeaderView> headers);
  std::size_t record_size_with_headers(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                       std::optional<ByteView> value,
                                       std::span<const RecordHeaderView> headers) const noexcept;

  // Wrapping difference (as Java's long arithmetic): extreme timestamps must
  // not be undefined behaviour; a reader adds the delta back the same way.
  std::int64_t timestamp_delta(std::int64_t timestamp_ms) const noexcept {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(timestamp_ms) -
                                     static_cast<std::uint64_t>(base_timestamp_));
  }
  void write_header(std::span<std::uint8_t> wire, Compression codec) noexcept;
  void update_crc(std::span<std::uint8_t> wire) noexcept;
  // The finished batch's bytes: compressed, or the used part of buf_.
  std::span<std::uint8_t> active() noexcept {
    return compressed() ? std::span<std::uint8_t>(compressed_) : std::span<std::uint8_t>(buf_.data(), used_);
  }
  bool compressed() const noexcept { return finished_ && codec_ != Compression::none; }

  // CRC-32C is folded in whole 64-byte blocks once kCrcChunk bytes are
  // pending: small enough to stay in L1 and to let out-of-order execution
  // overlap some of the folding with encoding the next records (256 to 1024
  // measured the same within noise on Zen 1; 512 is in the middle).
  static constexpr std::size_t kCrcChunk = 512;
  // Values from this size on are copied by Crc32cStream::copy_and_absorb
  // (copy and CRC in one loop); below it the call costs more than the
  // overlap gains (100-byte values: ~10 % slower).
  static constexpr std::size_t kFuseMin = 256;

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
  // CRC-32C of the uncompressed records section: bytes [kHeaderSize,
  // crc_pos_) of buf_ are absorbed, the rest is folded in by finish().
  Crc32cStream crc_stream_;
  std::size_t crc_pos_ = batch::kHeaderSize;
  // CRC-32C of the finished batch's records section (compressed or not), so
  // the header can change without reading the records again.
  std::uint32_t records_crc_ = 0;
};

}  // namespace sluice::protocol
