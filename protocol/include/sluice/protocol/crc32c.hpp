#pragma once
// CRC-32C (Castagnoli), as RecordBatch v2 uses. The SSE4.2 instruction is
// used when the CPU has it (detected once at run time); otherwise a portable
// slicing-by-8 table.
#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::protocol {

// CRC of `data` continuing from `crc` (0 to start).
std::uint32_t crc32c(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;

// The two paths, exposed for tests and benchmarks.
std::uint32_t crc32c_portable(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;
std::uint32_t crc32c_hardware(std::span<const std::uint8_t> data, std::uint32_t crc = 0) noexcept;
bool crc32c_hardware_available() noexcept;

}  // namespace sluice::protocol
