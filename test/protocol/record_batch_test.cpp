#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/crc32c.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::protocol;
namespace b = sluice::protocol::batch;

namespace {

using Span = std::span<const std::uint8_t>;

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::int64_t be64(const Bytes& v, std::size_t at) {
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < 8; ++i) x = x << 8 | v[at + i];
  return static_cast<std::int64_t>(x);
}
std::int32_t be32(const Bytes& v, std::size_t at) {
  std::uint32_t x = 0;
  for (std::size_t i = 0; i < 4; ++i) x = x << 8 | v[at + i];
  return static_cast<std::int32_t>(x);
}
std::int16_t be16(const Bytes& v, std::size_t at) { return static_cast<std::int16_t>(v[at] << 8 | v[at + 1]); }

// Recomputes the CRC after a test edited the batch.
void fix_crc(Bytes& v) {
  BufferWriter::store_be(v.data() + b::kCrc, crc32c(Span(v).subspan(b::kAttributes)));
}
void fix_length(Bytes& v) {
  BufferWriter::store_be(v.data() + b::kBatchLength, static_cast<std::uint32_t>(v.size() - b::kLogOverhead));
}

Bytes finished(RecordBatchBuilder& builder) {
  ByteView v = builder.finish();
  return Bytes(v.begin(), v.end());
}

// A batch with a bit of everything in it.
Bytes sample_batch() {
  RecordBatchBuilder builder;
  const RecordHeaderView hs[] = {{"trace-id", as_bytes("abc")}, {"null-value", std::nullopt}, {"", as_bytes("")}};
  builder.append(1000, as_bytes("k1"), as_bytes("v1"), hs);
  builder.append(990, std::nullopt, as_bytes("v2"));
  builder.append(1010, as_bytes(""), std::nullopt);
  return finished(builder);
}

void check_clean_error(const DecodeError& e, std::size_t size) {
  CHECK(e.code != codec_errc::ok);
  REQUIRE(e.field != nullptr);
  CHECK(std::string_view(e.field).size() > 0);
  CHECK(e.offset <= size);
  CHECK_FALSE(e.message().empty());
}

}  // namespace

TEST_CASE("RecordBatch round trip: nulls, empty key, headers, negative timestamp delta") {
  const Bytes v = sample_batch();
  auto r = decode_record_batch(v);
  REQUIRE(r.ok());
  const DecodedBatch& d = *r;
  REQUIRE(d.records.size() == 3);
  CHECK(d.magic == 2);
  CHECK(d.compression() == Compression::none);
  CHECK_FALSE(d.is_transactional());
  CHECK_FALSE(d.is_control());

  CHECK(d.records[0].offset == 0);
  CHECK(d.records[0].timestamp == 1000);
  CHECK(d.records[0].key == bytes("k1"));
  CHECK(d.records[0].value == bytes("v1"));
  REQUIRE(d.records[0].headers.size() == 3);
  CHECK(d.records[0].headers[0] == DecodedHeader{"trace-id", bytes("abc")});
  CHECK(d.records[0].headers[1] == DecodedHeader{"null-value", std::nullopt});
  CHECK(d.records[0].headers[2] == DecodedHeader{"", Bytes{}});

  CHECK(d.records[1].offset == 1);
  CHECK(d.records[1].timestamp == 990);  // delta -10
  CHECK_FALSE(d.records[1].key.has_value());
  CHECK(d.records[1].value == bytes("v2"));
  CHECK(d.records[1].headers.empty());

  CHECK(d.records[2].offset == 2);
  CHECK(d.records[2].timestamp == 1010);
  REQUIRE(d.records[2].key.has_value());
  CHECK(d.records[2].key->empty());  // empty, not null
  CHECK_FALSE(d.records[2].value.has_value());
}

