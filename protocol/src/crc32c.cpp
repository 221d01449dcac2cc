#include "sluice/protocol/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <emmintrin.h>  // SSE2: loads, xor, moves
#include <nmmintrin.h>  // SSE4.2: crc32
#include <smmintrin.h>  // SSE4.1: pextrq
#include <wmmintrin.h>  // PCLMULQDQ
#define SLUICE_CRC_X86 1
#endif

namespace sluice::protocol {
namespace {

constexpr std::uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i) {
    for (std::size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}

constexpr Tables kTables = make_tables();

// a * b mod P for two registers (bit 31 = x^0, see xpow_mod): for each
// coefficient of a, add b times that power of x (b moves up by one power of
// x, a right shift reduced by P, per coefficient).
constexpr std::uint32_t mul_mod(std::uint32_t a, std::uint32_t b) noexcept {
  std::uint32_t p = 0;
  for (std::uint32_t m = 0x80000000u; m != 0; m >>= 1) {
    if (a & m) p ^= b;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return p;
}

// x^n mod P as a 32-bit reflected CRC register (bit 0 = x^31): start from
// x^0 (bit 31) and multiply by x n times (a right shift, reducing by P when
// x^32 appears: P - x^32 is kPoly in this convention).
constexpr std::uint32_t xpow_mod(std::size_t n) noexcept {
  std::uint32_t c = 0x80000000u;
  for (std::size_t i = 0; i < n; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
  return c;
}
static_assert(xpow_mod(0) == 0x80000000u && xpow_mod(31) == 1u);
static_assert(xpow_mod(32) == kPoly);  // x^32 == P - x^32 (mod P)
static_assert(mul_mod(xpow_mod(20), xpow_mod(45)) == xpow_mod(65));

// Powers for carrying a register over 2^k zero bytes, k = 0..63, built by
// repeated squaring: x^(8 * 2^k) mod P for the portable path, and
// x^(8 * 2^k - 33) mod P for the carry-less one (from k = 3; shift_clmul
// says where the 33 comes from).
using Powers = std::array<std::uint32_t, 64>;
constexpr Powers make_shift_portable() {
  Powers t{};
  t[0] = xpow_mod(8);
  for (std::size_t k = 1; k < t.size(); ++k) t[k] = mul_mod(t[k - 1], t[k - 1]);
  return t;
}
constexpr Powers make_shift_clmul() {
  Powers t{};
  t[3] = xpow_mod(64 - 33);
  for (std::size_t k = 4; k < t.size(); ++k) t[k] = mul_mod(mul_mod(t[k - 1], t[k - 1]), xpow_mod(33));
  return t;
}
constexpr Powers kShiftPortable = make_shift_portable();
[[maybe_unused]] constexpr Powers kShiftClmul = make_shift_clmul();
static_assert(kShiftPortable[4] == xpow_mod(128) && kShiftClmul[5] == xpow_mod(256 - 33));

// r x^(8n) mod P: the raw register r carried over n zero bytes.
constexpr std::uint32_t shift_portable(std::uint32_t r, std::uint64_t n) noexcept {
  for (std::size_t k = 0; n != 0; ++k, n >>= 1) {
    if (n & 1) r = mul_mod(kShiftPortable[k], r);
  }
  return r;
}

// Shifting a raw CRC register over n zero bytes is linear in the register,
// so it is a table lookup per register byte. Used to combine CRCs of three
// interleaved streams (the crc32 instruction has a latency of 3 cycles but a
// throughput of 1 per cycle, so three independent streams run ~3x faster).
struct ZeroShift {
  std::array<std::array<std::uint32_t, 256>, 4> t{};
  std::uint32_t operator()(std::uint32_t c) const noexcept {
    return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^ t[3][c >> 24];
  }
};

// Raw (non-inverted) register update over n zero bytes, bit by bit: only
// used to build ZeroShift tables for the 32 basis vectors.
std::uint32_t shift_zeros_slow(std::uint32_t c, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) c = (c >> 8) ^ kTables[0][c & 0xff];
  return c;
}

ZeroShift make_zero_shift(std::size_t n) noexcept {
  std::array<std::uint32_t, 32> basis{};
  for (int j = 0; j < 32; ++j) basis[static_cast<std::size_t>(j)] = shift_zeros_slow(1u << j, n);
  ZeroShift z;
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      std::uint32_t v = 0;
      for (int j = 0; j < 8; ++j) {
        if (b & (1u << j)) v ^= basis[k * 8 + static_cast<std::size_t>(j)];
      }
      z.t[k][b] = v;
    }
  }
  return z;
}

#ifdef SLUICE_CRC_X86
constexpr std::size_t kLong = 8192;  // per-stream block lengths (multiples of 8)
constexpr std::size_t kShort = 256;

const ZeroShift& long_shift() {
  static const ZeroShift z = make_zero_shift(kLong);
  return z;
}
const ZeroShift& short_shift() {
  static const ZeroShift z = make_zero_shift(kShort);
  return z;
}

__attribute__((target("sse4.2"))) std::uint64_t crc_u64(std::uint64_t c, const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return _mm_crc32_u64(c, v);
}

// The crc32 instruction over p[0, n), one stream: 8 bytes at a time, then at
// most one 4-, 2- and 1-byte step (short dependency chain for odd tails).
__attribute__((target("sse4.2"))) std::uint32_t crc_tail(std::uint32_t crc, const std::uint8_t* p,
                                                         std::size_t n) noexcept {
  std::uint64_t c = crc;
  while (n >= 8) {
    c = crc_u64(c, p);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  if (n & 4) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    c32 = _mm_crc32_u32(c32, v);
    p += 4;
  }
  if (n & 2) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    c32 = _mm_crc32_u16(c32, v);
    p += 2;
  }
  if (n & 1) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

// Three streams of `block` bytes each, combined; returns the raw register.
__attribute__((target("sse4.2"))) std::uint32_t crc_3way(std::uint32_t crc, const std::uint8_t*& p, std::size_t& n,
                                                         std::size_t block, const ZeroShift& shift) noexcept {
  while (n >= 3 * block) {
    std::uint64_t c0 = crc, c1 = 0, c2 = 0;
    for (std::size_t i = 0; i < block; i += 8) {
      c0 = crc_u64(c0, p + i);
      c1 = crc_u64(c1, p + block + i);
      c2 = crc_u64(c2, p + 2 * block + i);
    }
    crc = shift(static_cast<std::uint32_t>(c0)) ^ static_cast<std::uint32_t>(c1);
    crc = shift(crc) ^ static_cast<std::uint32_t>(c2);
    p += 3 * block;
    n -= 3 * block;
  }
  return crc;
}

__attribute__((target("sse4.2"))) std::uint32_t crc_sse42(const std::uint8_t* p, std::size_t n,
                                                          std::uint32_t crc) noexcept {
  crc = crc_3way(crc, p, n, kLong, long_shift());
  crc = crc_3way(crc, p, n, kShort, short_shift());
  return crc_tail(crc, p, n);
}

// ---------------------------------------------------------------------------
// PCLMULQDQ folding.
//
// Conventions. In the reflected CRC, the first bit of the message (bit 0 of
// byte 0) is its highest-degree coefficient. So a 128-bit register R loaded
// little-endian from 16 message bytes stands for
//   poly(R) = sum_i R_i x^(127-i),
// and a 32-bit CRC register r stands for sum_j r_j x^(31-j) (bit 0 is x^31).
// Let L and H be the polynomials of R's low and high 64-bit halves (bytes
// 0..7 and 8..15, each read the same way with exponent 63-i). Then
//   poly(R) = L x^64 + H.
// Carry-less multiplication of two 64-bit integers a, b gives a 128-bit c with
//   poly(c) = x * poly64(a) * poly64(b)
// (c_k collects a_i b_j with i+j = k and x^(127-i-j) = x * x^(63-i) x^(63-j)).
// A constant k stored as a 32-bit CRC register in the low half of a 64-bit
// operand has poly64(k) = x^32 K, K its 32-bit polynomial, so
//   poly(clmul(a, k)) = x^33 * poly64(a) * K.
//
// Folding forward by D bits. A register R that sits D bits before the data
// block it is to be added into must be replaced by R x^D mod P:
//   R x^D = L x^(64+D) + H x^D
//        == clmul(lo, x^(D+31) mod P) + clmul(hi, x^(D-33) mod P)   (mod P)
// a 96-bit result that fits one register. Nothing is reduced until the end,
// when the one remaining 128-bit register (congruent mod P to everything
// processed so far) is fed to the crc32 instruction with a zero register:
// the raw CRC of data M with initial register 0 is M x^32 mod P, and that
// depends only on M mod P. The caller's initial register r0 is XORed into
// the first 4 bytes: M with r0 added into its first 32 coefficients,
// M + r0 x^(8|M|-32), has exactly the raw CRC of M started from r0.

// xpow_mod (above) gives x^n mod P as such a register.

// The pair of constants that folds a register forward by D bits: for the low
// half x^(D+31) mod P, for the high half x^(D-33) mod P (see above).
struct FoldConstants {
  std::uint64_t lo;
  std::uint64_t hi;
};
constexpr FoldConstants fold_constants(std::size_t d_bits) noexcept {
  // (D >= 33 for every use below; x^(D-33) with D < 33 would need a
  // different placement of the constant.)
  return {xpow_mod(d_bits + 31), xpow_mod(d_bits - 33)};
}

// Four lanes: PCLMULQDQ has a latency of a few cycles and issues every
// other cycle or so on Zen 1, and four independent lanes keep it busy. Eight
// lanes, and running a crc32-instruction stream over part of the input
// alongside the folding, both measured no faster there (~10 GB/s either way:
// the carry-less multiplier is the bottleneck).
constexpr std::size_t kLaneBytes = 16;
constexpr std::size_t kLanes = 4;
constexpr std::size_t kStride = kLanes * kLaneBytes;  // bytes per main-loop step
// Folding needs one full stride to fill the lanes.
constexpr std::size_t kFoldMin = kStride;
// Length from which crc32c_hardware folds. On the AMD EPYC (Zen 1) this was
// tuned on, folding beats the crc32 instruction at every length it can
// handle: 64 bytes take ~9 ns folded against ~16 ns with crc32 (one stream;
// the 3-stream path starts at 768 bytes), 256 bytes ~28 against ~50 ns,
// and long inputs run at ~10 GB/s against ~6 GB/s. So fold from the minimum.
constexpr std::size_t kFoldThreshold = kFoldMin;

// Main loop: each lane moves forward by a whole stride (512 bits):
//   low half  x^(512+31) = x^543 mod P, high half x^(512-33) = x^479 mod P.
constexpr FoldConstants kFoldStride = fold_constants(kStride * 8);
// Reducing the lanes to one: lane i of 4 moves forward (3-i) lanes, i.e.
// 384 bits (x^415, x^351), 256 bits (x^287, x^223), 128 bits (x^159, x^95).
// 128 bits also folds the remaining whole 16-byte blocks one at a time.
constexpr FoldConstants kFold384 = fold_constants(384);
constexpr FoldConstants kFold256 = fold_constants(256);
constexpr FoldConstants kFold128 = fold_constants(128);

#define SLUICE_CRC_FOLD_TARGET __attribute__((target("pclmul,sse4.2")))

SLUICE_CRC_FOLD_TARGET inline __m128i load16(const std::uint8_t* p) noexcept {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

SLUICE_CRC_FOLD_TARGET inline __m128i make_constants(FoldConstants k) noexcept {
  return _mm_set_epi64x(static_cast<long long>(k.hi), static_cast<long long>(k.lo));
}

// r x^D mod P (up to congruence), k from make_constants(fold_constants(D)):
// low half times k.lo (selector 0x00), high half times k.hi (selector 0x11).
SLUICE_CRC_FOLD_TARGET inline __m128i fold(__m128i r, __m128i k) noexcept {
  return _mm_xor_si128(_mm_clmulepi64_si128(r, k, 0x00), _mm_clmulepi64_si128(r, k, 0x11));
}

// The four lanes of a fold in progress.
struct Lanes {
  __m128i x0, x1, x2, x3;
};

// Fills the lanes from the first stride, with the register crc added into
// the first 4 bytes.
SLUICE_CRC_FOLD_TARGET inline Lanes fold_start(const std::uint8_t* p, std::uint32_t crc) noexcept {
  return {_mm_xor_si128(load16(p), _mm_cvtsi32_si128(static_cast<int>(crc))), load16(p + 16), load16(p + 32),
          load16(p + 48)};
}

// Folds whole strides of p[0, n) into the lanes; leaves the n % kStride rest.
SLUICE_CRC_FOLD_TARGET inline void fold_strides(Lanes& l, const std::uint8_t*& p, std::size_t& n) noexcept {
  const __m128i k_stride = make_constants(kFoldStride);
  while (n >= kStride) {
    l.x0 = _mm_xor_si128(fold(l.x0, k_stride), load16(p));
    l.x1 = _mm_xor_si128(fold(l.x1, k_stride), load16(p + 16));
    l.x2 = _mm_xor_si128(fold(l.x2, k_stride), load16(p + 32));
    l.x3 = _mm_xor_si128(fold(l.x3, k_stride), load16(p + 48));
    p += kStride;
    n -= kStride;
  }
}

// The raw register after the lanes followed by p[0, n), n < kStride.
SLUICE_CRC_FOLD_TARGET inline std::uint32_t fold_end(const Lanes& l, const std::uint8_t* p, std::size_t n) noexcept {
  // Lanes 0..2 move forward onto lane 3, in parallel.
  const __m128i k128 = make_constants(kFold128);
  __m128i x = _mm_xor_si128(
      _mm_xor_si128(fold(l.x0, make_constants(kFold384)), fold(l.x1, make_constants(kFold256))),
      _mm_xor_si128(fold(l.x2, k128), l.x3));
  while (n >= kLaneBytes) {
    x = _mm_xor_si128(fold(x, k128), load16(p));
    p += kLaneBytes;
    n -= kLaneBytes;
  }
  // x's raw CRC from a zero register is that of everything so far; then the
  // tail of fewer than 16 bytes.
  std::uint64_t c = _mm_crc32_u64(0, static_cast<std::uint64_t>(_mm_cvtsi128_si64(x)));
  c = _mm_crc32_u64(c, static_cast<std::uint64_t>(_mm_extract_epi64(x, 1)));
  return crc_tail(static_cast<std::uint32_t>(c), p, n);
}

// Raw register update over n >= kFoldMin bytes from register crc.
SLUICE_CRC_FOLD_TARGET std::uint32_t crc_fold(const std::uint8_t* p, std::size_t n, std::uint32_t crc) noexcept {
  Lanes l = fold_start(p, crc);
  p += kStride;
  n -= kStride;
  fold_strides(l, p, n);
  return fold_end(l, p, n);
}

// Crc32cStream keeps its lanes as plain bytes (the header has no intrinsics).
static_assert(sizeof(Lanes) == 64);
SLUICE_CRC_FOLD_TARGET inline Lanes load_lanes(const std::uint64_t* s) noexcept {
  const auto* q = reinterpret_cast<const std::uint8_t*>(s);
  return {load16(q), load16(q + 16), load16(q + 32), load16(q + 48)};
}
SLUICE_CRC_FOLD_TARGET inline void store_lanes(std::uint64_t* s, const Lanes& l) noexcept {
  auto* q = reinterpret_cast<__m128i*>(s);
  _mm_storeu_si128(q, l.x0);
  _mm_storeu_si128(q + 1, l.x1);
  _mm_storeu_si128(q + 2, l.x2);
  _mm_storeu_si128(q + 3, l.x3);
}

SLUICE_CRC_FOLD_TARGET void stream_absorb(std::uint64_t* lanes, bool started, std::uint32_t crc,
                                          const std::uint8_t* p, std::size_t n) noexcept {
  Lanes l;
  if (started) {
    l = load_lanes(lanes);
  } else {
    l = fold_start(p, ~crc);
    p += kStride;
    n -= kStride;
  }
  fold_strides(l, p, n);
  store_lanes(lanes, l);
}

SLUICE_CRC_FOLD_TARGET std::uint32_t stream_finish(const std::uint64_t* lanes, const std::uint8_t* p,
                                                   std::size_t n) noexcept {
  Lanes l = load_lanes(lanes);
  fold_strides(l, p, n);
  return ~fold_end(l, p, n);
}

// Copies src[0, n) to dst and folds whole strides of p[0, m) into the lanes
// in the same loop: the copy keeps the load/store units busy and the folding
// the carry-less multiplier, so out-of-order execution runs them side by
// side instead of one after the other (on Zen 1 the CRC alone takes longer
// than the copy). p must not overlap dst[0, n) (it is data written earlier).
SLUICE_CRC_FOLD_TARGET void stream_copy_absorb(std::uint64_t* lanes, bool started, std::uint32_t crc,
                                               std::uint8_t* dst, const std::uint8_t* src, std::size_t n,
                                               const std::uint8_t* p, std::size_t m) noexcept {
  if (n < kLaneBytes) {
    std::memcpy(dst, src, n);
    if (m != 0) stream_absorb(lanes, started, crc, p, m);
    return;
  }
  Lanes l;
  bool folding = started;
  if (started) l = load_lanes(lanes);
  const __m128i k_stride = make_constants(kFoldStride);
  std::size_t i = 0;
  for (; i + kStride <= n; i += kStride) {
    const __m128i a = load16(src + i), b = load16(src + i + 16), c = load16(src + i + 32), d = load16(src + i + 48);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), c);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), d);
    if (m >= kStride) {
      if (folding) {
        l.x0 = _mm_xor_si128(fold(l.x0, k_stride), load16(p));
        l.x1 = _mm_xor_si128(fold(l.x1, k_stride), load16(p + 16));
        l.x2 = _mm_xor_si128(fold(l.x2, k_stride), load16(p + 32));
        l.x3 = _mm_xor_si128(fold(l.x3, k_stride), load16(p + 48));
      } else {
        l = fold_start(p, ~crc);
        folding = true;
      }
      p += kStride;
      m -= kStride;
    }
  }
  // The rest of the copy: 16-byte moves, the last one ending at n (it may
  // overlap the one before; n >= 16).
  for (; i + kLaneBytes < n; i += kLaneBytes) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), load16(src + i));
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - kLaneBytes), load16(src + n - kLaneBytes));
  if (m >= kStride && !folding) {
    l = fold_start(p, ~crc);
    folding = true;
    p += kStride;
    m -= kStride;
  }
  if (folding) {
    fold_strides(l, p, m);
    store_lanes(lanes, l);
  }
}

