#pragma once
// A binary or string column of an Arrow record batch (pyarrow.Array of type
// binary, string, large_binary or large_string), read through its buffers
// (validity bitmap, offsets, data) with the buffer protocol: no pyarrow C++
// API, and no Python object per row. sluice.spark's columnar path
// (mapInArrow) sends Spark's rows from these buffers.
#include <nanobind/nanobind.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::python {

class ArrowColumn {
 public:
  // With the GIL. TypeError naming `what` for another type of array.
  ArrowColumn(nanobind::handle array, const char* what);
  ~ArrowColumn();  // with the GIL
  ArrowColumn(const ArrowColumn&) = delete;
  ArrowColumn& operator=(const ArrowColumn&) = delete;

  std::int64_t size() const noexcept { return length_; }
  // Row i's bytes, nullopt for a null. Any thread: the buffers stay held.
  std::optional<std::string_view> at(std::int64_t i) const noexcept;

 private:
  Py_buffer validity_{};
  Py_buffer offsets_{};
  Py_buffer data_{};
  bool has_validity_ = false;
  bool has_offsets_ = false;
  bool has_data_ = false;
  bool large_ = false;  // 64-bit offsets
  std::int64_t offset_ = 0;
  std::int64_t length_ = 0;
};

}  // namespace sluice::python
