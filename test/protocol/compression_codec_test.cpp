// Each codec on its own: round trips at every level, and the exact framing
// Kafka's Java client writes and reads (gzip members, xerial snappy, Kafka's
// LZ4 frame, plain zstd frames).
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

std::vector<std::optional<int>> levels_of(Compression c) {
  switch (c) {
    case Compression::gzip: return {std::nullopt, 1, 6, 9, -1};
    case Compression::lz4: return {std::nullopt, 1, 3, 9, 12, 17};
    case Compression::zstd: return {std::nullopt, -131072, -5, 0, 1, 3, 19, 22};
    default: return {std::nullopt};
  }
}

std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

// CRC-32 (IEEE, reflected), bit by bit: an independent check of the gzip trailer.
std::uint32_t crc32_ieee(ByteView data) {
  std::uint32_t crc = 0xffffffffu;
  for (std::uint8_t b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// Reads the uvarint preamble of a raw snappy block.
std::uint32_t snappy_preamble(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7, ++p) {
    v |= std::uint32_t{static_cast<std::uint8_t>(*p & 0x7f)} << shift;
    if ((*p & 0x80) == 0) break;
  }
  return v;
}

}  // namespace

TEST_CASE("every codec round-trips empty, tiny, random and compressible data at several levels") {
  const std::vector<Bytes> inputs = {Bytes{}, Bytes{0x5a}, random_bytes(100 * 1024), compressible_bytes(100 * 1024),
                                     compressible_bytes(300 * 1024)};
  for (Compression c : kCodecs) {
    for (auto level : levels_of(c)) {
      for (const Bytes& in : inputs) {
        // Level 22 / -131072 on the biggest input is slow and adds nothing.
        if (in.size() > 200 * 1024 && level && (*level == 22 || *level == 19)) continue;
        INFO(compression_name(c) << " level " << (level ? std::to_string(*level) : "default") << " size " << in.size());
        Bytes packed = must_compress(c, in, level);
        Bytes out = {0xee};  // decompress appends
        REQUIRE_FALSE(try_decompress(c, packed, out));
        REQUIRE(out.size() == in.size() + 1);
        CHECK(out[0] == 0xee);
        CHECK(std::equal(in.begin(), in.end(), out.begin() + 1));
        // Exactly max_out bytes is allowed; one less is too large.
        Bytes exact;
        CHECK_FALSE(try_decompress(c, packed, exact, in.size()));
        CHECK(exact == in);
        if (!in.empty()) {
          Bytes small = {1, 2, 3};
          CHECK(try_decompress(c, packed, small, in.size() - 1) == codec_errc::decompressed_too_large);
          CHECK(small == Bytes{1, 2, 3});  // left as it was
        }
      }
    }
  }
}

TEST_CASE("compressible data shrinks, higher levels do not do worse by much") {
  Bytes in = compressible_bytes(256 * 1024);
  for (Compression c : kCodecs) {
    Bytes packed = must_compress(c, in);
    INFO(compression_name(c) << " -> " << packed.size());
    CHECK(packed.size() < in.size() / 2);
  }
  CHECK(must_compress(Compression::zstd, in, 19).size() <= must_compress(Compression::zstd, in, 1).size());
  CHECK(must_compress(Compression::gzip, in, 9).size() <= must_compress(Compression::gzip, in, 1).size());
  CHECK(must_compress(Compression::lz4, in, 12).size() <= must_compress(Compression::lz4, in).size());
}

TEST_CASE("levels out of range are invalid_value, none and snappy ignore levels") {
  Bytes in = compressible_bytes(1000);
  Bytes out = {9};
  for (int bad : {0, 10, -2, 100}) {
    CHECK(compress(Compression::gzip, in, out, bad) == codec_errc::invalid_value);
  }
  for (int bad : {0, 18, -1}) CHECK(compress(Compression::lz4, in, out, bad) == codec_errc::invalid_value);
  for (int bad : {23, -131073}) CHECK(compress(Compression::zstd, in, out, bad) == codec_errc::invalid_value);
  CHECK(out == Bytes{9});  // nothing appended on failure
  CHECK_FALSE(compress(Compression::snappy, in, out, 5));
  CHECK_FALSE(compress(Compression::none, in, out, 5));
  CHECK(compress(static_cast<Compression>(5), in, out) == codec_errc::unsupported_codec);
  Bytes d;
  CHECK(decompress(static_cast<Compression>(6), in, d, kNoLimit) == codec_errc::unsupported_codec);
}

