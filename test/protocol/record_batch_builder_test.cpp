// The builder's fast paths against a plain reference encoder: the inline
// append of records without headers (one capacity check, branchy varints),
// the CRC folded in chunks while appending and combined with the header's
// CRC in finish(), and set_producer_state recomputing only the header's
// part. The reference writes every field with BufferWriter (the slow,
// obviously-right path) and computes the CRC with crc32c_portable over the
// whole batch, so a disagreement in any byte fails.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/crc32c.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::protocol;

namespace {

struct TestHeader {
  std::string key;
  std::optional<Bytes> value;
};

struct TestRecord {
  std::int64_t timestamp = 0;
  std::optional<Bytes> key, value;
  std::vector<TestHeader> headers;
};

struct TestBatch {
  std::vector<TestRecord> records;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  bool transactional = false;
};

void nullable(BufferWriter& w, const std::optional<Bytes>& b) {
  if (!b) {
    w.varint(-1);
    return;
  }
  w.varint(static_cast<std::int32_t>(b->size()));
  w.raw(*b);
}

// RecordBatch v2 as the Kafka documentation spells it, field by field.
Bytes reference_batch(const TestBatch& t) {
  const std::int64_t base_ts = t.records.front().timestamp;
  std::int64_t max_ts = base_ts;
  Bytes records;
  BufferWriter rw(records);
  for (std::size_t i = 0; i < t.records.size(); ++i) {
    const TestRecord& r = t.records[i];
    if (r.timestamp > max_ts) max_ts = r.timestamp;
    Bytes body;
    BufferWriter w(body);
    w.int8(0);
    w.varlong(static_cast<std::int64_t>(static_cast<std::uint64_t>(r.timestamp) - static_cast<std::uint64_t>(base_ts)));
    w.varint(static_cast<std::int32_t>(i));
    nullable(w, r.key);
    nullable(w, r.value);
    w.varint(static_cast<std::int32_t>(r.headers.size()));
    for (const auto& h : r.headers) {
      w.varint(static_cast<std::int32_t>(h.key.size()));
      w.raw(h.key);
      nullable(w, h.value);
    }
    rw.varint(static_cast<std::int32_t>(body.size()));
    rw.raw(body);
  }
  Bytes out;
  BufferWriter w(out);
  w.int64(0);
  w.int32(static_cast<std::int32_t>(batch::kHeaderSize - batch::kLogOverhead + records.size()));
  w.int32(-1);
  w.int8(batch::kMagicV2);
  const std::size_t crc_at = w.reserve(4);
  w.int16(t.transactional ? batch::kTransactional : std::int16_t{0});
  w.int32(static_cast<std::int32_t>(t.records.size() - 1));
  w.int64(base_ts);
  w.int64(max_ts);
  w.int64(t.producer_id);
  w.int16(t.producer_epoch);
  w.int32(t.base_sequence);
  w.int32(static_cast<std::int32_t>(t.records.size()));
  w.raw(records);
  w.patch_uint32(crc_at, crc32c_portable(std::span<const std::uint8_t>(out).subspan(batch::kAttributes)));
  return out;
}

std::optional<ByteView> view(const std::optional<Bytes>& b) {
  return b ? std::optional<ByteView>(ByteView(*b)) : std::nullopt;
}

// Appends every record (checking record_size() against append()), finishes,
// then sets the producer state as the producer does.
ByteView build(RecordBatchBuilder& b, const TestBatch& t) {
  b.reset();
  b.set_transactional(t.transactional);
  for (const auto& r : t.records) {
    std::vector<RecordHeaderView> hv;
    for (const auto& h : r.headers) hv.push_back({h.key, view(h.value)});
    const std::size_t predicted = b.record_size(r.timestamp, view(r.key), view(r.value), hv);
    const std::size_t written = b.append(r.timestamp, view(r.key), view(r.value), hv);
    REQUIRE(predicted == written);
  }
  b.finish();
  b.set_producer_state(t.producer_id, t.producer_epoch, t.base_sequence);
  return b.bytes();
}

// Sizes at varint boundaries (zigzag doubles: 63/64 and 8191/8192 change a
// length's varint size) and around the CRC's 64-byte blocks and chunks.
const std::size_t kSizes[] = {0, 1, 2, 7, 15, 16, 17, 50, 63, 64, 65, 100, 127, 128, 200, 1000, 1024, 4095, 8191, 8192, 9000};

std::optional<Bytes> random_field(std::mt19937& rng, bool may_be_null) {
  if (may_be_null && rng() % 5 == 0) return std::nullopt;
  const std::size_t n = kSizes[rng() % std::size(kSizes)];
  Bytes v(n);
  for (auto& c : v) c = static_cast<std::uint8_t>(rng());
  return v;
}

std::int64_t random_timestamp(std::mt19937_64& rng, std::int64_t base) {
  switch (rng() % 6) {
    case 0: return base;
    case 1: return base + static_cast<std::int64_t>(rng() % 64);  // one-byte deltas
    case 2: return base + static_cast<std::int64_t>(rng() % 100000) - 50000;
    case 3: return static_cast<std::int64_t>(rng());             // any delta, wrapping
    case 4: return base - static_cast<std::int64_t>(rng() % 3);
    default: return base + static_cast<std::int64_t>(rng() % (std::int64_t{1} << 40));
  }
}

TestBatch random_batch(std::mt19937& rng, std::mt19937_64& rng64, std::size_t records, bool headers) {
  TestBatch t;
  const std::int64_t base = static_cast<std::int64_t>(rng64() % (std::int64_t{1} << 42));
  for (std::size_t i = 0; i < records; ++i) {
    TestRecord r;
    r.timestamp = i == 0 ? base : random_timestamp(rng64, base);
    r.key = random_field(rng, true);
    r.value = random_field(rng, true);
    if (headers && rng() % 3 == 0) {
      for (std::size_t h = rng() % 3; h > 0; --h) r.headers.push_back({"h" + std::to_string(h), random_field(rng, true)});
    }
    t.records.push_back(std::move(r));
  }
  t.producer_id = rng() % 2 ? -1 : static_cast<std::int64_t>(rng64() >> 1);
  t.producer_epoch = static_cast<std::int16_t>(rng() % 2 ? -1 : static_cast<int>(rng() % 32768));
  t.base_sequence = rng() % 2 ? -1 : static_cast<std::int32_t>(rng() >> 1);
  t.transactional = rng() % 4 == 0;
  return t;
}

}  // namespace

