#pragma once
// What the compression tests (compression_*_test.cpp) share: the codecs,
// inputs that do and do not compress, and compress/decompress calls that
// say which codec and level failed.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include "sluice/protocol/buffer_writer.hpp"        // Bytes
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/record_batch_builder.hpp"  // ByteView

namespace sluice::test::compression {

using namespace sluice::protocol;

inline constexpr Compression kCodecs[] = {Compression::gzip, Compression::snappy, Compression::lz4,
                                          Compression::zstd};
inline constexpr std::size_t kNoLimit = std::size_t{1} << 40;

inline Bytes random_bytes(std::size_t n, std::uint32_t seed = 42) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// Text-like data: compresses well but not trivially.
inline Bytes compressible_bytes(std::size_t n) {
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

inline Bytes must_compress(Compression c, ByteView in, std::optional<int> level = std::nullopt) {
  Bytes out;
  auto ec = compress(c, in, out, level);
  INFO(compression_name(c) << " level " << (level ? std::to_string(*level) : "default") << ": " << ec.message());
  REQUIRE_FALSE(ec);
  return out;
}

inline std::error_code try_decompress(Compression c, ByteView in, Bytes& out, std::size_t max_out = kNoLimit) {
  return decompress(c, in, out, max_out);
}

inline std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

}  // namespace sluice::test::compression