TEST_CASE("gzip framing: a plain gzip member as GZIPOutputStream writes it") {
  for (const Bytes& in : {Bytes{}, compressible_bytes(70000), random_bytes(5000)}) {
    Bytes g = must_compress(Compression::gzip, in);
    REQUIRE(g.size() >= 18);
    CHECK(g[0] == 0x1f);
    CHECK(g[1] == 0x8b);
    CHECK(g[2] == 8);                 // CM deflate
    CHECK(g[3] == 0);                 // FLG: no name, comment, extra, header CRC
    CHECK(le32(g.data() + 4) == 0);   // MTIME
    CHECK(g[9] == 0xff);              // OS unknown (JDK >= 16)
    CHECK(le32(g.data() + g.size() - 8) == crc32_ieee(in));
    CHECK(le32(g.data() + g.size() - 4) == static_cast<std::uint32_t>(in.size()));
  }
  // XFL is 0 at every level, as Java writes it (zlib would write 4 and 2 at levels 1 and 9).
  for (int level : {1, 6, 9}) CHECK(must_compress(Compression::gzip, Bytes{1, 2, 3}, level)[8] == 0);
}

TEST_CASE("gzip: concatenated members decode (as GZIPInputStream does)") {
  Bytes a = compressible_bytes(1000), b = random_bytes(300);
  Bytes g = must_compress(Compression::gzip, a);
  Bytes g2 = must_compress(Compression::gzip, b);
  g.insert(g.end(), g2.begin(), g2.end());
  Bytes out;
  REQUIRE_FALSE(try_decompress(Compression::gzip, g, out));
  Bytes expect = a;
  expect.insert(expect.end(), b.begin(), b.end());
  CHECK(out == expect);
}