// Shifting a register forward by whole bytes: r x^(8n) mod P. A carry-less
// product of two registers placed in the low halves of 64-bit operands,
// reduced by the crc32 instruction from a zero register, is
// x^33 * R1 * R2 mod P (see the conventions above), so multiplying by
// x^(8 * 2^k) uses the constant x^(8 * 2^k - 33) mod P.
SLUICE_CRC_FOLD_TARGET std::uint32_t shift_clmul(std::uint32_t r, std::uint64_t n) noexcept {
  // The low three bits: one crc32 step over a zero byte is r x^8 mod P.
  for (std::uint64_t i = 0; i < (n & 7); ++i) r = _mm_crc32_u8(r, 0);
  n >>= 3;
  for (std::size_t k = 3; n != 0; ++k, n >>= 1) {
    if ((n & 1) == 0) continue;
    const __m128i prod = _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(r)),
                                              _mm_cvtsi32_si128(static_cast<int>(kShiftClmul[k])), 0x00);
    r = static_cast<std::uint32_t>(_mm_crc32_u64(0, static_cast<std::uint64_t>(_mm_cvtsi128_si64(prod))));
  }
  return r;
}

#undef SLUICE_CRC_FOLD_TARGET
#endif

bool detect_sse42() noexcept {
#ifdef SLUICE_CRC_X86
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

bool detect_pclmul() noexcept {
#ifdef SLUICE_CRC_X86
  return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul");
#else
  return false;
#endif
}

const bool kHardware = detect_sse42();
const bool kPclmul = detect_pclmul();

}  // namespace

