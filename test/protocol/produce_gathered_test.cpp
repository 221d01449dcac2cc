// Produce in gathered form (encode_gathered): the framing plus the batches
// spliced in by reference must be, byte for byte, what the contiguous
// encode() writes (which the conformance goldens pin to the Java client's
// bytes), at every version, with the batches never copied into the framing.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/request_segments.hpp"

using namespace sluice::protocol;

namespace {

constexpr std::int64_t T0 = 1'700'000'000'000LL;

Bytes make_batch(int records, Compression codec, std::int32_t base_sequence) {
  RecordBatchBuilder b;
  for (int i = 0; i < records; ++i) {
    std::string key = "k" + std::to_string(i);
    std::string value(static_cast<std::size_t>(10 + i * 37), static_cast<char>('a' + i % 26));
    b.append(T0 + i, as_bytes(key), as_bytes(value));
  }
  REQUIRE_FALSE(b.finish(codec));
  b.set_producer_state(4242, 3, base_sequence);
  auto bytes = b.bytes();
  return Bytes(bytes.begin(), bytes.end());
}

Uuid id_of(std::uint8_t n) {
  Uuid u;
  for (std::size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<std::uint8_t>(n * 17 + i);
  return u;
}

struct Case {
  const char* name;
  ProduceRequest request;
};

// Several topics and partitions, batches of very different sizes (one
// larger than a socket buffer), a transactional id, acks=0, and a
// partition whose records are empty.
std::vector<Case> cases(const std::vector<Bytes>& b) {
  std::vector<Case> out;
  {
    ProduceRequest m;
    m.acks = -1;
    m.topics = {{"orders", id_of(1), {{0, b[0]}}}};
    out.push_back({"one topic, one partition", m});
  }
  {
    ProduceRequest m;
    m.acks = 1;
    m.timeout_ms = 1500;
    m.topics = {{"orders", id_of(1), {{0, b[0]}, {3, b[1]}, {7, b[2]}}},
                {"payments", id_of(2), {{1, b[3]}}},
                {"a-topic-with-a-rather-longer-name", id_of(3), {{0, b[4]}, {1, b[1]}}}};
    out.push_back({"three topics, six partitions", m});
  }
  {
    ProduceRequest m;
    m.acks = 0;
    m.topics = {{"fire-and-forget", id_of(4), {{2, b[2]}, {5, b[0]}}}};
    out.push_back({"acks=0", m});
  }
  {
    ProduceRequest m;
    m.transactional_id = "txn-7";
    m.topics = {{"orders", id_of(1), {{0, b[1]}}}, {"payments", id_of(2), {{0, b[2]}}}};
    out.push_back({"transactional id", m});
  }
  {
    ProduceRequest m;
    m.topics = {{"orders", id_of(1), {{0, {}}, {1, b[0]}, {2, {}}}}};
    out.push_back({"empty records between batches", m});
  }
  {
    ProduceRequest m;
    out.push_back({"no topics", m});
  }
  return out;
}

}  // namespace

TEST_CASE("Produce gathered: framing + spliced batches == the contiguous encoding at every version") {
  const std::vector<Bytes> batches = {
      make_batch(1, Compression::none, 0),      make_batch(20, Compression::none, 1),
      make_batch(300, Compression::none, 21),   make_batch(50, Compression::gzip, 321),
      make_batch(80, Compression::lz4, 371),
  };
  REQUIRE(batches[2].size() > 128 * 1024);  // larger than a socket buffer
  const auto range = supported_versions(ApiKey::Produce);
  REQUIRE(range.min == 3);
  REQUIRE(range.max == 13);
  for (const auto& c : cases(batches)) {
    for (std::int16_t v = range.min; v <= range.max; ++v) {
      INFO(c.name << ", v" << v);
      Bytes contiguous;
      BufferWriter cw(contiguous);
      REQUIRE_FALSE(encode(c.request, cw, v));

      // As BrokerConnection frames it: 4 bytes of size and a header first,
      // so the splice offsets must be absolute in the framing buffer.
      Bytes framing{0xde, 0xad, 0xbe, 0xef, 1, 2, 3};
      const std::size_t prefix = framing.size();
      Splices splices;
      BufferWriter gw(framing);
      REQUIRE_FALSE(encode_gathered(c.request, gw, v, splices));

      const Bytes joined = flatten(framing, splices);
      REQUIRE(joined.size() == prefix + contiguous.size());
      CHECK(Bytes(joined.begin(), joined.begin() + static_cast<std::ptrdiff_t>(prefix)) ==
            Bytes{0xde, 0xad, 0xbe, 0xef, 1, 2, 3});
      CHECK(Bytes(joined.begin() + static_cast<std::ptrdiff_t>(prefix), joined.end()) == contiguous);
      CHECK(gathered_size(framing, splices) == joined.size());

      // Zero copy: every non-empty batch is one splice pointing at the
      // caller's own bytes, and the framing holds none of them.
      std::size_t spliced = 0, expected_splices = 0, batch_bytes = 0;
      for (const auto& t : c.request.topics) {
        for (const auto& p : t.partitions) {
          batch_bytes += p.records.size();
          if (p.records.empty()) continue;
          REQUIRE(expected_splices < splices.size());
          CHECK(splices[expected_splices].bytes.data() == p.records.data());
          CHECK(splices[expected_splices].bytes.size() == p.records.size());
          ++expected_splices;
        }
      }
      CHECK(splices.size() == expected_splices);
      for (std::size_t i = 0; i < splices.size(); ++i) {
        spliced += splices[i].bytes.size();
        CHECK(splices[i].at > prefix);
        CHECK(splices[i].at <= framing.size());
        if (i > 0) CHECK(splices[i].at >= splices[i - 1].at);
      }
      CHECK(spliced == batch_bytes);
      CHECK(framing.size() == prefix + contiguous.size() - batch_bytes);
    }
  }
}

TEST_CASE("Produce gathered: a failed encode writes and splices nothing") {
  const Bytes zstd = make_batch(10, Compression::zstd, 0);
  const Bytes plain = make_batch(3, Compression::none, 0);
  ProduceRequest m;
  m.topics = {{"orders", id_of(1), {{0, plain}, {1, zstd}}}};
  Bytes framing{9, 9};
  Splices splices{{1, plain}};  // what an earlier request part spliced stays
  BufferWriter w(framing);
  SECTION("zstd below v7") {
    CHECK(encode_gathered(m, w, 6, splices) == codec_errc::unsupported_codec);
  }
  SECTION("a version the codec does not speak") {
    CHECK(encode_gathered(m, w, 2, splices) == codec_errc::unsupported_version);
    CHECK(encode_gathered(m, w, 14, splices) == codec_errc::unsupported_version);
  }
  CHECK(framing == Bytes{9, 9});
  REQUIRE(splices.size() == 1);
  CHECK(splices[0].at == 1);
}

TEST_CASE("for_each_piece: framing slices and splices alternate in wire order, empty pieces skipped") {
  const Bytes framing{1, 2, 3, 4, 5, 6};
  const Bytes a{0xa0, 0xa1}, b{0xb0}, empty;
  const Splices splices{{0, a}, {3, b}, {3, empty}, {3, a}, {6, b}};
  std::vector<Bytes> pieces;
  for_each_piece(framing, splices, [&](std::span<const std::uint8_t> p) {
    CHECK_FALSE(p.empty());
    pieces.emplace_back(p.begin(), p.end());
  });
  CHECK(pieces == std::vector<Bytes>{a, {1, 2, 3}, b, a, {4, 5, 6}, b});
  CHECK(flatten(framing, splices) == Bytes{0xa0, 0xa1, 1, 2, 3, 0xb0, 0xa0, 0xa1, 4, 5, 6, 0xb0});
  CHECK(gathered_size(framing, splices) == 12);
  CHECK(flatten(framing, {}) == framing);
}
