#include "sluice/protocol/record_batch_builder.hpp"

#include <algorithm>

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
  buf_.clear();
  buf_.resize(batch::kHeaderSize);
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
  max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  const std::int64_t delta = timestamp_ms - base_timestamp_;
  const std::size_t body = body_size(delta, count_, key, value, headers);
  const std::size_t before = buf_.size();
  buf_.reserve(before + body + 5);
  BufferWriter w(buf_);
  w.varint(static_cast<std::int32_t>(body));
  w.int8(0);  // record attributes: unused
  w.varlong(delta);
  w.varint(count_);
  auto put_nullable = [&w](const std::optional<ByteView>& b) {
    if (b) {
      w.varint(static_cast<std::int32_t>(b->size()));
      w.raw(*b);
    } else {
      w.varint(-1);
    }
  };
  put_nullable(key);
  put_nullable(value);
  w.varint(static_cast<std::int32_t>(headers.size()));
  for (const auto& h : headers) {
    w.varint(static_cast<std::int32_t>(h.key.size()));
    w.raw(h.key);
    put_nullable(h.value);
  }
  ++count_;
  return buf_.size() - before;
}

ByteView RecordBatchBuilder::finish() {
  std::uint8_t* p = buf_.data();
  BufferWriter::store_be(p + batch::kBaseOffset, std::uint64_t{0});
  BufferWriter::store_be(p + batch::kBatchLength, static_cast<std::uint32_t>(buf_.size() - batch::kLogOverhead));
  BufferWriter::store_be(p + batch::kPartitionLeaderEpoch, static_cast<std::uint32_t>(-1));
  p[batch::kMagic] = static_cast<std::uint8_t>(batch::kMagicV2);
  std::int16_t attributes = static_cast<std::int16_t>(Compression::none);
  if (transactional_) attributes = static_cast<std::int16_t>(attributes | batch::kTransactional);
  BufferWriter::store_be(p + batch::kAttributes, static_cast<std::uint16_t>(attributes));
  BufferWriter::store_be(p + batch::kLastOffsetDelta, static_cast<std::uint32_t>(count_ - 1));
  BufferWriter::store_be(p + batch::kBaseTimestamp, static_cast<std::uint64_t>(base_timestamp_));
  BufferWriter::store_be(p + batch::kMaxTimestamp, static_cast<std::uint64_t>(max_timestamp_));
  BufferWriter::store_be(p + batch::kRecordsCount, static_cast<std::uint32_t>(count_));
  finished_ = true;
  set_producer_state(producer_id_, producer_epoch_, base_sequence_);
  return buf_;
}

void RecordBatchBuilder::set_producer_state(std::int64_t producer_id, std::int16_t producer_epoch,
                                            std::int32_t base_sequence) noexcept {
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  base_sequence_ = base_sequence;
  if (!finished_) return;
  std::uint8_t* p = buf_.data();
  BufferWriter::store_be(p + batch::kProducerId, static_cast<std::uint64_t>(producer_id));
  BufferWriter::store_be(p + batch::kProducerEpoch, static_cast<std::uint16_t>(producer_epoch));
  BufferWriter::store_be(p + batch::kBaseSequence, static_cast<std::uint32_t>(base_sequence));
  update_crc();
}

void RecordBatchBuilder::update_crc() noexcept {
  std::uint32_t crc = crc32c(ByteView(buf_).subspan(batch::kAttributes));
  BufferWriter::store_be(buf_.data() + batch::kCrc, crc);
}

}  // namespace sluice::protocol
