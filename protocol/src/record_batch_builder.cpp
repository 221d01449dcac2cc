#include "sluice/protocol/record_batch_builder.hpp"

#include <algorithm>
#include <cstring>

#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/crc32c.hpp"

namespace sluice::protocol {

const char* compression_name(Compression c) noexcept {
  switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::snappy: return "snappy";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
  }
  return "unknown";
}

void RecordBatchBuilder::reset() {
  // Keep buf_'s size (not just its capacity): bytes past used_ are scratch,
  // so refilling a reused builder never zero-fills memory again.
  if (buf_.size() < batch::kHeaderSize) buf_.resize(batch::kHeaderSize);
  used_ = batch::kHeaderSize;
  compressed_.clear();
  codec_ = Compression::none;
  count_ = 0;
  base_timestamp_ = 0;
  max_timestamp_ = 0;
  producer_id_ = -1;
  producer_epoch_ = -1;
  base_sequence_ = -1;
  transactional_ = false;
  finished_ = false;
}

namespace {

constexpr std::uint32_t zigzag32(std::int32_t v) noexcept {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag64(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

// Writes an unsigned varint; most record fields fit in one or two bytes.
inline std::uint8_t* put_uvarint(std::uint8_t* p, std::uint64_t v) noexcept {
  if (v < 0x80) {
    *p = static_cast<std::uint8_t>(v);
    return p + 1;
  }
  if (v < 0x4000) {
    p[0] = static_cast<std::uint8_t>(v | 0x80);
    p[1] = static_cast<std::uint8_t>(v >> 7);
    return p + 2;
  }
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

inline std::uint8_t* put_bytes(std::uint8_t* p, const std::uint8_t* data, std::size_t n) noexcept {
  if (n != 0) std::memcpy(p, data, n);
  return p + n;
}

// A record's varint fields, zigzagged, and its sizes: computed once, used
// both to size the record and to write it.
struct RecordLayout {
  std::uint64_t delta;  // zigzag timestamp delta
  std::uint32_t offset, key_len, value_len;
  std::size_t body;   // bytes after the length prefix
  std::size_t total;  // body + length prefix
};

inline std::uint32_t zig_len(const std::optional<ByteView>& b) noexcept {
  return zigzag32(b ? static_cast<std::int32_t>(b->size()) : -1);
}

RecordLayout layout(std::int64_t delta, std::int32_t offset, const std::optional<ByteView>& key,
                    const std::optional<ByteView>& value, std::span<const RecordHeaderView> headers) noexcept {
  RecordLayout l{zigzag64(delta), zigzag32(offset), zig_len(key), zig_len(value), 0, 0};
  std::size_t n = 1 + uvarint_size(l.delta) + uvarint_size(l.offset) + uvarint_size(l.key_len) +
                  uvarint_size(l.value_len) + uvarint_size(zigzag32(static_cast<std::int32_t>(headers.size())));
  if (key) n += key->size();
  if (value) n += value->size();
  for (const auto& h : headers) {
    n += varint_size(static_cast<std::int32_t>(h.key.size())) + h.key.size() + uvarint_size(zig_len(h.value));
    if (h.value) n += h.value->size();
  }
  l.body = n;
  l.total = uvarint_size(zigzag32(static_cast<std::int32_t>(n))) + n;
  return l;
}

}  // namespace

// Wrapping difference (as Java's long arithmetic): extreme timestamps must
// not be undefined behaviour; a reader adds the delta back the same way.
std::int64_t RecordBatchBuilder::timestamp_delta(std::int64_t timestamp_ms) const noexcept {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(timestamp_ms) - static_cast<std::uint64_t>(base_timestamp_));
}

std::size_t RecordBatchBuilder::record_size(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                            std::optional<ByteView> value,
                                            std::span<const RecordHeaderView> headers) const noexcept {
  return layout(count_ == 0 ? 0 : timestamp_delta(timestamp_ms), count_, key, value, headers).total;
}

std::size_t RecordBatchBuilder::append(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                       std::optional<ByteView> value, std::span<const RecordHeaderView> headers) {
  if (count_ == 0) {
    base_timestamp_ = timestamp_ms;
    max_timestamp_ = timestamp_ms;
  }
  finished_ = false;
  codec_ = Compression::none;
  max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  const RecordLayout l = layout(timestamp_delta(timestamp_ms), count_, key, value, headers);
  // Grow geometrically (an exact size per record would copy the batch on
  // every append), then write through a raw pointer: the record's size is
  // known, so there are no per-byte capacity checks.
  if (buf_.size() < used_ + l.total) buf_.resize(std::max(used_ + l.total, 2 * buf_.size()));
  std::uint8_t* p = buf_.data() + used_;
  p = put_uvarint(p, zigzag32(static_cast<std::int32_t>(l.body)));
  *p++ = 0;  // record attributes: unused
  p = put_uvarint(p, l.delta);
  p = put_uvarint(p, l.offset);
  p = put_uvarint(p, l.key_len);
  if (key) p = put_bytes(p, key->data(), key->size());
  p = put_uvarint(p, l.value_len);
  if (value) p = put_bytes(p, value->data(), value->size());
  p = put_uvarint(p, zigzag32(static_cast<std::int32_t>(headers.size())));
  for (const auto& h : headers) {
    p = put_uvarint(p, zigzag32(static_cast<std::int32_t>(h.key.size())));
    p = put_bytes(p, reinterpret_cast<const std::uint8_t*>(h.key.data()), h.key.size());
    p = put_uvarint(p, zig_len(h.value));
    if (h.value) p = put_bytes(p, h.value->data(), h.value->size());
  }
  used_ += l.total;
  ++count_;
  return l.total;
}

void RecordBatchBuilder::write_header(std::span<std::uint8_t> wire, Compression codec) noexcept {
  std::uint8_t* p = wire.data();
  BufferWriter::store_be(p + batch::kBaseOffset, std::uint64_t{0});
  BufferWriter::store_be(p + batch::kBatchLength, static_cast<std::uint32_t>(wire.size() - batch::kLogOverhead));
  BufferWriter::store_be(p + batch::kPartitionLeaderEpoch, static_cast<std::uint32_t>(-1));
  p[batch::kMagic] = static_cast<std::uint8_t>(batch::kMagicV2);
  std::int16_t attributes = static_cast<std::int16_t>(static_cast<std::int16_t>(codec) & batch::kCompressionMask);
  if (transactional_) attributes = static_cast<std::int16_t>(attributes | batch::kTransactional);
  BufferWriter::store_be(p + batch::kAttributes, static_cast<std::uint16_t>(attributes));
  BufferWriter::store_be(p + batch::kLastOffsetDelta, static_cast<std::uint32_t>(count_ - 1));
  BufferWriter::store_be(p + batch::kBaseTimestamp, static_cast<std::uint64_t>(base_timestamp_));
  BufferWriter::store_be(p + batch::kMaxTimestamp, static_cast<std::uint64_t>(max_timestamp_));
  BufferWriter::store_be(p + batch::kRecordsCount, static_cast<std::uint32_t>(count_));
}

ByteView RecordBatchBuilder::finish() {
  codec_ = Compression::none;
  write_header(active(), Compression::none);
  finished_ = true;
  set_producer_state(producer_id_, producer_epoch_, base_sequence_);
  return bytes();
}

std::error_code RecordBatchBuilder::finish(Compression codec, std::optional<int> level) {
  if (codec == Compression::none) {
    finish();
    return {};
  }
  finished_ = false;
  codec_ = Compression::none;
  compressed_.clear();
  compressed_.resize(batch::kHeaderSize);
  auto ec = compress(codec, ByteView(buf_.data(), used_).subspan(batch::kHeaderSize), compressed_, level);
  if (ec) {
    compressed_.clear();
    return ec;
  }
  write_header(compressed_, codec);
  codec_ = codec;
  finished_ = true;
  set_producer_state(producer_id_, producer_epoch_, base_sequence_);
  return {};
}

void RecordBatchBuilder::set_producer_state(std::int64_t producer_id, std::int16_t producer_epoch,
                                            std::int32_t base_sequence) noexcept {
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  base_sequence_ = base_sequence;
  if (!finished_) return;
  std::span<std::uint8_t> wire = active();
  std::uint8_t* p = wire.data();
  BufferWriter::store_be(p + batch::kProducerId, static_cast<std::uint64_t>(producer_id));
  BufferWriter::store_be(p + batch::kProducerEpoch, static_cast<std::uint16_t>(producer_epoch));
  BufferWriter::store_be(p + batch::kBaseSequence, static_cast<std::uint32_t>(base_sequence));
  update_crc(wire);
}

void RecordBatchBuilder::update_crc(std::span<std::uint8_t> wire) noexcept {
  std::uint32_t crc = crc32c(ByteView(wire).subspan(batch::kAttributes));
  BufferWriter::store_be(wire.data() + batch::kCrc, crc);
}

}  // namespace sluice::protocol
