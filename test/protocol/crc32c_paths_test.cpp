// Every CRC-32C path (portable, crc32 instruction, PCLMULQDQ folding, and the
// dispatching crc32c / crc32c_hardware) gives the portable result: every
// length 0..4096 at every offset 0..15, long random lengths, non-zero
// starting CRCs, known vectors and incremental use across the thresholds;
// crc32c_combine (carry-less and portable) and Crc32cStream likewise.
#include "sluice/protocol/crc32c.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

using namespace sluice::protocol;

namespace {

using Span = std::span<const std::uint8_t>;

Span bytes_of(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

struct Path {
  const char* name;
  std::uint32_t (*fn)(Span, std::uint32_t) noexcept;
};
const Path kPaths[] = {{"portable", crc32c_portable}, {"sse42", crc32c_sse42},   {"pclmul", crc32c_pclmul},
                       {"hardware", crc32c_hardware}, {"crc32c", crc32c}};

// Lengths where a path changes strategy: the fold minimum (64 bytes) and the
// fold stride, the dispatch threshold, the crc32 path's 3 x 256 and
// 3 x 8192 blocks, each +-1 and +-16.
std::vector<std::size_t> boundary_lengths() {
  std::vector<std::size_t> out;
  for (std::size_t b : {std::size_t{16}, std::size_t{64}, std::size_t{128}, crc32c_fold_threshold(),
                        std::size_t{768}, std::size_t{3 * 8192}}) {
    for (std::size_t d : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}}) {
      out.push_back(b + d);
      if (b >= d) out.push_back(b - d);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("CRC-32C paths: which ones this CPU runs") {
  // Not a check: a path the CPU lacks falls back to a slower one, and the
  // other test cases then compare that one twice.
  if (!crc32c_sse42_available()) WARN("no SSE4.2: crc32c_sse42/pclmul/hardware run the portable path");
  if (!crc32c_pclmul_available()) WARN("no PCLMULQDQ: crc32c_pclmul runs the crc32-instruction path");
  CHECK(crc32c_hardware_available() == crc32c_sse42_available());
  if (crc32c_pclmul_available()) CHECK(crc32c_sse42_available());
}

TEST_CASE("CRC-32C paths: known vectors") {
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xff), up(32);
  for (std::size_t i = 0; i < 32; ++i) up[i] = static_cast<std::uint8_t>(i);
  // 4 KiB of zeros with the check value through the folding path too.
  const std::vector<std::uint8_t> big_zeros(4096, 0x00);
  for (const auto& path : kPaths) {
    INFO(path.name);
    CHECK(path.fn(bytes_of("123456789"), 0) == 0xE3069283u);
    CHECK(path.fn({}, 0) == 0u);
    CHECK(path.fn({}, 0xDEADBEEFu) == 0xDEADBEEFu);
    CHECK(path.fn(zeros, 0) == 0x8A9136AAu);
    CHECK(path.fn(ones, 0) == 0x62A8AB43u);
    CHECK(path.fn(up, 0) == 0x46DD794Eu);
    CHECK(path.fn(big_zeros, 0) == crc32c_portable(big_zeros, 0));
  }
}

TEST_CASE("CRC-32C paths agree with portable on every length 0..4096 at every offset 0..15") {
  const auto data = random_bytes(4096 + 16, 2024);
  const Span all(data);
  std::mt19937 rng(7);
  for (std::size_t len = 0; len <= 4096; ++len) {
    for (std::size_t off = 0; off < 16; ++off) {
      const Span s = all.subspan(off, len);
      // Zero and a random starting CRC.
      for (std::uint32_t init : {std::uint32_t{0}, static_cast<std::uint32_t>(rng())}) {
        const std::uint32_t expected = crc32c_portable(s, init);
        for (const auto& path : kPaths) {
          const std::uint32_t got = path.fn(s, init);
          if (got != expected) {
            FAIL(path.name << ": length " << len << " offset " << off << " init " << init << ": " << got
                           << " != portable " << expected);
          }
        }
      }
    }
  }
  SUCCEED();
}

TEST_CASE("CRC-32C paths agree with portable on random lengths up to 1 MiB") {
  constexpr std::size_t kMax = std::size_t{1} << 20;
  const auto data = random_bytes(kMax + 16, 31337);
  const Span all(data);
  std::mt19937 rng(11);
  std::vector<std::size_t> lengths = {kMax, kMax - 1, kMax - 15, 65536, 65537, 3 * 8192 * 2 + 5};
  for (int i = 0; i < 40; ++i) lengths.push_back(rng() % (kMax + 1));
  for (std::size_t len : lengths) {
    const std::size_t off = rng() % 16;
    const auto init = static_cast<std::uint32_t>(rng());
    const Span s = all.subspan(off, len);
    const std::uint32_t expected = crc32c_portable(s, init);
    for (const auto& path : kPaths) {
      INFO(path.name << ": length " << len << " offset " << off << " init " << init);
      CHECK(path.fn(s, init) == expected);
    }
  }
}

TEST_CASE("CRC-32C paths: all-ones and all-zero long inputs with extreme starting CRCs") {
  for (std::uint8_t fill : {std::uint8_t{0x00}, std::uint8_t{0xff}}) {
    const std::vector<std::uint8_t> v(10000, fill);
    for (std::uint32_t init : {0u, 0xFFFFFFFFu, 0x80000000u, 1u}) {
      for (std::size_t len : boundary_lengths()) {
        if (len > v.size()) continue;
        const Span s = Span(v).first(len);
        const std::uint32_t expected = crc32c_portable(s, init);
        for (const auto& path : kPaths) {
          INFO(path.name << ": fill " << int{fill} << " init " << init << " length " << len);
          CHECK(path.fn(s, init) == expected);
        }
      }
    }
  }
}

TEST_CASE("CRC-32C paths are incremental across the thresholds: crc(a+b) == crc(b, crc(a))") {
  const auto data = random_bytes(30000, 4242);
  const Span all(data);
  const auto lengths = boundary_lengths();
  for (const auto& path : kPaths) {
    INFO(path.name);
    for (std::size_t a : lengths) {
      for (std::size_t b : lengths) {
        if (a + b > all.size()) continue;
        const Span whole = all.first(a + b);
        const std::uint32_t expected = crc32c_portable(whole, 0x12345678u);
        const std::uint32_t first = path.fn(whole.first(a), 0x12345678u);
        const std::uint32_t got = path.fn(whole.subspan(a), first);
        if (got != expected) FAIL("split " << a << " + " << b << ": " << got << " != " << expected);
        // Mixing paths: the first piece by this path, the rest by portable.
        if (crc32c_portable(whole.subspan(a), first) != expected) FAIL("mixed split " << a << " + " << b);
      }
    }
  }
  // Many small random pieces through one path equal one call.
  std::mt19937 rng(3);
  for (const auto& path : kPaths) {
    INFO(path.name);
    std::size_t pos = 0;
    std::uint32_t c = 0;
    while (pos < all.size()) {
      const std::size_t len = std::min<std::size_t>(rng() % 1200, all.size() - pos);
      c = path.fn(all.subspan(pos, len), c);
      pos += len;
    }
    CHECK(c == crc32c_portable(all));
  }
}

TEST_CASE("CRC-32C combine: crc(a + b) from crc(a), crc(b) and |b|, carry-less and portable") {
  const auto data = random_bytes(20000, 777);
  const Span all(data);
  std::mt19937 rng(12);
  std::vector<std::size_t> lengths = boundary_lengths();
  for (std::size_t n = 0; n <= 70; ++n) lengths.push_back(n);  // every low-bit pattern of the shift
  for (int i = 0; i < 60; ++i) lengths.push_back(rng() % 20000);
  for (std::size_t b : lengths) {
    if (b > all.size()) continue;
    const std::size_t a = rng() % (all.size() - b + 1);
    const Span whole = all.first(a + b);
    const std::uint32_t expected = crc32c_portable(whole);
    const std::uint32_t ca = crc32c_portable(whole.first(a)), cb = crc32c_portable(whole.subspan(a));
    if (crc32c_combine(ca, cb, b) != expected) FAIL("combine: " << a << " + " << b);
    if (crc32c_combine_portable(ca, cb, b) != expected) FAIL("combine_portable: " << a << " + " << b);
  }
  // Lengths far beyond any buffer: the two implementations agree, and
  // shifting over 2^k + 2^k bytes equals shifting over 2^(k+1).
  std::mt19937_64 rng64(13);
  for (int i = 0; i < 2000; ++i) {
    const auto ca = static_cast<std::uint32_t>(rng64()), cb = static_cast<std::uint32_t>(rng64());
    const std::uint64_t len = rng64() >> (rng64() % 64);
    if (crc32c_combine(ca, cb, len) != crc32c_combine_portable(ca, cb, len)) FAIL("length " << len);
  }
  for (unsigned k = 0; k < 62; ++k) {
    const std::uint64_t half = std::uint64_t{1} << k;
    const std::uint32_t c = 0x9E3779B9u;
    CHECK(crc32c_combine(crc32c_combine(c, 0, half), 0, half) == crc32c_combine(c, 0, 2 * half));
  }
  CHECK(crc32c_combine(0x12345678u, 0xABCDEF01u, 0) == (0x12345678u ^ 0xABCDEF01u));
}

TEST_CASE("CRC-32C stream: any split into whole blocks plus a tail equals one call") {
  const auto data = random_bytes(20000, 4711);
  const Span all(data);
  std::mt19937 rng(17);
  constexpr std::size_t kBlock = Crc32cStream::kBlock;
  Crc32cStream s;  // reused: reset() must forget the lanes
  for (std::size_t len = 0; len <= 1100; ++len) {
    for (int round = 0; round < 2; ++round) {
      const std::size_t off = rng() % 16;
      const Span m = all.subspan(off, len);
      s.reset();
      std::size_t pos = 0;
      // Random whole-block pieces (round 0: none at all), then value() over the rest.
      while (round == 1 && m.size() - pos >= kBlock && rng() % 4 != 0) {
        const std::size_t blocks = 1 + rng() % ((m.size() - pos) / kBlock);
        s.absorb(m.data() + pos, blocks * kBlock);
        pos += blocks * kBlock;
      }
      const std::uint32_t got = s.value(m.data() + pos, m.size() - pos);
      if (got != crc32c_portable(m)) FAIL("length " << len << " round " << round << " absorbed " << pos);
      // value() leaves the stream as it was.
      if (s.value(m.data() + pos, m.size() - pos) != got) FAIL("value() changed the stream at " << len);
    }
  }
  // Long inputs in uneven pieces, absorbing as a builder does (whatever whole
  // blocks are there each time).
  for (std::size_t len : {std::size_t{4096}, std::size_t{8191}, std::size_t{19999}}) {
    s.reset();
    std::size_t pos = 0, written = 0;
    while (written < len) {
      written = std::min(len, written + 1 + rng() % 700);
      const std::size_t n = (written - pos) / kBlock * kBlock;
      s.absorb(all.data() + pos, n);
      pos += n;
    }
    CHECK(s.value(all.data() + pos, len - pos) == crc32c_portable(all.first(len)));
  }
}
