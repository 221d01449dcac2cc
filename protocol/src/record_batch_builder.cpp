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
  crc_stream_.reset();
  crc_pos_ = batch::kHeaderSize;
  records_crc_ = 0;
}

namespace {

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

std::size_t RecordBatchBuilder::record_size_with_headers(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                                        std::optional<ByteView> value,
                                                        std::span<const RecordHeaderView> headers) const noexcept {
  return layout(count_ == 0 ? 0 : timestamp_delta(timestamp_ms), count_, key, value, headers).total;
}

void RecordBatchBuilder::grow(std::size_t record_total) {
  // Geometric growth: an exact size per record would copy the batch on every
  // append.
  buf_.resize(std::max(used_ + record_total, 2 * buf_.size()));
}

std::size_t RecordBatchBuilder::append_with_headers(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                                    std::optional<ByteView> value,
                                                    std::span<const RecordHeaderView> headers) {
  start_record(timestamp_ms);
  return encode(timestamp_ms, key, value, headers);
}

std::size_t RecordBatchBuilder::append_general(std::int64_t timestamp_ms, Field key, Field value) {
  auto opt = [](Field f) {
    return f.len < 0 ? std::nullopt : std::optional<ByteView>(ByteView(f.data, static_cast<std::size_t>(f.len)));
  };
  return encode(timestamp_ms, opt(key), opt(value), {});
}

std::size_t RecordBatchBuilder::encode(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                       std::optional<ByteView> value, std::span<const RecordHeaderView> headers) {
  const RecordLayout l = layout(timestamp_delta(timestamp_ms), count_, key, value, headers);
  if (buf_.size() - used_ < l.total) grow(l.total);
  std::uint8_t* p = buf_.data() + used_;
  p = store_uvarint(p, zigzag32(static_cast<std::int32_t>(l.body)));
  *p++ = 0;  // record attributes: unused
  p = store_uvarint(p, l.delta);
  p = store_uvarint(p, l.offset);
  p = store_uvarint(p, l.key_len);
  if (key) p = put_bytes(p, key->data(), key->size());
  p = store_uvarint(p, l.value_len);
  if (value) p = put_bytes(p, value->data(), value->size());
  p = store_uvarint(p, zigzag32(static_cast<std::int32_t>(headers.size())));
  for (const auto& h : headers) {
    p = store_uvarint(p, zigzag32(static_cast<std::int32_t>(h.key.size())));
    p = put_bytes(p, reinterpret_cast<const std::uint8_t*>(h.key.data()), h.key.size());
    p = store_uvarint(p, zig_len(h.value));
    if (h.value) p = put_bytes(p, h.value->data(), h.value->size());
  }
  end_record(l.total);
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
  records_crc_ = crc_stream_.value(buf_.data() + crc_pos_, used_ - crc_pos_);
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
  records_crc_ = crc32c(ByteView(compressed_).subspan(batch::kHeaderSize));
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

// The CRC covers the header from attributes on, then the records: the
// header's CRC combined with the records' one kept from finish().
void RecordBatchBuilder::update_crc(std::span<std::uint8_t> wire) noexcept {
  const std::uint32_t header = crc32c(ByteView(wire).subspan(batch::kAttributes, batch::kHeaderSize - batch::kAttributes));
  const std::uint32_t crc = crc32c_combine(header, records_crc_, wire.size() - batch::kHeaderSize);
  BufferWriter::store_be(wire.data() + batch::kCrc, crc);
}

}  // namespace sluice::protocol
