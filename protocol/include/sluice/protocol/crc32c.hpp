#pragma once
// CRC-32C (Castagnoli), as RecordBatch v2 uses. Three implementations,
// chosen once at run time by CPU detection:
//   - portable: slicing-by-8 tables, any CPU;
//   - sse42:    the SSE4.2 crc32 instruction over three interleaved streams;
//   - pclmul:   PCLMULQDQ folding of 4 x 128-bit lanes (long inputs), with
//               the crc32 instruction for short inputs and the tail.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::protocol {

// CRC of `data` continuing from `crc` (0 to start). The fastest path the CPU has.
std::uint32_t crc32c(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;

// The paths, exposed for tests and benchmarks. Each gives the same result as
// crc32c(); one the CPU lacks falls back to the next slower one (pclmul ->
// sse42 -> portable), so all are safe to call anywhere.
std::uint32_t crc32c_portable(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;
// The best hardware path: pclmul for inputs of at least
// crc32c_fold_threshold() bytes, sse42 below (portable without SSE4.2).
std::uint32_t crc32c_hardware(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;
// The crc32 instruction only.
std::uint32_t crc32c_sse42(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;
// Carry-less-multiplication folding for every input of 64 bytes or more
// (whatever the threshold), the crc32 instruction for shorter ones.
std::uint32_t crc32c_pclmul(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;

bool crc32c_hardware_available() noexcept;  // SSE4.2 (any hardware path)
bool crc32c_sse42_available() noexcept;     // same as crc32c_hardware_available()
bool crc32c_pclmul_available() noexcept;    // PCLMULQDQ and SSE4.2
// Input length from which crc32c_hardware() (and so crc32c()) folds with PCLMULQDQ.
std::size_t crc32c_fold_threshold() noexcept;

// The CRC of A followed by B, from crc32c(A), crc32c(B) and B's length, in
// O(log len_b) (zlib's crc32_combine): a batch's CRC covers header fields
// that change after its records are written, so the records' CRC is kept
// and combined with the header's.
std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept;
// Same result without carry-less multiplication (for tests).
std::uint32_t crc32c_combine_portable(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t len_b) noexcept;

// CRC-32C of bytes handed over in pieces as they are written (the record
// batch builder's records section), so each piece is folded while it is
// still in the L1 cache and between appends instead of in one pass at the
// end. With PCLMULQDQ the four folding lanes stay open between pieces (no
// reduction per piece); without it, a running CRC.
class Crc32cStream {
 public:
  static constexpr std::size_t kBlock = 64;  // absorb() takes whole blocks

  // Starts over: nothing absorbed, CRC 0.
  void reset() noexcept {
    crc_ = 0;
    folding_ = false;
  }
  // Absorbs p[0, n); n must be a multiple of kBlock.
  void absorb(const std::uint8_t* p, std::size_t n) noexcept;
  // Copies src[0, n) to dst (any n) and absorbs p[0, m) (m a multiple of
  // kBlock; bytes written earlier, not overlapping dst[0, n)) in one loop, so
  // the copy and the CRC run side by side.
  void copy_and_absorb(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, const std::uint8_t* p,
                       std::size_t m) noexcept;
  // crc32c() of everything absorbed followed by p[0, n) (any n). The stream
  // is unchanged: more can be absorbed after it.
  std::uint32_t value(const std::uint8_t* p, std::size_t n) const noexcept;

 private:
  std::array<std::uint64_t, 8> lanes_{};  // four 128-bit folding lanes
  std::uint32_t crc_ = 0;                 // CRC of what was absorbed, until folding starts
  bool folding_ = false;
};

}  // namespace sluice::protocol