TEST_CASE("RecordBatch header fields at their offsets") {
  const Bytes v = sample_batch();
  CHECK(be64(v, b::kBaseOffset) == 0);
  CHECK(be32(v, b::kBatchLength) == static_cast<std::int32_t>(v.size() - 12));
  CHECK(be32(v, b::kPartitionLeaderEpoch) == -1);
  CHECK(v[b::kMagic] == 2);
  CHECK(static_cast<std::uint32_t>(be32(v, b::kCrc)) == crc32c(Span(v).subspan(b::kAttributes)));
  CHECK(be16(v, b::kAttributes) == 0);
  CHECK(be32(v, b::kLastOffsetDelta) == 2);
  CHECK(be64(v, b::kBaseTimestamp) == 1000);  // the first record's, not the smallest
  CHECK(be64(v, b::kMaxTimestamp) == 1010);
  CHECK(be64(v, b::kProducerId) == -1);
  CHECK(be16(v, b::kProducerEpoch) == -1);
  CHECK(be32(v, b::kBaseSequence) == -1);
  CHECK(be32(v, b::kRecordsCount) == 3);
  // The first record starts right after the header: length varint, then
  // attributes 0, timestamp delta 0, offset delta 0, key length 2 (zigzag 4).
  CHECK(v[b::kHeaderSize + 1] == 0);
  CHECK(v[b::kHeaderSize + 2] == 0);
  CHECK(v[b::kHeaderSize + 3] == 0);
  CHECK(v[b::kHeaderSize + 4] == 4);
  CHECK(v[b::kHeaderSize + 5] == 'k');
}

TEST_CASE("RecordBatch: one record's exact bytes") {
  RecordBatchBuilder builder;
  const std::size_t n = builder.append(5, as_bytes("k"), as_bytes("vv"));
  const Bytes v = finished(builder);
  // length 9 (zigzag 18), attrs, ts delta 0, offset delta 0, key len 1 (2),
  // 'k', value len 2 (4), "vv", header count 0.
  const Bytes record{18, 0, 0, 0, 2, 'k', 4, 'v', 'v', 0};
  CHECK(n == record.size());
  CHECK(Bytes(v.begin() + b::kHeaderSize, v.end()) == record);
  CHECK(v.size() == b::kHeaderSize + record.size());
  CHECK(builder.size_in_bytes() == v.size());
}

TEST_CASE("RecordBatch: record_size predicts append, and the builder resets") {
  RecordBatchBuilder builder;
  const RecordHeaderView hs[] = {{"h", as_bytes("x")}};
  for (int i = 0; i < 50; ++i) {
    std::string value(static_cast<std::size_t>(i * 37), 'z');
    const std::int64_t ts = 1'700'000'000'000 + (i % 7) * 1000 - 3000;
    const std::size_t predicted = builder.record_size(ts, as_bytes("key"), as_bytes(value), hs);
    CHECK(builder.append(ts, as_bytes("key"), as_bytes(value), hs) == predicted);
  }
  CHECK(builder.record_count() == 50);
  CHECK_FALSE(builder.empty());
  builder.reset();
  CHECK(builder.empty());
  CHECK(builder.record_count() == 0);
  CHECK(builder.size_in_bytes() == b::kHeaderSize);
  builder.append(7, std::nullopt, std::nullopt);
  auto r = decode_record_batch(finished(builder));
  REQUIRE(r.ok());
  CHECK(r->records.size() == 1);
  CHECK(r->base_timestamp == 7);
}

TEST_CASE("RecordBatch: many records and a 1 MiB value") {
  RecordBatchBuilder builder;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const std::string key = std::to_string(i);
    builder.append(1'000'000 + i, as_bytes(key), as_bytes("value"));
  }
  const std::string big(1 << 20, 'x');
  builder.append(5, as_bytes("big"), as_bytes(big));
  const Bytes v = finished(builder);
  CHECK(be32(v, b::kLastOffsetDelta) == n);
  CHECK(be64(v, b::kMaxTimestamp) == 1'000'000 + n - 1);
  auto r = decode_record_batch(v);
  REQUIRE(r.ok());
  REQUIRE(r->records.size() == static_cast<std::size_t>(n + 1));
  for (int i = 0; i < n; i += 997) {
    CHECK(r->records[static_cast<std::size_t>(i)].key == bytes(std::to_string(i)));
    CHECK(r->records[static_cast<std::size_t>(i)].offset == i);
  }
  CHECK(r->records.back().value->size() == big.size());
  CHECK(r->records.back().timestamp == 5);
  CHECK(r->records.back().offset == n);
}

