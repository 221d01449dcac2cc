#pragma once
// CRC-32C (Castagnoli), as RecordBatch v2 uses. Three implementations,
// chosen once at run time by CPU detection:
//   - portable: slicing-by-8 tables, any CPU;
//   - sse42:    the SSE4.2 crc32 instruction over three interleaved streams;
//   - pclmul:   PCLMULQDQ folding of 4 x 128-bit lanes (long inputs), with
//               the crc32 instruction for short inputs and the tail.
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

}  // namespace sluice::protocol
