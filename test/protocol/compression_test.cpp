#include "sluice/protocol/compression.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::protocol;

namespace {

constexpr Compression kCodecs[] = {Compression::gzip, Compression::snappy, Compression::lz4, Compression::zstd};
constexpr std::size_t kNoLimit = std::size_t{1} << 40;

Bytes random_bytes(std::size_t n, std::uint32_t seed = 42) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// Text-like data: compresses well but not trivially.
Bytes compressible_bytes(std::size_t n) {
  static const std::string words[] = {"kafka ", "sluice ", "record ", "batch ", "producer ", "partition ", "offset "};
  std::mt19937 rng(7);
  Bytes b;
  b.reserve(n + 16);
  while (b.size() < n) {
    const std::string& w = words[rng() % 7];
    b.insert(b.end(), w.begin(), w.end());
  }
  b.resize(n);
  return b;
}

Bytes must_compress(Compression c, ByteView in, std::optional<int> level = std::nullopt) {
  Bytes out;
  auto ec = compress(c, in, out, level);
  INFO(compression_name(c) << " level " << (level ? std::to_string(*level) : "default") << ": " << ec.message());
  REQUIRE_FALSE(ec);
  return out;
}

std::error_code try_decompress(Compression c, ByteView in, Bytes& out, std::size_t max_out = kNoLimit) {
  return decompress(c, in, out, max_out);
}

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
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
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

TEST_CASE("empty, truncated and trailing-garbage inputs fail cleanly") {
  const Bytes in = [] {
    Bytes b = compressible_bytes(150 * 1024);
    Bytes r = random_bytes(2000, 9);
    b.insert(b.end(), r.begin(), r.end());
    return b;
  }();
  for (Compression c : kCodecs) {
    INFO(compression_name(c));
    Bytes out = {1};
    CHECK(try_decompress(c, Bytes{}, out) == codec_errc::decompression_failed);
    CHECK(out == Bytes{1});

    Bytes packed = must_compress(c, in);
    // Every strict prefix (stepping through, plus all short ones) is an error,
    // except for snappy a prefix ending on a block boundary, which is a valid
    // shorter stream.
    for (std::size_t len = 0; len < packed.size(); len += (len < 64 ? 1 : 97)) {
      Bytes d;
      auto ec = try_decompress(c, ByteView(packed).first(len), d);
      if (c == Compression::snappy && !ec) {
        CHECK(d.size() < in.size());
        CHECK(std::equal(d.begin(), d.end(), in.begin()));
        continue;
      }
      INFO("prefix " << len << " of " << packed.size());
      CHECK(ec == codec_errc::decompression_failed);
      CHECK(d.empty());
    }
    Bytes d;
    CHECK(try_decompress(c, ByteView(packed).first(packed.size() - 1), d) == codec_errc::decompression_failed);

    // Trailing garbage after a complete stream.
    Bytes trailing = packed;
    trailing.push_back(0x00);
    trailing.push_back(0x42);
    trailing.push_back(0x17);
    d.clear();
    CHECK(try_decompress(c, trailing, d) == codec_errc::decompression_failed);
  }
}

TEST_CASE("specific corruptions are detected") {
  const Bytes in = compressible_bytes(10000);
  Bytes d;
  SECTION("gzip: bad magic, bad CRC, bad ISIZE") {
    Bytes g = must_compress(Compression::gzip, in);
    Bytes x = g;
    x[1] = 0x8c;
    CHECK(try_decompress(Compression::gzip, x, d) == codec_errc::decompression_failed);
    x = g;
    x[x.size() - 6] ^= 0x01;
    CHECK(try_decompress(Compression::gzip, x, d) == codec_errc::decompression_failed);
    x = g;
    x[x.size() - 2] ^= 0x01;
    CHECK(try_decompress(Compression::gzip, x, d) == codec_errc::decompression_failed);
    // zlib framing is not gzip framing.
    const Bytes zlib_stream = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    CHECK(try_decompress(Compression::gzip, zlib_stream, d) == codec_errc::decompression_failed);
  }
  SECTION("lz4: bad magic, bad header checksum, dependent-block flag with bad HC, oversized block") {
    Bytes f = must_compress(Compression::lz4, in);
    Bytes x = f;
    x[0] = 0x05;
    CHECK(try_decompress(Compression::lz4, x, d) == codec_errc::decompression_failed);
    x = f;
    x[6] ^= 0xff;  // HC
    CHECK(try_decompress(Compression::lz4, x, d) == codec_errc::decompression_failed);
    x = f;
    x[4] = 0x40;  // FLG changed, HC not updated
    CHECK(try_decompress(Compression::lz4, x, d) == codec_errc::decompression_failed);
    x = f;
    // First block size over the 64 KiB maximum.
    x[7] = 0x01;
    x[8] = 0x00;
    x[9] = 0x01;
    x[10] = 0x00;
    CHECK(try_decompress(Compression::lz4, x, d) == codec_errc::decompression_failed);
    // Skippable frame magic: Kafka's reader only takes 0x184D2204.
    const Bytes skippable = {0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0};
    CHECK(try_decompress(Compression::lz4, skippable, d) == codec_errc::decompression_failed);
  }
  SECTION("snappy: bad chunk lengths, bad block") {
    Bytes s = must_compress(Compression::snappy, in);
    Bytes x = s;
    x[16] = 0x7f;  // chunk length way past the input
    CHECK(try_decompress(Compression::snappy, x, d) == codec_errc::decompression_failed);
    x = s;
    x[16] = 0xff;  // negative
    CHECK(try_decompress(Compression::snappy, x, d) == codec_errc::decompression_failed);
    x = s;
    std::memset(x.data() + 16, 0, 4);  // zero-length chunk
    CHECK(try_decompress(Compression::snappy, x, d) == codec_errc::decompression_failed);
    x = s;
    x[20] ^= 0x40;  // preamble of the block changed: length no longer matches
    CHECK(try_decompress(Compression::snappy, x, d) == codec_errc::decompression_failed);
    // Raw block with a copy before any literal (offset past the output start).
    const Bytes bad_copy = {8, 0x11, 0x05};
    CHECK(try_decompress(Compression::snappy, bad_copy, d) == codec_errc::decompression_failed);
    // A concatenated header with version 0.
    Bytes cat = s;
    const std::uint8_t bad_header[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 0, 0, 0, 0, 1};
    cat.insert(cat.end(), bad_header, bad_header + 16);
    CHECK(try_decompress(Compression::snappy, cat, d) == codec_errc::decompression_failed);
  }
  SECTION("zstd: bad magic, corrupt block") {
    Bytes z = must_compress(Compression::zstd, in);
    Bytes x = z;
    x[0] = 0x29;
    CHECK(try_decompress(Compression::zstd, x, d) == codec_errc::decompression_failed);
    x = z;
    for (std::size_t i = 8; i < x.size(); i += 3) x[i] = static_cast<std::uint8_t>(x[i] ^ 0x5a);
    CHECK(try_decompress(Compression::zstd, x, d) != std::error_code{});
  }
  CHECK(d.empty());
}

TEST_CASE("random corruption never crashes and never passes max_out") {
  const Bytes in = compressible_bytes(20000);
  std::mt19937 rng(1234);
  for (Compression c : kCodecs) {
    const Bytes packed = must_compress(c, in);
    for (int iter = 0; iter < 1500; ++iter) {
      Bytes x = packed;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) {
        x[rng() % x.size()] = static_cast<std::uint8_t>(rng());
      }
      if (rng() % 4 == 0) x.resize(rng() % x.size());
      Bytes d;
      auto ec = try_decompress(c, x, d, 30000);
      if (ec) {
        CHECK((ec == codec_errc::decompression_failed || ec == codec_errc::decompressed_too_large));
        CHECK(d.empty());
      } else {
        CHECK(d.size() <= 30000);
      }
    }
  }
}

