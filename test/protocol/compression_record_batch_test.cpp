// Compression inside record batches: RecordBatchBuilder compresses the
// records section with each codec, and decode_record_batch reports bombs and
// corrupt compressed records.
#include "sluice/protocol/compression.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compression_test_data.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::protocol;
using namespace sluice::test::compression;

namespace {

struct TestRecord {
  std::int64_t ts;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

std::vector<TestRecord> sample_records(std::size_t n) {
  std::vector<TestRecord> v;
  for (std::size_t i = 0; i < n; ++i) {
    TestRecord r;
    r.ts = 1700000000000 + static_cast<std::int64_t>(i * 3 % 7);
    if (i % 5 != 1) r.key = "key-" + std::to_string(i);
    if (i % 7 != 2) r.value = std::string(50 + i % 13, static_cast<char>('a' + i % 26)) + " value " + std::to_string(i);
    if (i % 3 == 0) r.headers.push_back({"trace", std::string("abc")});
    if (i % 4 == 0) r.headers.push_back({"null-header", std::nullopt});
    v.push_back(std::move(r));
  }
  return v;
}

void append_all(RecordBatchBuilder& b, const std::vector<TestRecord>& recs) {
  for (const auto& r : recs) {
    std::vector<RecordHeaderView> hv;
    for (const auto& h : r.headers) {
      hv.push_back({h.first, h.second ? std::optional<ByteView>(as_bytes(*h.second)) : std::nullopt});
    }
    b.append(r.ts, r.key ? std::optional<ByteView>(as_bytes(*r.key)) : std::nullopt,
             r.value ? std::optional<ByteView>(as_bytes(*r.value)) : std::nullopt, hv);
  }
}

std::optional<Bytes> to_bytes(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return Bytes(s->begin(), s->end());
}

void check_batch(ByteView wire, Compression codec, const std::vector<TestRecord>& recs, std::int64_t pid = -1,
                 std::int16_t epoch = -1, std::int32_t seq = -1, bool transactional = false) {
  std::size_t consumed = 0;
  auto r = decode_record_batch(wire, &consumed);  // verifies the CRC
  INFO(compression_name(codec));
  if (!r) FAIL(r.error().message());
  const DecodedBatch& b = r.value();
  CHECK(consumed == wire.size());
  CHECK(b.compression() == codec);
  CHECK((b.attributes & batch::kCompressionMask) == static_cast<std::int16_t>(codec));
  CHECK(b.is_transactional() == transactional);
  CHECK(b.producer_id == pid);
  CHECK(b.producer_epoch == epoch);
  CHECK(b.base_sequence == seq);
  CHECK(be32(wire.data() + batch::kBatchLength) == wire.size() - batch::kLogOverhead);
  CHECK(b.last_offset_delta == static_cast<std::int32_t>(recs.size()) - 1);
  REQUIRE(b.records.size() == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    INFO("record " << i);
    const auto& d = b.records[i];
    CHECK(d.offset == static_cast<std::int64_t>(i));
    CHECK(d.timestamp == recs[i].ts);
    CHECK(d.key == to_bytes(recs[i].key));
    CHECK(d.value == to_bytes(recs[i].value));
    REQUIRE(d.headers.size() == recs[i].headers.size());
    for (std::size_t h = 0; h < d.headers.size(); ++h) {
      CHECK(d.headers[h].key == recs[i].headers[h].first);
      CHECK(d.headers[h].value == to_bytes(recs[i].headers[h].second));
    }
  }
}

}  // namespace

TEST_CASE("RecordBatchBuilder compresses the records section with each codec") {
  const auto recs = sample_records(40);
  for (Compression c : {Compression::none, Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    RecordBatchBuilder b;
    append_all(b, recs);
    const std::size_t uncompressed = b.size_in_bytes();
    REQUIRE_FALSE(b.finish(c));
    ByteView wire = b.bytes();
    check_batch(wire, c, recs);
    if (c != Compression::none) {
      CHECK(wire.size() < uncompressed);
      // The records section is exactly the codec's output for the uncompressed records.
      RecordBatchBuilder plain;
      append_all(plain, recs);
      ByteView p = plain.finish();
      Bytes expect = must_compress(c, p.subspan(batch::kHeaderSize));
      CHECK(Bytes(wire.begin() + batch::kHeaderSize, wire.end()) == expect);
      // Same header fields as the uncompressed batch apart from length, attributes and CRC.
      CHECK(std::equal(wire.begin() + batch::kLastOffsetDelta, wire.begin() + batch::kHeaderSize,
                       p.begin() + batch::kLastOffsetDelta));
    }

    // set_producer_state after finish patches the compressed batch and its CRC.
    b.set_producer_state(123456789, 7, 42);
    check_batch(b.bytes(), c, recs, 123456789, 7, 42);
    Bytes released = b.release();
    check_batch(released, c, recs, 123456789, 7, 42);
  }
}

TEST_CASE("RecordBatchBuilder: levels, transactional bit, re-finishing and appending after a compressed finish") {
  const auto recs = sample_records(10);
  RecordBatchBuilder b;
  append_all(b, recs);
  CHECK(b.finish(Compression::zstd, 99) == codec_errc::invalid_value);
  CHECK(b.finish(Compression::gzip, 0) == codec_errc::invalid_value);
  REQUIRE_FALSE(b.finish(Compression::lz4, 17));
  check_batch(b.bytes(), Compression::lz4, recs);
  REQUIRE_FALSE(b.finish(Compression::gzip, 9));
  check_batch(b.bytes(), Compression::gzip, recs);

  // Producer state set before finish carries into the compressed batch.
  b.set_transactional(true);
  b.set_producer_state(5, 1, 100);
  REQUIRE_FALSE(b.finish(Compression::snappy));
  check_batch(b.bytes(), Compression::snappy, recs, 5, 1, 100, true);

  // Appending after a compressed finish continues the batch; finishing again recompresses all.
  auto more = sample_records(15);
  std::vector<TestRecord> tail(more.begin() + 10, more.end());
  append_all(b, tail);
  CHECK(b.bytes().size() == b.size_in_bytes());  // unfinished: the uncompressed buffer
  REQUIRE_FALSE(b.finish(Compression::zstd));
  check_batch(b.bytes(), Compression::zstd, more, 5, 1, 100, true);
  // And back to uncompressed.
  check_batch(b.finish(), Compression::none, more, 5, 1, 100, true);
  CHECK(b.bytes().size() == b.size_in_bytes());

  // reset() clears the compressed state too.
  b.reset();
  append_all(b, recs);
  REQUIRE_FALSE(b.finish(Compression::gzip));
  check_batch(b.bytes(), Compression::gzip, recs);
}

TEST_CASE("decode_record_batch reports bombs and corrupt compressed records") {
  RecordBatchBuilder b;
  const std::string big(1u << 20, 'z');
  for (int i = 0; i < 8; ++i) b.append(1000 + i, std::nullopt, as_bytes(big));
  for (Compression c : kCodecs) {
    REQUIRE_FALSE(b.finish(c));
    Bytes wire(b.bytes().begin(), b.bytes().end());
    BatchDecodeOptions small;
    small.max_decompressed_bytes = 1u << 20;
    auto r = decode_record_batch(wire, nullptr, small);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == codec_errc::decompressed_too_large);
    CHECK(decode_record_batch(wire));  // the default 64 MiB is enough

    // Corrupt the codec's magic inside the records section (CRC check off):
    // the decoder must reject it.
    Bytes bad = wire;
    bad[batch::kHeaderSize + 2] ^= 0xff;
    BatchDecodeOptions no_crc;
    no_crc.verify_crc = false;
    auto rb = decode_record_batch(bad, nullptr, no_crc);
    CHECK_FALSE(rb);
  }
}
