#pragma once
// BufferWriter appends Kafka primitive types, big-endian, to a caller's
// buffer. Sizes that precede their data (frame size, batch length) are
// reserved first and back-filled with patch_*() once known, so data is
// written exactly once.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sluice/protocol/uuid.hpp"

namespace sluice::protocol {

using Bytes = std::vector<std::uint8_t>;

class BufferWriter {
 public:
  explicit BufferWriter(Bytes& out) noexcept : out_(&out) {}

  std::size_t size() const noexcept { return out_->size(); }
  Bytes& buffer() noexcept { return *out_; }

  void int8(std::int8_t v) { out_->push_back(static_cast<std::uint8_t>(v)); }
  void boolean(bool v) { out_->push_back(v ? 1 : 0); }
  void int16(std::int16_t v) { put_be(static_cast<std::uint16_t>(v)); }
  void int32(std::int32_t v) { put_be(static_cast<std::uint32_t>(v)); }
  void uint32(std::uint32_t v) { put_be(v); }
  void int64(std::int64_t v) { put_be(static_cast<std::uint64_t>(v)); }
  void uuid(const Uuid& u) { raw(u.bytes); }

  void uvarint(std::uint64_t v);
  void varint(std::int32_t v) {  // zigzag
    uvarint(static_cast<std::uint32_t>((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31)));
  }
  void varlong(std::int64_t v) {
    uvarint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }

  void raw(std::span<const std::uint8_t> bytes) { out_->insert(out_->end(), bytes.begin(), bytes.end()); }
  void raw(std::string_view s) { out_->insert(out_->end(), s.begin(), s.end()); }

  // Strings and bytes: `flexible` picks the compact (uvarint length+1) form.
  void string(std::string_view s, bool flexible);
  void nullable_string(std::optional<std::string_view> s, bool flexible);
  void bytes(std::span<const std::uint8_t> b, bool flexible);
  void nullable_bytes(std::optional<std::span<const std::uint8_t>> b, bool flexible);
  // Array length prefix; -1 (null) only through nullable_array_length.
  void array_length(std::size_t n, bool flexible);
  void nullable_array_length(std::optional<std::size_t> n, bool flexible);
  // An empty tagged-field section (count 0). Only in flexible versions.
  void empty_tagged_fields() { out_->push_back(0); }

  // Reserve n bytes now, fill them later.
  std::size_t reserve(std::size_t n) {
    std::size_t at = out_->size();
    out_->resize(at + n);
    return at;
  }
  void patch_int32(std::size_t at, std::int32_t v) noexcept { store_be(out_->data() + at, static_cast<std::uint32_t>(v)); }
  void patch_int16(std::size_t at, std::int16_t v) noexcept { store_be(out_->data() + at, static_cast<std::uint16_t>(v)); }
  void patch_int64(std::size_t at, std::int64_t v) noexcept { store_be(out_->data() + at, static_cast<std::uint64_t>(v)); }
  void patch_uint32(std::size_t at, std::uint32_t v) noexcept { store_be(out_->data() + at, v); }

  template <class U>
  static void store_be(std::uint8_t* p, U v) noexcept {
    for (std::size_t i = 0; i < sizeof(U); ++i) {
      p[i] = static_cast<std::uint8_t>(v >> (8 * (sizeof(U) - 1 - i)));
    }
  }

 private:
  template <class U>
  void put_be(U v) {
    std::size_t at = out_->size();
    out_->resize(at + sizeof(U));
    store_be(out_->data() + at, v);
  }
  Bytes* out_;
};

// Zigzag encoding of signed varints (Kafka's varint / varlong).
constexpr std::uint32_t zigzag32(std::int32_t v) noexcept {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag64(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

// Writes an unsigned varint at p (room for uvarint_size(v) bytes) and returns
// the end. Record fields mostly fit in one or two bytes: those take no loop.
inline std::uint8_t* store_uvarint(std::uint8_t* p, std::uint64_t v) noexcept {
  if (v < 0x80) {
    *p = static_cast<std::uint8_t>(v);
    return p + 1;
  }
  if (v < 0x4000) {
    p[0] = static_cast<std::uint8_t>(v | 0x80);
    p[1] = static_cast<std::uint8_t>(v >> 7);
    return p + 2;
  }
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

// Sizes of varints, branch-free: 7 payload bits per byte, at least one byte.
constexpr std::size_t uvarint_size(std::uint64_t v) noexcept {
  return (static_cast<std::size_t>(std::bit_width(v | 1)) + 6) / 7;
}
constexpr std::size_t varint_size(std::int32_t v) noexcept {
  return uvarint_size(static_cast<std::uint32_t>((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31)));
}
constexpr std::size_t varlong_size(std::int64_t v) noexcept {
  return uvarint_size((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

}  // namespace sluice::protocol
