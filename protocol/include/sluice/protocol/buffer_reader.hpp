#pragma once
// BufferReader reads Kafka primitive types from untrusted bytes. Every read is
// bounds-checked; lengths are checked against what remains before anything is
// allocated. The first failure is recorded (which field, where, what) and
// makes the reader "failed": later reads return zero values and do nothing,
// so decoders read straight through and check ok() once at the end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/uuid.hpp"

namespace sluice::protocol {

class BufferReader {
 public:
  explicit BufferReader(std::span<const std::uint8_t> data) noexcept : data_(data) {}

  bool ok() const noexcept { return error_.code == codec_errc::ok; }
  const DecodeError& error() const noexcept { return error_; }
  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == data_.size(); }

  // Records the first error; later ones are ignored. Moves to the end.
  void fail(codec_errc code, const char* field, std::size_t offset) noexcept;
  void fail(codec_errc code, const char* field) noexcept { fail(code, field, pos_); }

  std::int8_t int8(const char* field) noexcept { return static_cast<std::int8_t>(be<std::uint8_t>(field)); }
  bool boolean(const char* field) noexcept;
  std::int16_t int16(const char* field) noexcept { return static_cast<std::int16_t>(be<std::uint16_t>(field)); }
  std::int32_t int32(const char* field) noexcept { return static_cast<std::int32_t>(be<std::uint32_t>(field)); }
  std::uint32_t uint32(const char* field) noexcept { return be<std::uint32_t>(field); }
  std::int64_t int64(const char* field) noexcept { return static_cast<std::int64_t>(be<std::uint64_t>(field)); }
  Uuid uuid(const char* field) noexcept;

  std::uint32_t uvarint(const char* field) noexcept;    // at most 5 bytes, fits 32 bits
  std::uint64_t uvarint64(const char* field) noexcept;  // at most 10 bytes
  std::int32_t varint(const char* field) noexcept;      // zigzag, 32-bit
  std::int64_t varlong(const char* field) noexcept;     // zigzag, 64-bit

  // `flexible` selects the compact forms. A null where the type is not
  // nullable is an error (negative_length).
  std::string string(const char* field, bool flexible);
  std::optional<std::string> nullable_string(const char* field, bool flexible);
  // Views into the input: valid as long as the input is.
  std::span<const std::uint8_t> bytes(const char* field, bool flexible) noexcept;
  std::optional<std::span<const std::uint8_t>> nullable_bytes(const char* field, bool flexible) noexcept;
  std::span<const std::uint8_t> raw(const char* field, std::size_t n) noexcept;

  // An array's element count. Each element takes at least
  // `min_element_size` bytes, so a count that cannot fit in what remains is
  // rejected before the caller reserves memory for it.
  std::size_t array_length(const char* field, bool flexible, std::size_t min_element_size) noexcept;
  std::optional<std::size_t> nullable_array_length(const char* field, bool flexible,
                                                   std::size_t min_element_size) noexcept;

  // A tagged-field section. `on_field(tag, BufferReader& field_bytes)` is
  // called for each field; unknown tags are simply not handled (skipped).
  // The field's sub-reader must consume exactly its bytes when handled.
  template <class OnField>
  void tagged_fields(const char* field, OnField&& on_field);
  void skip_tagged_fields(const char* field) {
    tagged_fields(field, [](std::uint32_t, BufferReader&) {});
  }

 private:
  template <class U>
  U be(const char* field) noexcept {
    if (!need(sizeof(U), field)) return 0;
    U v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | data_[pos_ + i]);
    pos_ += sizeof(U);
    return v;
  }
  bool need(std::size_t n, const char* field) noexcept {
    if (!ok()) return false;
    if (remaining() < n) {
      fail(codec_errc::truncated, field);
      return false;
    }
    return true;
  }
  // Length of a string/bytes: -1 = null, otherwise checked against remaining.
  std::optional<std::size_t> length(const char* field, bool flexible, bool wide) noexcept;

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  DecodeError error_{};
};

template <class OnField>
void BufferReader::tagged_fields(const char* field, OnField&& on_field) {
  std::uint32_t count = uvarint(field);
  for (std::uint32_t i = 0; i < count && ok(); ++i) {
    std::size_t start = pos_;
    std::uint32_t tag = uvarint(field);
    std::uint32_t size = uvarint(field);
    if (!ok()) return;
    if (size > remaining()) {
      fail(codec_errc::length_too_large, field, start);
      return;
    }
    BufferReader sub(data_.subspan(pos_, size));
    on_field(tag, sub);
    if (!sub.ok()) {
      // Report the failing sub-field at its absolute offset.
      error_ = sub.error();
      error_.offset += pos_;
      pos_ = data_.size();
      return;
    }
    pos_ += size;
  }
}

}  // namespace sluice::protocol
