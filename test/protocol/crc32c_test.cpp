#include "sluice/protocol/crc32c.hpp"

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

// Bit-at-a-time CRC-32C straight from the definition (reflected 0x1EDC6F41).
std::uint32_t reference_crc(Span data, std::uint32_t crc = 0) {
  std::uint32_t c = ~crc;
  for (std::uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

struct Impl {
  const char* name;
  std::uint32_t (*fn)(Span, std::uint32_t) noexcept;
};
const Impl kImpls[] = {{"crc32c", crc32c}, {"portable", crc32c_portable}, {"hardware", crc32c_hardware}};

}  // namespace

TEST_CASE("CRC-32C known vectors (RFC 3720 B.4 and the check value)") {
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xff), up(32), down(32);
  for (std::size_t i = 0; i < 32; ++i) {
    up[i] = static_cast<std::uint8_t>(i);
    down[i] = static_cast<std::uint8_t>(31 - i);
  }
  for (const auto& impl : kImpls) {
    INFO(impl.name);
    CHECK(impl.fn(bytes_of("123456789"), 0) == 0xE3069283u);
    CHECK(impl.fn(zeros, 0) == 0x8A9136AAu);
    CHECK(impl.fn(ones, 0) == 0x62A8AB43u);
    CHECK(impl.fn(up, 0) == 0x46DD794Eu);
    CHECK(impl.fn(down, 0) == 0x113FDB5Cu);
    CHECK(impl.fn({}, 0) == 0u);
    CHECK(impl.fn(bytes_of("a"), 0) == 0xC1D04330u);
  }
  CHECK(reference_crc(bytes_of("123456789")) == 0xE3069283u);
}

TEST_CASE("CRC-32C: hardware, portable and the bitwise reference agree on every length 0..4096") {
  if (!crc32c_hardware_available()) WARN("no SSE4.2: crc32c_hardware is the portable path here");
  // 4096 + 16 bytes so every length fits at every offset 0..15.
  const auto data = random_bytes(4096 + 16, 12345);
  const Span all(data);
  for (std::size_t len = 0; len <= 4096; ++len) {
    const Span at0 = all.subspan(0, len);
    const std::uint32_t expected = reference_crc(at0);
    const std::uint32_t hw = crc32c_hardware(at0);
    const std::uint32_t sw = crc32c_portable(at0);
    if (hw != expected || sw != expected || crc32c(at0) != expected) {
      FAIL("length " << len << ": reference " << expected << " hardware " << hw << " portable " << sw);
    }
    // Unaligned starts: a different offset for each length, every offset once
    // per 16 lengths (all 16 for the short ones).
    const std::size_t first = len < 64 ? 1 : 1 + len % 15;
    const std::size_t last = len < 64 ? 15 : first;
    for (std::size_t off = first; off <= last; ++off) {
      const Span s = all.subspan(off, len);
      const std::uint32_t h = crc32c_hardware(s);
      const std::uint32_t p = crc32c_portable(s);
      if (h != p) FAIL("length " << len << " offset " << off << ": hardware " << h << " portable " << p);
    }
  }
  SUCCEED();
}

TEST_CASE("CRC-32C: hardware and portable agree at every offset for long buffers") {
  const auto data = random_bytes(70000, 777);
  for (std::size_t off = 0; off < 16; ++off) {
    for (std::size_t len : {std::size_t{65536}, std::size_t{65537}, std::size_t{4099}, std::size_t{8}}) {
      const Span s = Span(data).subspan(off, len);
      INFO("offset " << off << " length " << len);
      CHECK(crc32c_hardware(s) == crc32c_portable(s));
    }
  }
}

TEST_CASE("CRC-32C is incremental: crc(a+b) == crc(b, crc(a))") {
  const auto data = random_bytes(3000, 99);
  const Span all(data);
  std::mt19937 rng(5);
  for (const auto& impl : kImpls) {
    INFO(impl.name);
    const std::uint32_t whole = impl.fn(all, 0);
    for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9},
                              std::size_t{63}, std::size_t{1500}, std::size_t{2999}, std::size_t{3000}}) {
      INFO("split " << split);
      CHECK(impl.fn(all.subspan(split), impl.fn(all.first(split), 0)) == whole);
    }
    // Three random pieces, mixing implementations between pieces.
    for (int round = 0; round < 200; ++round) {
      std::size_t a = rng() % 3001, b = rng() % 3001;
      if (a > b) std::swap(a, b);
      std::uint32_t c = crc32c_portable(all.first(a));
      c = crc32c_hardware(all.subspan(a, b - a), c);
      c = impl.fn(all.subspan(b), c);
      if (c != whole) FAIL("pieces " << a << "/" << b);
    }
  }
  // Byte at a time.
  std::uint32_t c = 0;
  for (std::size_t i = 0; i < all.size(); ++i) c = crc32c(all.subspan(i, 1), c);
  CHECK(c == crc32c(all));
}
