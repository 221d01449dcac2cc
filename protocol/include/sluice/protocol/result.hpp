#pragma once
// Result<T>: a decoded value or the DecodeError that stopped the decode.
// (std::expected is C++23; this is the small part of it we need.) A decoded
// response may also say how many bytes after its end it ignored
// (decode_support.hpp, finish_response).
#include <cstddef>
#include <utility>
#include <variant>

#include "sluice/protocol/codec_error.hpp"

namespace sluice::protocol {

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  Result(T value, std::size_t trailing_bytes_ignored) : v_(std::move(value)), ignored_(trailing_bytes_ignored) {}
  Result(DecodeError error) : v_(std::move(error)) {}     // NOLINT
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const DecodeError& error() const { return std::get<1>(v_); }
  // Bytes after the end of a decoded message that the decoder skipped (0 when
  // it consumed the whole input, and for an error).
  std::size_t trailing_bytes_ignored() const noexcept { return ignored_; }

 private:
  std::variant<T, DecodeError> v_;
  std::size_t ignored_ = 0;
};

}  // namespace sluice::protocol