std::uint32_t crc32c_portable(std::span<const std::uint8_t> data, std::uint32_t crc) noexcept {
  std::uint32_t c = ~crc;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n >= 8) {
    std::uint32_t lo = (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                        static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24) ^ c;
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^ kTables[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xff];
    --n;
  }
  return ~c;
}

std::uint32_t crc32c_sse42(std::span<const std::uint8_t> data, std::uint32_t crc) noexcept {
#ifdef SLUICE_CRC_X86
  if (kHardware) return ~crc_sse42(data.data(), data.size(), ~crc);
#endif
  return crc32c_portable(data, crc);
}

std::uint32_t crc32c_pclmul(std::span<const std::uint8_t> data, std::uint32_t crc) noexcept {
#ifdef SLUICE_CRC_X86
  if (kPclmul) {
    return data.size() >= kFoldMin ? ~crc_fold(data.data(), data.size(), ~crc)
                                   : ~crc_sse42(data.data(), data.size(), ~crc);
  }
#endif
  return crc32c_sse42(data, crc);
}

std::uint32_t crc32c_hardware(std::span<const std::uint8_t> data, std::uint32_t crc) noexcept {
#ifdef SLUICE_CRC_X86
  if (kPclmul && data.size() >= kFoldThreshold) return ~crc_fold(data.data(), data.size(), ~crc);
  if (kHardware) return ~crc_sse42(data.data(), data.size(), ~crc);
#endif
  return crc32c_portable(data, crc);
}

