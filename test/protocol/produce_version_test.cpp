// Which Produce versions may carry which compression codec: zstd batches
// need Produce v7+ (KIP-110; a broker answers UNSUPPORTED_COMPRESSION_TYPE
// below that), so encoding one at v3-v6 fails with unsupported_codec while
// gzip (and the other pre-zstd codecs) work at every version.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"

using namespace sluice::protocol;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000LL;

// A small batch of a few compressible records, finished with `codec`.
Bytes make_batch(Compression codec) {
  RecordBatchBuilder b;
  for (int i = 0; i < 20; ++i) {
    std::string key = "key-" + std::to_string(i);
    std::string value = "value-" + std::to_string(i) + "-abcdefghabcdefghabcdefgh";
    b.append(T0 + i, as_bytes(key), as_bytes(value));
  }
  if (codec == Compression::none) {
    b.finish();
  } else {
    auto ec = b.finish(codec);
    INFO("finish(" << compression_name(codec) << "): " << ec.message());
    REQUIRE_FALSE(ec);
  }
  auto bytes = b.bytes();
  Bytes out(bytes.begin(), bytes.end());
  REQUIRE(out.size() > batch::kHeaderSize);
  // The codec really is in the attributes (low byte of the int16).
  REQUIRE((out[batch::kAttributes + 1] & batch::kCompressionMask) == static_cast<int>(codec));
  return out;
}

ProduceRequest request(std::vector<ProduceRequest::Topic> topics) {
  ProduceRequest m;
  m.acks = -1;
  m.timeout_ms = 30000;
  m.topics = std::move(topics);
  return m;
}

const Uuid kOrders{{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}};
const Uuid kPayments{{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22}};

std::error_code encode_at(const ProduceRequest& m, std::int16_t v, Bytes* out = nullptr) {
  Bytes buf;
  BufferWriter w(buf);
  auto ec = encode(m, w, v);
  if (out != nullptr) *out = std::move(buf);
  return ec;
}

// Whether `haystack` holds `needle` verbatim.
bool contains(const Bytes& haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

TEST_CASE("Produce: a zstd batch needs v7+, encoding it at v3-v6 is unsupported_codec") {
  const Bytes zstd = make_batch(Compression::zstd);
  const auto range = supported_versions(ApiKey::Produce);
  REQUIRE(range.min == 3);
  const auto m = request({{"orders", kOrders, {{0, zstd}}}});
  for (std::int16_t v = range.min; v <= range.max; ++v) {
    INFO("Produce v" << v);
    Bytes out;
    auto ec = encode_at(m, v, &out);
    if (v < 7) {
      CHECK(ec == codec_errc::unsupported_codec);
    } else {
      CHECK_FALSE(ec);
      CHECK(contains(out, zstd));  // the batch travels untouched
    }
  }
}

TEST_CASE("Produce: a zstd batch anywhere in the request fails below v7") {
  const Bytes zstd = make_batch(Compression::zstd);
  const Bytes gzip = make_batch(Compression::gzip);
  const Bytes plain = make_batch(Compression::none);
  // zstd in a later partition of a later topic, after batches that are fine.
  const auto m = request({{"orders", kOrders, {{0, plain}, {1, gzip}}},
                          {"payments", kPayments, {{0, gzip}, {7, zstd}, {9, plain}}}});
  for (std::int16_t v = 3; v <= 6; ++v) {
    INFO("Produce v" << v);
    CHECK(encode_at(m, v) == codec_errc::unsupported_codec);
  }
  for (std::int16_t v = 7; v <= supported_versions(ApiKey::Produce).max; ++v) {
    INFO("Produce v" << v);
    CHECK_FALSE(encode_at(m, v));
  }
}

TEST_CASE("Produce: gzip, snappy, lz4 and uncompressed batches encode at every version, v3 included") {
  for (Compression codec : {Compression::gzip, Compression::snappy, Compression::lz4, Compression::none}) {
    INFO(compression_name(codec));
    const Bytes b = make_batch(codec);
    const auto m = request({{"orders", kOrders, {{0, b}}}});
    for (std::int16_t v = 3; v <= supported_versions(ApiKey::Produce).max; ++v) {
      INFO("Produce v" << v);
      Bytes out;
      auto ec = encode_at(m, v, &out);
      CHECK_FALSE(ec);
      CHECK(contains(out, b));
    }
  }
}

TEST_CASE("Produce v3: a gzip batch encodes to the v3 layout") {
  const Bytes gzip = make_batch(Compression::gzip);
  Bytes out;
  REQUIRE_FALSE(encode_at(request({{"orders", kOrders, {{2, gzip}}}}), 3, &out));
  // transactional_id null, acks -1, timeout 30000, [1 topic "orders" [1 partition 2, records int32 length]].
  Bytes expected{0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
                 'o',  'r',  'd',  'e',  'r',  's',  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
  const auto n = static_cast<std::uint32_t>(gzip.size());
  for (int shift : {24, 16, 8, 0}) expected.push_back(static_cast<std::uint8_t>(n >> shift));
  expected.insert(expected.end(), gzip.begin(), gzip.end());
  CHECK(out == expected);
}
