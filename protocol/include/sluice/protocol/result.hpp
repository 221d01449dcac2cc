#pragma once
// Result<T>: a decoded value or the DecodeError that stopped the decode.
// (std::expected is C++23; this is the small part of it we need.)
#include <utility>
#include <variant>

#include "sluice/protocol/codec_error.hpp"

namespace sluice::protocol {

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
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

 private:
  std::variant<T, DecodeError> v_;
};

}  // namespace sluice::protocol
