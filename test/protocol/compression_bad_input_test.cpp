// Compressed input that is not what it should be: empty, truncated, with
// trailing garbage, corrupted on purpose or at random, decompression bombs,
// and lengths read from the input that must be bounded before allocating.
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

// A copy of `frame` changed by `corrupt` fails to decompress into `out`
// (which the caller checks stays empty).
template <class Corrupt>
void check_corruption_fails(Compression codec, const Bytes& frame, Bytes& out, Corrupt&& corrupt) {
  Bytes x = frame;
  corrupt(x);
  CHECK(try_decompress(codec, x, out) == codec_errc::decompression_failed);
}

}  // namespace

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
    check_corruption_fails(Compression::gzip, g, d, [](Bytes& x) { x[1] = 0x8c; });
    check_corruption_fails(Compression::gzip, g, d, [](Bytes& x) { x[x.size() - 6] ^= 0x01; });
    check_corruption_fails(Compression::gzip, g, d, [](Bytes& x) { x[x.size() - 2] ^= 0x01; });
    // zlib framing is not gzip framing.
    const Bytes zlib_stream = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    CHECK(try_decompress(Compression::gzip, zlib_stream, d) == codec_errc::decompression_failed);
  }
  SECTION("lz4: bad magic, bad header checksum, dependent-block flag with bad HC, oversized block") {
    Bytes f = must_compress(Compression::lz4, in);
    check_corruption_fails(Compression::lz4, f, d, [](Bytes& x) { x[0] = 0x05; });
    check_corruption_fails(Compression::lz4, f, d, [](Bytes& x) { x[6] ^= 0xff; });  // HC
    check_corruption_fails(Compression::lz4, f, d, [](Bytes& x) { x[4] = 0x40; });   // FLG changed, HC not updated
    check_corruption_fails(Compression::lz4, f, d, [](Bytes& x) {
      // First block size over the 64 KiB maximum.
      x[7] = 0x01;
      x[8] = 0x00;
      x[9] = 0x01;
      x[10] = 0x00;
    });
    // Skippable frame magic: Kafka's reader only takes 0x184D2204.
    const Bytes skippable = {0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0};
    CHECK(try_decompress(Compression::lz4, skippable, d) == codec_errc::decompression_failed);
  }
  SECTION("snappy: bad chunk lengths, bad block") {
    Bytes s = must_compress(Compression::snappy, in);
    // Chunk length way past the input.
    check_corruption_fails(Compression::snappy, s, d, [](Bytes& x) { x[16] = 0x7f; });
    check_corruption_fails(Compression::snappy, s, d, [](Bytes& x) { x[16] = 0xff; });  // negative
    check_corruption_fails(Compression::snappy, s, d,
                           [](Bytes& x) { std::memset(x.data() + 16, 0, 4); });  // zero-length chunk
    // Preamble of the block changed: length no longer matches.
    check_corruption_fails(Compression::snappy, s, d, [](Bytes& x) { x[20] ^= 0x40; });
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
    check_corruption_fails(Compression::zstd, z, d, [](Bytes& x) { x[0] = 0x29; });
    Bytes x = z;
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