TEST_CASE("Builder: random batches are byte-identical to the reference encoder") {
  std::mt19937 rng(20261124);
  std::mt19937_64 rng64(99);
  RecordBatchBuilder b;  // reused: a reused buffer must not leak old bytes or CRC state
  for (int i = 0; i < 300; ++i) {
    const std::size_t records = 1 + rng() % (i % 10 == 0 ? 300 : 20);
    const TestBatch t = random_batch(rng, rng64, records, i % 2 == 1);
    const Bytes expected = reference_batch(t);
    const ByteView got = build(b, t);
    INFO("batch " << i << ": " << records << " records, " << expected.size() << " bytes");
    REQUIRE(Bytes(got.begin(), got.end()) == expected);
  }
}

TEST_CASE("Builder: every records-section length 1..5000 bytes, one value each") {
  // One record whose value grows a byte at a time, then two records: the
  // records section ends at every offset relative to the CRC's 64-byte
  // blocks and 1 KiB chunks.
  RecordBatchBuilder b;
  const std::int64_t ts = 1700000000000;
  for (std::size_t n = 0; n <= 5000; ++n) {
    TestBatch t;
    Bytes v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + n);
    t.records.push_back({ts, std::nullopt, v, {}});
    if (n % 3 == 0) t.records.push_back({ts + 1, Bytes{1, 2, 3}, Bytes(n / 2, 0xab), {}});
    t.producer_id = 42;
    t.producer_epoch = 3;
    t.base_sequence = static_cast<std::int32_t>(n);
    const ByteView got = build(b, t);
    if (Bytes(got.begin(), got.end()) != reference_batch(t)) FAIL("value of " << n << " bytes");
  }
  SUCCEED();
}

TEST_CASE("Builder: many small records (the benchmark's shape) and 1 KiB records into 1 MiB") {
  RecordBatchBuilder b;
  for (std::size_t size : {std::size_t{100}, std::size_t{1024}}) {
    TestBatch t;
    Bytes v(size);
    for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<std::uint8_t>(i);
    for (std::size_t i = 0; i < (size == 100 ? 1000u : 1024u); ++i) {
      t.records.push_back({1700000000000 + static_cast<std::int64_t>(i), std::nullopt, v, {}});
    }
    const ByteView got = build(b, t);
    CHECK(Bytes(got.begin(), got.end()) == reference_batch(t));
  }
}