TEST_CASE("RecordBatch: set_producer_state updates the fields and keeps the CRC valid") {
  RecordBatchBuilder builder;
  builder.append(1, as_bytes("a"), as_bytes("b"));
  const Bytes before = finished(builder);
  builder.set_producer_state(4001, 7, 123);
  const Bytes after(builder.bytes().begin(), builder.bytes().end());
  REQUIRE(after.size() == before.size());
  CHECK(be64(after, b::kProducerId) == 4001);
  CHECK(be16(after, b::kProducerEpoch) == 7);
  CHECK(be32(after, b::kBaseSequence) == 123);
  CHECK(be32(after, b::kCrc) != be32(before, b::kCrc));
  // Only the three fields and the CRC changed.
  for (std::size_t i = 0; i < after.size(); ++i) {
    const bool producer_state = i >= b::kProducerId && i < b::kRecordsCount;
    const bool crc = i >= b::kCrc && i < b::kAttributes;
    if (!producer_state && !crc) REQUIRE(after[i] == before[i]);
  }
  auto r = decode_record_batch(after);
  REQUIRE(r.ok());
  CHECK(r->producer_id == 4001);
  CHECK(r->producer_epoch == 7);
  CHECK(r->base_sequence == 123);
  // Set before finish: applied by finish.
  RecordBatchBuilder early;
  early.set_producer_state(9, 1, 0);
  early.set_transactional(true);
  early.append(1, std::nullopt, as_bytes("x"));
  auto e = decode_record_batch(finished(early));
  REQUIRE(e.ok());
  CHECK(e->producer_id == 9);
  CHECK(e->is_transactional());
}

