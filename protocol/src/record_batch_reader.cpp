#include "sluice/protocol/record_batch_reader.hpp"

#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/crc32c.hpp"

namespace sluice::protocol {
namespace {

// base + delta wrapping around as in the Java client (long arithmetic), not
// signed overflow (undefined behaviour): both come from untrusted bytes.
std::int64_t wrapping_add(std::int64_t base, std::int64_t delta) noexcept {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(delta));
}

std::optional<Bytes> read_varint_bytes(BufferReader& r, const char* field) {
  std::size_t at = r.position();
  std::int32_t n = r.varint(field);
  if (!r.ok()) return std::nullopt;
  if (n < -1) {
    r.fail(codec_errc::negative_length, field, at);
    return std::nullopt;
  }
  if (n == -1) return std::nullopt;
  if (static_cast<std::size_t>(n) > r.remaining()) {
    r.fail(codec_errc::length_too_large, field, at);
    return std::nullopt;
  }
  auto v = r.raw(field, static_cast<std::size_t>(n));
  return Bytes(v.begin(), v.end());
}

// Decodes `count` records from `r` (the records section, uncompressed).
void read_records(BufferReader& r, DecodedBatch& b, std::int32_t count) {
  // Each record takes at least 7 bytes; reject counts that cannot fit.
  if (count < 0 || static_cast<std::size_t>(count) > r.remaining() / 7 + 1) {
    r.fail(codec_errc::length_too_large, "RecordsCount", 0);
    return;
  }
  b.records.reserve(static_cast<std::size_t>(count));
  for (std::int32_t i = 0; i < count && r.ok(); ++i) {
    std::size_t at = r.position();
    std::int32_t length = r.varint("Record.Length");
    if (!r.ok()) return;
    if (length < 0 || static_cast<std::size_t>(length) > r.remaining()) {
      r.fail(codec_errc::length_too_large, "Record.Length", at);
      return;
    }
    BufferReader rec(r.raw("Record", static_cast<std::size_t>(length)));
    DecodedRecord d;
    rec.int8("Record.Attributes");
    d.timestamp = wrapping_add(b.base_timestamp, rec.varlong("Record.TimestampDelta"));
    d.offset = wrapping_add(b.base_offset, rec.varint("Record.OffsetDelta"));
    d.key = read_varint_bytes(rec, "Record.Key");
    d.value = read_varint_bytes(rec, "Record.Value");
    std::size_t hat = rec.position();
    std::int32_t nh = rec.varint("Record.HeaderCount");
    if (rec.ok() && (nh < 0 || static_cast<std::size_t>(nh) > rec.remaining() / 2)) {
      rec.fail(codec_errc::length_too_large, "Record.HeaderCount", hat);
    }
    for (std::int32_t h = 0; h < nh && rec.ok(); ++h) {
      DecodedHeader hd;
      std::size_t kat = rec.position();
      auto k = read_varint_bytes(rec, "Record.Header.Key");
      if (!k) {
        if (rec.ok()) rec.fail(codec_errc::negative_length, "Record.Header.Key", kat);
        break;
      }
      hd.key.assign(k->begin(), k->end());
      hd.value = read_varint_bytes(rec, "Record.Header.Value");
      d.headers.push_back(std::move(hd));
    }
    if (rec.ok() && !rec.at_end()) rec.fail(codec_errc::trailing_bytes, "Record");
    if (!rec.ok()) {
      DecodeError e = rec.error();
      r.fail(e.code, e.field, at + e.offset);
      return;
    }
    b.records.push_back(std::move(d));
  }
}

}  // namespace

Result<DecodedBatch> decode_record_batch(std::span<const std::uint8_t> data, std::size_t* consumed,
                                         const BatchDecodeOptions& options) {
  BufferReader r(data);
  DecodedBatch b;
  b.base_offset = r.int64("BaseOffset");
  std::size_t len_at = r.position();
  std::int32_t batch_length = r.int32("BatchLength");
  if (!r.ok()) return r.error();
  if (batch_length < static_cast<std::int32_t>(batch::kHeaderSize - batch::kLogOverhead)) {
    return DecodeError{codec_errc::invalid_value, "BatchLength", len_at};
  }
  if (static_cast<std::size_t>(batch_length) > r.remaining()) {
    return DecodeError{codec_errc::truncated, "BatchLength", len_at};
  }
  const std::size_t total = batch::kLogOverhead + static_cast<std::size_t>(batch_length);
  b.partition_leader_epoch = r.int32("PartitionLeaderEpoch");
  std::size_t magic_at = r.position();
  b.magic = r.int8("Magic");
  if (b.magic != batch::kMagicV2) return DecodeError{codec_errc::invalid_value, "Magic", magic_at};
  b.crc = r.uint32("Crc");
  if (options.verify_crc && crc32c(data.subspan(batch::kAttributes, total - batch::kAttributes)) != b.crc) {
    return DecodeError{codec_errc::crc_mismatch, "Crc", batch::kCrc};
  }
  b.attributes = r.int16("Attributes");
  b.last_offset_delta = r.int32("LastOffsetDelta");
  b.base_timestamp = r.int64("BaseTimestamp");
  b.max_timestamp = r.int64("MaxTimestamp");
  b.producer_id = r.int64("ProducerId");
  b.producer_epoch = r.int16("ProducerEpoch");
  b.base_sequence = r.int32("BaseSequence");
  std::size_t count_at = r.position();
  std::int32_t count = r.int32("RecordsCount");
  if (!r.ok()) return r.error();
  auto records = data.subspan(batch::kHeaderSize, total - batch::kHeaderSize);
  Bytes decompressed;
  if (b.compression() != Compression::none) {
    auto ec = decompress(b.compression(), records, decompressed, options.max_decompressed_bytes);
    if (ec) return DecodeError{static_cast<codec_errc>(ec.value()), "Records", batch::kHeaderSize};
    records = decompressed;
  }
  BufferReader rr(records);
  read_records(rr, b, count);
  if (rr.ok() && !rr.at_end()) rr.fail(codec_errc::trailing_bytes, "Records");
  if (!rr.ok()) {
    DecodeError e = rr.error();
    if (e.field == std::string_view("RecordsCount")) {
      e.offset = count_at;
    } else if (b.compression() == Compression::none) {
      e.offset += batch::kHeaderSize;
    } else {
      // An offset inside the decompressed bytes means nothing in the input:
      // point at the start of the compressed records section instead.
      e.offset = batch::kHeaderSize;
    }
    return e;
  }
  if (consumed != nullptr) *consumed = total;
  return b;
}

Result<std::vector<DecodedBatch>> decode_record_batches(std::span<const std::uint8_t> data,
                                                        const BatchDecodeOptions& options) {
  std::vector<DecodedBatch> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t used = 0;
    auto b = decode_record_batch(data.subspan(pos), &used, options);
    if (!b) {
      DecodeError e = b.error();
      e.offset += pos;
      return e;
    }
    out.push_back(std::move(b).value());
    pos += used;
  }
  return out;
}

}  // namespace sluice::protocol