TEST_CASE("Builder: set_producer_state and appending after finish keep the CRC right") {
  std::mt19937 rng(5);
  std::mt19937_64 rng64(6);
  RecordBatchBuilder b;
  TestBatch t = random_batch(rng, rng64, 50, true);
  build(b, t);
  // Changing the producer state again recomputes only the header's CRC.
  for (int i = 0; i < 5; ++i) {
    t.producer_id = static_cast<std::int64_t>(rng64() >> 2);
    t.producer_epoch = static_cast<std::int16_t>(i);
    t.base_sequence = static_cast<std::int32_t>(rng() >> 1);
    b.set_producer_state(t.producer_id, t.producer_epoch, t.base_sequence);
    CHECK(Bytes(b.bytes().begin(), b.bytes().end()) == reference_batch(t));
  }
  // More records after finish, then finish again.
  for (int i = 0; i < 40; ++i) {
    TestRecord r{t.records.front().timestamp + i, random_field(rng, true), random_field(rng, true), {}};
    b.append(r.timestamp, view(r.key), view(r.value));
    t.records.push_back(std::move(r));
    if (i % 13 == 0) {
      b.finish();
      CHECK(Bytes(b.bytes().begin(), b.bytes().end()) == reference_batch(t));
    }
  }
  b.finish();
  CHECK(Bytes(b.bytes().begin(), b.bytes().end()) == reference_batch(t));
}

TEST_CASE("Builder: compressed batches keep a valid CRC through set_producer_state") {
  std::mt19937 rng(8);
  std::mt19937_64 rng64(9);
  for (Compression codec : {Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd}) {
    RecordBatchBuilder b;
    const TestBatch t = random_batch(rng, rng64, 120, true);
    for (const auto& r : t.records) b.append(r.timestamp, view(r.key), view(r.value));
    REQUIRE_FALSE(b.finish(codec));
    b.set_producer_state(77, 2, 1000);
    const ByteView wire = b.bytes();
    const std::uint32_t stored = static_cast<std::uint32_t>(wire[batch::kCrc]) << 24 |
                                 static_cast<std::uint32_t>(wire[batch::kCrc + 1]) << 16 |
                                 static_cast<std::uint32_t>(wire[batch::kCrc + 2]) << 8 | wire[batch::kCrc + 3];
    CHECK(stored == crc32c_portable(wire.subspan(batch::kAttributes)));
    auto decoded = decode_record_batch(wire);
    REQUIRE(decoded);
    CHECK(decoded->records.size() == t.records.size());
    CHECK(decoded->producer_id == 77);
    // Back to uncompressed: the records' own CRC is used again.
    b.finish();
    b.set_producer_state(77, 2, 1000);
    CHECK(crc32c_portable(b.bytes().subspan(batch::kAttributes)) ==
          (static_cast<std::uint32_t>(b.bytes()[batch::kCrc]) << 24 |
           static_cast<std::uint32_t>(b.bytes()[batch::kCrc + 1]) << 16 |
           static_cast<std::uint32_t>(b.bytes()[batch::kCrc + 2]) << 8 | b.bytes()[batch::kCrc + 3]));
  }
}

TEST_CASE("Builder: reserve() makes room once, the batch is the same bytes and is never moved") {
  RecordBatchBuilder plain, reserved;
  reserved.reserve(16384);
  CHECK(reserved.capacity() >= 16384);
  CHECK(reserved.empty());
  const std::uint8_t* where = reserved.bytes().data();
  const std::string value(100, 'v');
  for (int i = 0; i < 140; ++i) {
    plain.append(1000 + i, std::nullopt, as_bytes(value));
    reserved.append(1000 + i, std::nullopt, as_bytes(value));
  }
  CHECK(reserved.size_in_bytes() <= 16384);
  CHECK(reserved.bytes().data() == where);  // 140 records of about 110 bytes fit: no reallocation
  reserved.reserve(10);                     // never shrinks, keeps what is written
  CHECK(reserved.capacity() >= 16384);
  REQUIRE_FALSE(plain.finish(Compression::none));
  REQUIRE_FALSE(reserved.finish(Compression::none));
  const auto a = plain.bytes(), b = reserved.bytes();
  CHECK(std::vector<std::uint8_t>(a.begin(), a.end()) == std::vector<std::uint8_t>(b.begin(), b.end()));
}
