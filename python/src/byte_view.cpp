#include "byte_view.hpp"

#include <nanobind/nanobind.h>

#include <string>
#include <utility>

namespace nb = nanobind;

namespace sluice::python {

ByteView::ByteView(ByteView&& other) noexcept
    : buffer_(other.buffer_), has_buffer_(other.has_buffer_), view_(other.view_) {
  other.has_buffer_ = false;
  other.view_.reset();
}

ByteView& ByteView::operator=(ByteView&& other) noexcept {
  if (this != &other) {
    release();
    buffer_ = other.buffer_;
    has_buffer_ = other.has_buffer_;
    view_ = other.view_;
    other.has_buffer_ = false;
    other.view_.reset();
  }
  return *this;
}

ByteView::~ByteView() { release(); }

void ByteView::release() noexcept {
  if (has_buffer_) {
    // Releasing a buffer may run Python code (a memoryview's exporter): the
    // caller holds the GIL, as everywhere a ByteView is made or dropped.
    PyBuffer_Release(&buffer_);
    has_buffer_ = false;
  }
}

namespace {

[[noreturn]] void wrong_type(PyObject* obj, const char* what) {
  throw nb::type_error((std::string(what) + " must be str, bytes, bytearray or memoryview (or None), not " +
                        Py_TYPE(obj)->tp_name)
                           .c_str());
}

}  // namespace

ByteView ByteView::of(PyObject* obj, const char* what) {
  ByteView v;
  if (obj == Py_None) return v;
  if (PyBytes_Check(obj)) {
    // Immutable: its storage is stable while the caller holds a reference.
    v.view_.emplace(PyBytes_AS_STRING(obj), static_cast<std::size_t>(PyBytes_GET_SIZE(obj)));
    return v;
  }
  if (PyUnicode_Check(obj)) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(obj, &size);  // cached in the str: no copy after the first
    if (utf8 == nullptr) throw nb::python_error();
    v.view_.emplace(utf8, static_cast<std::size_t>(size));
    return v;
  }
  if (PyByteArray_Check(obj) || PyMemoryView_Check(obj)) {
    if (PyObject_GetBuffer(obj, &v.buffer_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      throw nb::type_error(
          (std::string(what) + ": a memoryview must be C-contiguous bytes (use bytes(view) for others)").c_str());
    }
    v.has_buffer_ = true;
    v.view_.emplace(static_cast<const char*>(v.buffer_.buf), static_cast<std::size_t>(v.buffer_.len));
    return v;
  }
  wrong_type(obj, what);
}

std::string_view str_argument(PyObject* obj, const char* what) {
  if (!PyUnicode_Check(obj)) {
    throw nb::type_error((std::string(what) + " must be str, not " + Py_TYPE(obj)->tp_name).c_str());
  }
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(obj, &size);
  if (utf8 == nullptr) throw nb::python_error();
  return {utf8, static_cast<std::size_t>(size)};
}

}  // namespace sluice::python
