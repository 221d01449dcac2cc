#pragma once
// A key, value or header value from Python as bytes, without copying them:
// str gives its UTF-8 form (kept by the str object itself), bytes its own
// storage, bytearray and memoryview their buffer (held until the view is
// destroyed, so a bytearray cannot be resized meanwhile). Every other type
// is a TypeError naming the argument.
#include <Python.h>

#include <optional>
#include <string_view>

namespace sluice::python {

class ByteView {
 public:
  ByteView() = default;
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;
  ByteView(ByteView&& other) noexcept;
  ByteView& operator=(ByteView&& other) noexcept;
  ~ByteView();

  // With the GIL held. None gives nullopt. Throws nb::type_error naming
  // `what` ("value", "key", "header 'h'", ...) for any other type, and
  // nb::python_error when a str is not encodable (lone surrogates).
  static ByteView of(PyObject* obj, const char* what);

  const std::optional<std::string_view>& view() const noexcept { return view_; }

 private:
  void release() noexcept;
  Py_buffer buffer_{};
  bool has_buffer_ = false;
  std::optional<std::string_view> view_;
};

// The UTF-8 of a str argument (topic, header key), kept by the str object;
// TypeError naming `what` for anything else.
std::string_view str_argument(PyObject* obj, const char* what);

}  // namespace sluice::python
