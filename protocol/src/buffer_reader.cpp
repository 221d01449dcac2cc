#include "sluice/protocol/buffer_reader.hpp"

#include <cstring>

namespace sluice::protocol {

void BufferReader::fail(codec_errc code, const char* field, std::size_t offset) noexcept {
  if (ok()) {
    error_ = DecodeError{code, field, offset};
  }
  pos_ = data_.size();
}

bool BufferReader::boolean(const char* field) noexcept {
  std::size_t at = pos_;
  std::uint8_t b = be<std::uint8_t>(field);
  if (b > 1) fail(codec_errc::invalid_value, field, at);
  return b == 1;
}

Uuid BufferReader::uuid(const char* field) noexcept {
  Uuid u;
  if (!need(16, field)) return u;
  std::memcpy(u.bytes.data(), data_.data() + pos_, 16);
  pos_ += 16;
  return u;
}

std::uint64_t BufferReader::uvarint64(const char* field) noexcept {
  std::size_t at = pos_;
  std::uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (!need(1, field)) return 0;
    std::uint8_t b = data_[pos_++];
    if (shift == 63 && b > 1) break;  // the 10th byte may only carry bit 63
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail(codec_errc::varint_too_long, field, at);
  return 0;
}

std::uint32_t BufferReader::uvarint(const char* field) noexcept {
  std::size_t at = pos_;
  std::uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (!need(1, field)) return 0;
    std::uint8_t b = data_[pos_++];
    if (shift == 28 && b > 0x0f) break;  // the 5th byte may only carry 4 bits
    v |= static_cast<std::uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail(codec_errc::varint_too_long, field, at);
  return 0;
}

std::int32_t BufferReader::varint(const char* field) noexcept {
  std::uint32_t u = uvarint(field);
  return static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::int64_t BufferReader::varlong(const char* field) noexcept {
  std::uint64_t u = uvarint64(field);
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::optional<std::size_t> BufferReader::length(const char* field, bool flexible, bool wide) noexcept {
  std::size_t at = pos_;
  std::int64_t n;
  if (flexible) {
    n = static_cast<std::int64_t>(uvarint(field)) - 1;
  } else if (wide) {
    n = int32(field);
  } else {
    n = int16(field);
  }
  if (!ok()) return std::nullopt;
  if (n < -1) {
    fail(codec_errc::negative_length, field, at);
    return std::nullopt;
  }
  if (n == -1) return std::nullopt;
  if (static_cast<std::uint64_t>(n) > remaining()) {
    fail(codec_errc::length_too_large, field, at);
    return std::nullopt;
  }
  return static_cast<std::size_t>(n);
}

std::optional<std::string> BufferReader::nullable_string(const char* field, bool flexible) {
  auto n = length(field, flexible, false);
  if (!n) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(data_.data() + pos_), *n);
  pos_ += *n;
  return s;
}

std::string BufferReader::string(const char* field, bool flexible) {
  std::size_t at = pos_;
  auto s = nullable_string(field, flexible);
  if (!s) {
    if (ok()) fail(codec_errc::negative_length, field, at);
    return {};
  }
  return std::move(*s);
}

std::optional<std::span<const std::uint8_t>> BufferReader::nullable_bytes(const char* field, bool flexible) noexcept {
  auto n = length(field, flexible, true);
  if (!n) return std::nullopt;
  auto view = data_.subspan(pos_, *n);
  pos_ += *n;
  return view;
}

std::span<const std::uint8_t> BufferReader::bytes(const char* field, bool flexible) noexcept {
  std::size_t at = pos_;
  auto b = nullable_bytes(field, flexible);
  if (!b) {
    if (ok()) fail(codec_errc::negative_length, field, at);
    return {};
  }
  return *b;
}

std::span<const std::uint8_t> BufferReader::raw(const char* field, std::size_t n) noexcept {
  if (!need(n, field)) return {};
  auto view = data_.subspan(pos_, n);
  pos_ += n;
  return view;
}

std::optional<std::size_t> BufferReader::nullable_array_length(const char* field, bool flexible,
                                                               std::size_t min_element_size) noexcept {
  std::size_t at = pos_;
  std::int64_t n = flexible ? static_cast<std::int64_t>(uvarint(field)) - 1 : int32(field);
  if (!ok()) return std::nullopt;
  if (n < -1) {
    fail(codec_errc::negative_length, field, at);
    return std::nullopt;
  }
  if (n == -1) return std::nullopt;
  std::size_t min = min_element_size == 0 ? 1 : min_element_size;
  if (static_cast<std::uint64_t>(n) > remaining() / min) {
    fail(codec_errc::length_too_large, field, at);
    return std::nullopt;
  }
  return static_cast<std::size_t>(n);
}

std::size_t BufferReader::array_length(const char* field, bool flexible, std::size_t min_element_size) noexcept {
  std::size_t at = pos_;
  auto n = nullable_array_length(field, flexible, min_element_size);
  if (!n) {
    if (ok()) fail(codec_errc::negative_length, field, at);
    return 0;
  }
  return *n;
}

}  // namespace sluice::protocol