TEST_CASE("decompression bombs stop at max_out quickly") {
  const Bytes zeros(100u << 20, 0);  // 100 MiB
  for (Compression c : kCodecs) {
    INFO(compression_name(c));
    const Bytes packed = must_compress(c, zeros);
    CHECK(packed.size() < zeros.size() / 20);
    Bytes d;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(try_decompress(c, packed, d, 1u << 20) == codec_errc::decompressed_too_large);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    CHECK(d.empty());
    CHECK(d.capacity() <= (4u << 20));  // never grew anywhere near 100 MiB
    CHECK(ms < 2000);
  }
}

TEST_CASE("lengths read from the input are bounded before allocating") {
  Bytes d;
  SECTION("raw snappy claiming 1 GiB from 6 bytes") {
    const Bytes claim = {0x80, 0x80, 0x80, 0x80, 0x04, 0x00};
    CHECK(try_decompress(Compression::snappy, claim, d, std::size_t{2} << 30) == codec_errc::decompression_failed);
    CHECK(d.capacity() == 0);
  }
  SECTION("xerial chunk claiming more than max_out") {
    Bytes s = must_compress(Compression::snappy, Bytes(32768, 'a'));
    CHECK(try_decompress(Compression::snappy, s, d, 1000) == codec_errc::decompressed_too_large);
    CHECK(d.capacity() < 32768);
  }
  SECTION("zstd frames declaring big windows decode without allocating the window") {
    // Magic, FHD 0 (no content size, not single segment), window descriptor
    // exponent 20 (2^30) or 17 (2^27, what the Java client declares at level
    // 22), then a last raw block of 1 byte.
    for (std::uint8_t wd : {std::uint8_t{0xa0}, std::uint8_t{0x88}}) {
      const Bytes frame = {0x28, 0xb5, 0x2f, 0xfd, 0x00, wd, 0x09, 0x00, 0x00, 'x'};
      Bytes one;
      REQUIRE_FALSE(try_decompress(Compression::zstd, frame, one, 1000));
      CHECK(one == Bytes{'x'});
      CHECK(one.capacity() <= (128u << 10));  // one block's bound, not the window
      CHECK(try_decompress(Compression::zstd, frame, d, 0) == codec_errc::decompressed_too_large);
    }
  }
  SECTION("zstd bomb without content size: 800 RLE blocks of 128 KiB (100 MiB) in 3 KiB") {
    // As the Java client's streaming frames: no content size, 2 MiB window.
    Bytes frame = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58};
    for (int i = 0; i < 800; ++i) {
      const std::uint32_t header = (std::uint32_t{131072} << 3) | (1u << 1) | (i == 799 ? 1u : 0u);  // RLE
      frame.push_back(static_cast<std::uint8_t>(header));
      frame.push_back(static_cast<std::uint8_t>(header >> 8));
      frame.push_back(static_cast<std::uint8_t>(header >> 16));
      frame.push_back(0x61);
    }
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(try_decompress(Compression::zstd, frame, d, 1u << 20) == codec_errc::decompressed_too_large);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    CHECK(d.capacity() <= (2u << 20) + 2);
    Bytes all;
    REQUIRE_FALSE(try_decompress(Compression::zstd, frame, all, 100u << 20));
    CHECK(all.size() == (100u << 20));
    CHECK(std::all_of(all.begin(), all.end(), [](std::uint8_t b) { return b == 0x61; }));
    d.clear();
  }
  SECTION("zstd frame whose declared content size passes max_out") {
    Bytes z = must_compress(Compression::zstd, compressible_bytes(5000));
    CHECK(try_decompress(Compression::zstd, z, d, 4999) == codec_errc::decompressed_too_large);
  }
  CHECK(d.empty());
}

// ---------------------------------------------------------------------------
// RecordBatchBuilder with compression.

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
