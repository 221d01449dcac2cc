#pragma once
// Shared tail of every message decoder: a decode succeeds only if the reader
// is still ok and consumed the whole body.
#include <utility>

#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

template <class T>
Result<T> finish(BufferReader& r, T&& value) {
  if (r.ok() && !r.at_end()) r.fail(codec_errc::trailing_bytes, "end of message");
  if (!r.ok()) return r.error();
  return Result<T>(std::forward<T>(value));
}

}  // namespace sluice::protocol
