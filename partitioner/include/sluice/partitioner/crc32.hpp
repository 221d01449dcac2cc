#pragma once
// CRC-32 of a key and librdkafka's `consistent` placement.
#include <cstdint>
#include <span>

namespace sluice::partitioner {

// The common CRC-32 (ISO-HDLC: polynomial 0x04C11DB7 reflected, initial and
// final XOR 0xFFFFFFFF), the one zlib's crc32() and librdkafka's rd_crc32()
// compute; crc32("123456789") == 0xCBF43926 and crc32({}) == 0. Not the
// CRC-32C of record batches (protocol/crc32c.hpp).
std::uint32_t crc32(std::span<const std::uint8_t> data) noexcept;

// librdkafka's `consistent` partitioner: crc32(key) % partition_count, the
// CRC taken as unsigned (partition_count > 0). librdkafka hashes a null key
// as no bytes, so a null or empty key lands on partition 0: pass an empty
// span for a null key to get the same.
std::int32_t consistent_partition(std::span<const std::uint8_t> key, std::int32_t partition_count) noexcept;

}  // namespace sluice::partitioner
