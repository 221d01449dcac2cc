#pragma once
// RecordBatch v2 (magic 2) layout constants, shared by builder and reader.
#include <cstddef>
#include <cstdint>

namespace sluice::protocol::batch {

// Byte offsets of the batch header fields.
inline constexpr std::size_t kBaseOffset = 0;
inline constexpr std::size_t kBatchLength = 8;
inline constexpr std::size_t kPartitionLeaderEpoch = 12;
inline constexpr std::size_t kMagic = 16;
inline constexpr std::size_t kCrc = 17;
inline constexpr std::size_t kAttributes = 21;  // CRC covers from here to the end
inline constexpr std::size_t kLastOffsetDelta = 23;
inline constexpr std::size_t kBaseTimestamp = 27;
inline constexpr std::size_t kMaxTimestamp = 35;
inline constexpr std::size_t kProducerId = 43;
inline constexpr std::size_t kProducerEpoch = 51;
inline constexpr std::size_t kBaseSequence = 53;
inline constexpr std::size_t kRecordsCount = 57;
inline constexpr std::size_t kHeaderSize = 61;
// batchLength counts everything after itself.
inline constexpr std::size_t kLogOverhead = 12;

inline constexpr std::int8_t kMagicV2 = 2;

// Attribute bits.
inline constexpr std::int16_t kCompressionMask = 0x07;
inline constexpr std::int16_t kTimestampTypeLogAppend = 0x08;
inline constexpr std::int16_t kTransactional = 0x10;
inline constexpr std::int16_t kControl = 0x20;

}  // namespace sluice::protocol::batch

namespace sluice::protocol {

// Compression codec ids as in the attributes field.
enum class Compression : std::int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
const char* compression_name(Compression c) noexcept;

}  // namespace sluice::protocol
