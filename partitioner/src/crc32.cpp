#include "sluice/partitioner/crc32.hpp"

#include <array>

namespace sluice::partitioner {
namespace {

// Byte-at-a-time table for the reflected polynomial. Keys are short, so the
// 1 KiB table is plenty; slicing-by-8 would not pay for itself here.
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kTable = make_table();

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> data) noexcept {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t b : data) c = kTable[(c ^ b) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::int32_t consistent_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept {
  return static_cast<std::int32_t>(crc32(key) % static_cast<std::uint32_t>(partition_count));
}

}  // namespace sluice::partitioner
