// CRC-32 through zlib's crc32_z (the same checksum; a maintained, vectorised
// implementation), and librdkafka's `consistent` placement on top of it.
#include "sluice/partitioner/crc32.hpp"

#include <zlib.h>

namespace sluice::partitioner {

std::uint32_t crc32(std::span<const std::uint8_t> data) noexcept {
  if (data.empty()) return 0;
  return static_cast<std::uint32_t>(::crc32_z(0L, data.data(), data.size()));
}

std::int32_t consistent_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept {
  return static_cast<std::int32_t>(crc32(key) % static_cast<std::uint32_t>(partition_count));
}

}  // namespace sluice::partitioner
