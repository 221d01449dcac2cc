#include "arrow_column.hpp"

#include <nanobind/stl/string.h>

#include <cstring>
#include <string>

namespace nb = nanobind;

namespace sluice::python {

namespace {

bool get_buffer(nb::handle buffer, Py_buffer& out) {
  if (buffer.is_none()) return false;
  if (PyObject_GetBuffer(buffer.ptr(), &out, PyBUF_SIMPLE) != 0) throw nb::python_error();
  return true;
}

}  // namespace

ArrowColumn::ArrowColumn(nb::handle array, const char* what) {
  nb::object type_obj = array.attr("type");
  nb::object type_text = nb::steal(PyObject_Str(type_obj.ptr()));
  if (!type_text.is_valid()) throw nb::python_error();
  const char* type_chars = PyUnicode_AsUTF8(type_text.ptr());
  if (type_chars == nullptr) throw nb::python_error();
  const std::string type(type_chars);
  if (type == "binary" || type == "string") {
    large_ = false;
  } else if (type == "large_binary" || type == "large_string") {
    large_ = true;
  } else {
    throw nb::type_error((std::string(what) + " must be an Arrow binary or string column, not " + type).c_str());
  }
  offset_ = PyLong_AsLongLong(array.attr("offset").ptr());
  length_ = PyObject_Length(array.ptr());
  if (offset_ < 0 || length_ < 0) throw nb::python_error();
  nb::object buffers = array.attr("buffers")();
  if (PySequence_Size(buffers.ptr()) != 3) throw nb::type_error((std::string(what) + ": not a binary Arrow array").c_str());
  nb::object validity = nb::steal(PySequence_GetItem(buffers.ptr(), 0));
  nb::object offsets = nb::steal(PySequence_GetItem(buffers.ptr(), 1));
  nb::object data = nb::steal(PySequence_GetItem(buffers.ptr(), 2));
  has_validity_ = get_buffer(validity, validity_);
  has_offsets_ = get_buffer(offsets, offsets_);
  has_data_ = get_buffer(data, data_);
  const std::int64_t width = large_ ? 8 : 4;
  if (length_ > 0 && (!has_offsets_ || offsets_.len < (offset_ + length_ + 1) * width)) {
    throw nb::value_error((std::string(what) + ": the Arrow offsets buffer is shorter than the array").c_str());
  }
  if (length_ > 0) {
    const std::int64_t last = large_ ? static_cast<const std::int64_t*>(offsets_.buf)[offset_ + length_]
                                     : static_cast<const std::int32_t*>(offsets_.buf)[offset_ + length_];
    if (last > 0 && (!has_data_ || last > data_.len)) {
      throw nb::value_error((std::string(what) + ": the Arrow data buffer is shorter than its offsets say").c_str());
    }
  }
}

ArrowColumn::~ArrowColumn() {
  if (has_validity_) PyBuffer_Release(&validity_);
  if (has_offsets_) PyBuffer_Release(&offsets_);
  if (has_data_) PyBuffer_Release(&data_);
}

std::optional<std::string_view> ArrowColumn::at(std::int64_t i) const noexcept {
  const std::int64_t j = offset_ + i;
  if (has_validity_) {
    const auto* bits = static_cast<const std::uint8_t*>(validity_.buf);
    if ((bits[j >> 3] & (1u << (j & 7))) == 0) return std::nullopt;
  }
  std::int64_t begin = 0;
  std::int64_t end = 0;
  if (large_) {
    const auto* o = static_cast<const std::int64_t*>(offsets_.buf);
    begin = o[j];
    end = o[j + 1];
  } else {
    const auto* o = static_cast<const std::int32_t*>(offsets_.buf);
    begin = o[j];
    end = o[j + 1];
  }
  if (end <= begin || !has_data_) return std::string_view();
  return std::string_view(static_cast<const char*>(data_.buf) + begin, static_cast<std::size_t>(end - begin));
}

}  // namespace sluice::python