TEST_CASE("RecordBatch: decode_record_batches reads concatenated batches") {
  const Bytes one = sample_batch();
  Bytes two = one;
  two.insert(two.end(), one.begin(), one.end());
  auto r = decode_record_batches(two);
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  std::size_t used = 0;
  auto first = decode_record_batch(two, &used);
  REQUIRE(first.ok());
  CHECK(used == one.size());
  auto none = decode_record_batches({});
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("RecordBatch: compressed records sections decode") {
  RecordBatchBuilder builder;
  for (int i = 0; i < 20; ++i) builder.append(100 + i, as_bytes("key"), as_bytes("a fairly repetitive value"));
  const Bytes plain = finished(builder);
  const Span records = Span(plain).subspan(b::kHeaderSize);
  for (auto codec : {Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    INFO(compression_name(codec));
    Bytes v(plain.begin(), plain.begin() + b::kHeaderSize);
    if (compress(codec, records, v)) {
      WARN("compress() does not support " << compression_name(codec));
      continue;
    }
    BufferWriter::store_be(v.data() + b::kAttributes, static_cast<std::uint16_t>(codec));
    fix_length(v);
    fix_crc(v);
    auto r = decode_record_batch(v);
    REQUIRE(r.ok());
    CHECK(r->compression() == codec);
    REQUIRE(r->records.size() == 20);
    CHECK(r->records[19].timestamp == 119);
    CHECK(r->records[19].value == bytes("a fairly repetitive value"));
    // Over the decompression limit.
    BatchDecodeOptions small;
    small.max_decompressed_bytes = records.size() - 1;
    auto over = decode_record_batch(v, nullptr, small);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().code == codec_errc::decompressed_too_large);
    CHECK(std::string_view(over.error().field) == "Records");
    // Corrupt compressed bytes (CRC fixed so the codec sees them).
    Bytes bad = v;
    for (std::size_t i = b::kHeaderSize; i < bad.size(); ++i) bad[i] = static_cast<std::uint8_t>(bad[i] ^ 0x5a);
    fix_crc(bad);
    auto corrupt = decode_record_batch(bad);
    REQUIRE_FALSE(corrupt.ok());
    CHECK(corrupt.error().code == codec_errc::decompression_failed);
    CHECK(std::string_view(corrupt.error().field) == "Records");
    CHECK(corrupt.error().offset == b::kHeaderSize);
  }
}

TEST_CASE("RecordBatch: every truncation is an error naming a field, never a crash") {
  const Bytes v = sample_batch();
  for (std::size_t k = 0; k < v.size(); ++k) {
    INFO("first " << k << " bytes");
    auto r = decode_record_batch(Span(v).first(k));
    REQUIRE_FALSE(r.ok());
    check_clean_error(r.error(), k);
    if (k < b::kBatchLength + 4) {
      CHECK(r.error().code == codec_errc::truncated);
    } else {
      CHECK(std::string_view(r.error().field) == "BatchLength");
    }
    // The rest, on its own.
    auto rest = decode_record_batches(Span(v).subspan(k));
    if (k == 0) {
      CHECK(rest.ok());
    } else {
      REQUIRE_FALSE(rest.ok());
      check_clean_error(rest.error(), v.size() - k);
    }
  }
  // Two batches cut anywhere: whole batches before the cut are fine only
  // when the cut is exactly between them.
  Bytes two = v;
  two.insert(two.end(), v.begin(), v.end());
  for (std::size_t k = 1; k < two.size(); ++k) {
    auto r = decode_record_batches(Span(two).first(k));
    if (k == v.size()) {
      REQUIRE(r.ok());
      CHECK(r->size() == 1);
    } else {
      REQUIRE_FALSE(r.ok());
      check_clean_error(r.error(), k);
    }
  }
}

TEST_CASE("RecordBatch: records section cut short (length and CRC kept consistent)") {
  const Bytes v = sample_batch();
  for (std::size_t k = b::kHeaderSize; k < v.size(); ++k) {
    Bytes cut(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k));
    fix_length(cut);
    fix_crc(cut);
    INFO("records section cut to " << (k - b::kHeaderSize) << " bytes");
    auto r = decode_record_batch(cut);
    REQUIRE_FALSE(r.ok());
    check_clean_error(r.error(), cut.size());
    const std::string_view field = r.error().field;
    CHECK((field.substr(0, 6) == "Record" || field == "RecordsCount"));
    CHECK(r.error().offset >= b::kRecordsCount);
  }
}

TEST_CASE("RecordBatch: CRC mismatch on any flipped byte the CRC covers") {
  const Bytes v = sample_batch();
  for (std::size_t i = b::kCrc; i < v.size(); ++i) {
    Bytes bad = v;
    bad[i] ^= 0x01;
    INFO("byte " << i);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::crc_mismatch);
    CHECK(std::string_view(r.error().field) == "Crc");
    CHECK(r.error().offset == b::kCrc);
    // With the check off, the flipped byte is decoded (or rejected otherwise).
    BatchDecodeOptions off;
    off.verify_crc = false;
    auto lax = decode_record_batch(bad, nullptr, off);
    if (!lax.ok()) {
      CHECK(lax.error().code != codec_errc::crc_mismatch);
      check_clean_error(lax.error(), bad.size());
    }
  }
  // Base offset and leader epoch are outside the CRC.
  Bytes moved = v;
  BufferWriter::store_be(moved.data() + b::kBaseOffset, std::uint64_t{1000});
  BufferWriter::store_be(moved.data() + b::kPartitionLeaderEpoch, std::uint32_t{5});
  auto r = decode_record_batch(moved);
  REQUIRE(r.ok());
  CHECK(r->base_offset == 1000);
  CHECK(r->partition_leader_epoch == 5);
  CHECK(r->records[2].offset == 1002);
}