TEST_CASE("snappy framing: xerial SnappyOutputStream stream with 32 KiB blocks") {
  const std::uint8_t header[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  Bytes empty = must_compress(Compression::snappy, Bytes{});
  CHECK(empty == Bytes(header, header + 16));  // header only, as SnappyOutputStream.close() writes

  for (const Bytes& in : {random_bytes(100 * 1024), compressible_bytes(100 * 1024), Bytes{7}}) {
    Bytes s = must_compress(Compression::snappy, in);
    REQUIRE(s.size() > 16);
    CHECK(std::equal(header, header + 16, s.begin()));
    // Blocks: [int32 BE compressed length][raw snappy block of <= 32 KiB].
    std::size_t pos = 16, total = 0, blocks = 0;
    while (pos < s.size()) {
      REQUIRE(s.size() - pos >= 4);
      std::uint32_t n = be32(s.data() + pos);
      REQUIRE(n > 0);
      REQUIRE(n <= s.size() - pos - 4);
      std::uint32_t ulen = snappy_preamble(s.data() + pos + 4);
      if (total + 32768 <= in.size()) CHECK(ulen == 32768);
      total += ulen;
      pos += 4 + n;
      ++blocks;
    }
    CHECK(pos == s.size());
    CHECK(total == in.size());
    CHECK(blocks == (in.size() + 32767) / 32768);
  }
}

TEST_CASE("snappy: short inputs give the exact xerial bytes snappy-java writes") {
  // Header, one chunk [int32 BE length][preamble varint, literal tag (len-1)<<2, bytes]:
  // the same bytes as the stream vectors of eapache/go-xerial-snappy's tests.
  const Bytes header = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  Bytes plain = header;
  const Bytes plain_chunk = {0, 0, 0, 11, 9, 32, 'P', 'L', 'A', 'I', 'N', 'D', 'A', 'T', 'A'};
  plain.insert(plain.end(), plain_chunk.begin(), plain_chunk.end());
  CHECK(must_compress(Compression::snappy, as_bytes("PLAINDATA")) == plain);
  Bytes a = header;
  const Bytes a_chunk = {0, 0, 0, 3, 1, 0, 'A'};
  a.insert(a.end(), a_chunk.begin(), a_chunk.end());
  CHECK(must_compress(Compression::snappy, as_bytes("A")) == a);
  Bytes out;
  REQUIRE_FALSE(try_decompress(Compression::snappy, plain, out));
  CHECK(std::string(out.begin(), out.end()) == "PLAINDATA");
}

TEST_CASE("snappy: raw snappy (no xerial header) decodes, as SnappyInputStream falls back to it") {
  // Hand-made raw block: preamble 12, literal "abc", copy length 9 offset 3.
  const Bytes raw = {12, 0x08, 'a', 'b', 'c', 0x15, 0x03};
  Bytes out;
  REQUIRE_FALSE(try_decompress(Compression::snappy, raw, out));
  CHECK(std::string(out.begin(), out.end()) == "abcabcabcabc");
  // Literal only.
  const Bytes hello = {5, 0x10, 'h', 'e', 'l', 'l', 'o'};
  out.clear();
  REQUIRE_FALSE(try_decompress(Compression::snappy, hello, out));
  CHECK(std::string(out.begin(), out.end()) == "hello");
  // Concatenated xerial streams decode too.
  Bytes a = compressible_bytes(40000), b = random_bytes(100);
  Bytes s = must_compress(Compression::snappy, a);
  Bytes s2 = must_compress(Compression::snappy, b);
  s.insert(s.end(), s2.begin(), s2.end());
  out.clear();
  REQUIRE_FALSE(try_decompress(Compression::snappy, s, out));
  Bytes expect = a;
  expect.insert(expect.end(), b.begin(), b.end());
  CHECK(out == expect);
}

TEST_CASE("lz4 framing: the LZ4 frame of Kafka's Lz4BlockOutputStream") {
  const std::uint8_t header[7] = {0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82};
  Bytes empty = must_compress(Compression::lz4, Bytes{});
  CHECK(empty == Bytes({0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0}));  // header + end mark

  struct Case {
    Bytes in;
    bool expect_raw;
  };
  for (auto level : levels_of(Compression::lz4)) {
    for (const Case& k : {Case{random_bytes(100 * 1024), true}, Case{compressible_bytes(150 * 1024), false}}) {
      Bytes f = must_compress(Compression::lz4, k.in, level);
      REQUIRE(f.size() > 11);
      CHECK(std::equal(header, header + 7, f.begin()));
      std::size_t pos = 7, total = 0, blocks = 0;
      for (;;) {
        REQUIRE(f.size() - pos >= 4);
        std::uint32_t word = le32(f.data() + pos);
        pos += 4;
        if (word == 0) break;  // end mark, no content checksum after it
        const bool raw = (word & 0x80000000u) != 0;
        const std::uint32_t n = word & 0x7fffffffu;
        CHECK(raw == k.expect_raw);
        REQUIRE(n <= 65536);
        REQUIRE(n <= f.size() - pos);
        if (raw) {
          CHECK(std::equal(f.begin() + static_cast<std::ptrdiff_t>(pos),
                           f.begin() + static_cast<std::ptrdiff_t>(pos + n),
                           k.in.begin() + static_cast<std::ptrdiff_t>(total)));
          total += n;
        } else {
          total += std::min<std::size_t>(65536, k.in.size() - total);  // full 64 KiB blocks
        }
        pos += n;  // no block checksums
        ++blocks;
      }
      CHECK(pos == f.size());
      CHECK(total == k.in.size());
      CHECK(blocks == (k.in.size() + 65535) / 65536);
    }
  }
}

TEST_CASE("zstd framing: a plain zstd frame") {
  for (const Bytes& in : {Bytes{}, compressible_bytes(5000)}) {
    Bytes z = must_compress(Compression::zstd, in);
    REQUIRE(z.size() >= 6);
    CHECK(z[0] == 0x28);
    CHECK(z[1] == 0xb5);
    CHECK(z[2] == 0x2f);
    CHECK(z[3] == 0xfd);
    CHECK((z[4] & 0x04) == 0);  // no content checksum
  }
}