bool crc32c_hardware_available() noexcept { return kHardware; }
bool crc32c_sse42_available() noexcept { return kHardware; }
bool crc32c_pclmul_available() noexcept { return kPclmul; }

std::size_t crc32c_fold_threshold() noexcept {
#ifdef SLUICE_CRC_X86
  return kFoldThreshold;
#else
  return 0;
#endif
}

std::uint32_t crc32c(std::span<const std::uint8_t> data, std::uint32_t crc) noexcept {
  return kHardware ? crc32c_hardware(data, crc) : crc32c_portable(data, crc);
}

// With crc(D, c) = ~raw(D, ~c) and raw(B, r) = shift(r, |B|) ^ raw(B, 0),
// crc(A + B) = shift(crc(A), |B|) ^ crc(B), as zlib's crc32_combine.
std::uint32_t crc32c_combine_portable(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept {
  return shift_portable(crc_a, len_b) ^ crc_b;
}

std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept {
#ifdef SLUICE_CRC_X86
  if (kPclmul) return shift_clmul(crc_a, len_b) ^ crc_b;
#endif
  return crc32c_combine_portable(crc_a, crc_b, len_b);
}

void Crc32cStream::absorb(const std::uint8_t* p, std::size_t n) noexcept {
  if (n == 0) return;
#ifdef SLUICE_CRC_X86
  if (kPclmul) {
    stream_absorb(lanes_.data(), folding_, crc_, p, n);
    folding_ = true;
    return;
  }
#endif
  crc_ = crc32c({p, n}, crc_);
}

void Crc32cStream::copy_and_absorb(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, const std::uint8_t* p,
                                   std::size_t m) noexcept {
#ifdef SLUICE_CRC_X86
  if (kPclmul) {
    stream_copy_absorb(lanes_.data(), folding_, crc_, dst, src, n, p, m);
    folding_ = folding_ || m != 0;
    return;
  }
#endif
  std::memcpy(dst, src, n);
  absorb(p, m);
}

std::uint32_t Crc32cStream::value(const std::uint8_t* p, std::size_t n) const noexcept {

#ifdef SLUICE_CRC_X86
  if (folding_) return stream_finish(lanes_.data(), p, n);
#endif
  return crc32c({p, n}, crc_);
}

}  // namespace sluice::protocol