TEST_CASE("RecordBatch: bad magic, bad lengths and bad record counts") {
  const Bytes v = sample_batch();
  SECTION("magic 1") {
    Bytes bad = v;
    bad[b::kMagic] = 1;
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::invalid_value);
    CHECK(std::string_view(r.error().field) == "Magic");
    CHECK(r.error().offset == b::kMagic);
  }
  SECTION("batch length below the header, or past the data") {
    for (std::int32_t len : {-1, 0, 48}) {
      Bytes bad = v;
      BufferWriter::store_be(bad.data() + b::kBatchLength, static_cast<std::uint32_t>(len));
      auto r = decode_record_batch(bad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == codec_errc::invalid_value);
      CHECK(std::string_view(r.error().field) == "BatchLength");
      CHECK(r.error().offset == b::kBatchLength);
    }
    Bytes bad = v;
    BufferWriter::store_be(bad.data() + b::kBatchLength, static_cast<std::uint32_t>(v.size() - 11));
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(std::string_view(r.error().field) == "BatchLength");
  }
  SECTION("record count larger than the data") {
    Bytes bad = v;
    BufferWriter::store_be(bad.data() + b::kRecordsCount, std::uint32_t{1000});
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::length_too_large);
    CHECK(std::string_view(r.error().field) == "RecordsCount");
    CHECK(r.error().offset == b::kRecordsCount);
  }
  SECTION("record count one more than the records") {
    Bytes bad = v;
    BufferWriter::store_be(bad.data() + b::kRecordsCount, std::uint32_t{4});
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(std::string_view(r.error().field) == "Record.Length");
    CHECK(r.error().offset == v.size());
  }
  SECTION("negative record count") {
    Bytes bad = v;
    BufferWriter::store_be(bad.data() + b::kRecordsCount, static_cast<std::uint32_t>(-1));
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string_view(r.error().field) == "RecordsCount");
  }
  SECTION("record count smaller than the records: trailing bytes") {
    Bytes bad = v;
    BufferWriter::store_be(bad.data() + b::kRecordsCount, std::uint32_t{2});
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::trailing_bytes);
    CHECK(std::string_view(r.error().field) == "Records");
  }
  SECTION("a record whose length runs past the section") {
    Bytes bad = v;
    bad[b::kHeaderSize] = 0x7e;  // zigzag 63
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::length_too_large);
    CHECK(std::string_view(r.error().field) == "Record.Length");
    CHECK(r.error().offset == b::kHeaderSize);
  }
  SECTION("unknown compression codec") {
    Bytes bad = v;
    bad[b::kAttributes + 1] = 7;
    fix_crc(bad);
    auto r = decode_record_batch(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::unsupported_codec);
    CHECK(std::string_view(r.error().field) == "Records");
  }
}

TEST_CASE("RecordBatch: deltas at the edge of int64 wrap as in Java instead of overflowing") {
  RecordBatchBuilder builder;
  builder.append(INT64_MAX, std::nullopt, as_bytes("x"));
  Bytes v = finished(builder);
  // Second record with timestamp delta +1 and offset delta +1 (hand-made).
  const Bytes rec{12, 0, 2, 2, 1, 1, 0};  // length 6, attrs, ts +1, offset +1, null key, null value, 0 headers
  v.insert(v.end(), rec.begin(), rec.end());
  BufferWriter::store_be(v.data() + b::kRecordsCount, std::uint32_t{2});
  BufferWriter::store_be(v.data() + b::kBaseOffset, static_cast<std::uint64_t>(INT64_MAX));
  fix_length(v);
  fix_crc(v);
  auto r = decode_record_batch(v);
  REQUIRE(r.ok());
  REQUIRE(r->records.size() == 2);
  CHECK(r->records[1].timestamp == INT64_MIN);
  CHECK(r->records[1].offset == INT64_MIN);
}
