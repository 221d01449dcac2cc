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
std::size_t nullable_size(const std::optional<ByteView>& b) noexcept {
  return b ? varint_size(static_cast<std::int32_t>(b->size())) + b->size() : varint_size(-1);
}
}  // namespace

std::size_t RecordBatchBuilder::body_size(std::int64_t timestamp_delta, std::int32_t offset_delta,
                                          std::optional<ByteView> key, std::optional<ByteView> value,
                                          std::span<const RecordHeaderView> headers) const noexcept {
  std::size_t n = 1;  // attributes
  n += varlong_size(timestamp_delta);
  n += varint_size(offset_delta);
  n += nullable_size(key);
  n += nullable_size(value);
  n += varint_size(static_cast<std::int32_t>(headers.size()));
  for (const auto& h : headers) {
    n += varint_size(static_cast<std::int32_t>(h.key.size())) + h.key.size();
    n += nullable_size(h.value);
  }
  return n;
}

std::size_t RecordBatchBuilder::record_size(std::int64_t timestamp_ms, std::optional<ByteView> key,
                                            std::optional<ByteView> value,
                                            std::span<const RecordHeaderView> headers) const noexcept {
  std::int64_t delta = count_ == 0 ? 0 : timestamp_ms - base_timestamp_;
  std::size_t body = body_size(delta, count_, key, value, headers);
  return varint_size(static_cast<std::int32_t>(body)) + body;
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
  const std::int64_t delta = timestamp_ms - base_timestamp_;
  const std::size_t body = body_size(delta, count_, key, value, headers);
  const std::size_t total = varint_size(static_cast<std::int32_t>(body)) + body;
  const std::size_t before = used_;
  // Grow geometrically (an exact size per record would copy the batch on
  // every append), then write the record through a raw pointer: its size
  // is known, so there are no per-byte capacity checks.
  if (buf_.size() < before + total) buf_.resize(std::max(before + total, 2 * buf_.size()));
  std::uint8_t* p = buf_.data() + before;
  auto put_uvarint = [&p](std::uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<std::uint8_t>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<std::uint8_t>(v);
  };
  auto put_varint = [&put_uvarint](std::int32_t v) {
    put_uvarint(static_cast<std::uint32_t>((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31)));
  };
  auto put_raw = [&p](const std::uint8_t* data, std::size_t n) {
    if (n != 0) std::memcpy(p, data, n);
    p += n;
  };
  auto put_nullable = [&](const std::optional<ByteView>& b) {
    if (b) {
      put_varint(static_cast<std::int32_t>(b->size()));
      put_raw(b->data(), b->size());
    } else {
      put_varint(-1);
    }
  };
  put_varint(static_cast<std::int32_t>(body));
  *p++ = 0;  // record attributes: unused
  put_uvarint((static_cast<std::uint64_t>(delta) << 1) ^ static_cast<std::uint64_t>(delta >> 63));
  put_varint(count_);
  put_nullable(key);
  put_nullable(value);
  put_varint(static_cast<std::int32_t>(headers.size()));
  for (const auto& h : headers) {
    put_varint(static_cast<std::int32_t>(h.key.size()));
    put_raw(reinterpret_cast<const std::uint8_t*>(h.key.data()), h.key.size());
    put_nullable(h.value);
  }
  used_ += total;
  ++count_;
  return total;
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
