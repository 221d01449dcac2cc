#include "sluice/protocol/buffer_writer.hpp"

namespace sluice::protocol {

void BufferWriter::uvarint(std::uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<std::uint8_t>(v));
}

void BufferWriter::string(std::string_view s, bool flexible) {
  if (flexible) {
    uvarint(s.size() + 1);
  } else {
    int16(static_cast<std::int16_t>(s.size()));
  }
  raw(s);
}

void BufferWriter::nullable_string(std::optional<std::string_view> s, bool flexible) {
  if (s) {
    string(*s, flexible);
  } else if (flexible) {
    uvarint(0);
  } else {
    int16(-1);
  }
}

void BufferWriter::bytes(std::span<const std::uint8_t> b, bool flexible) {
  if (flexible) {
    uvarint(b.size() + 1);
  } else {
    int32(static_cast<std::int32_t>(b.size()));
  }
  raw(b);
}

void BufferWriter::nullable_bytes(std::optional<std::span<const std::uint8_t>> b, bool flexible) {
  if (b) {
    bytes(*b, flexible);
  } else if (flexible) {
    uvarint(0);
  } else {
    int32(-1);
  }
}

void BufferWriter::array_length(std::size_t n, bool flexible) {
  if (flexible) {
    uvarint(n + 1);
  } else {
    int32(static_cast<std::int32_t>(n));
  }
}

void BufferWriter::nullable_array_length(std::optional<std::size_t> n, bool flexible) {
  if (n) {
    array_length(*n, flexible);
  } else if (flexible) {
    uvarint(0);
  } else {
    int32(-1);
  }
}

}  // namespace sluice::protocol
