#include "headers_from_python.hpp"

#include <nanobind/nanobind.h>

#include <string>

#include "byte_view.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {

Header one_header(PyObject* key, PyObject* value, const char* what) {
  Header h;
  h.key = std::string(str_argument(key, (std::string(what) + ": a header key").c_str()));
  const std::string value_name = std::string(what) + " '" + h.key + "' value";
  auto bytes = ByteView::of(value, value_name.c_str());
  if (bytes.view()) h.value.emplace(*bytes.view());
  return h;
}

}  // namespace

std::vector<Header> headers_from_python(PyObject* headers, const char* what) {
  std::vector<Header> out;
  if (headers == Py_None) return out;
  if (PyDict_Check(headers)) {
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(headers, &pos, &key, &value)) out.push_back(one_header(key, value, what));
    return out;
  }
  if (!PyList_Check(headers) && !PyTuple_Check(headers)) {
    throw nb::type_error((std::string(what) + " must be a list of (key, value) pairs or a dict, not " +
                          Py_TYPE(headers)->tp_name)
                             .c_str());
  }
  nb::object seq = nb::steal(PySequence_Fast(headers, "headers"));
  if (!seq.is_valid()) throw nb::python_error();
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
  PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
  out.reserve(static_cast<std::size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* pair = items[i];
    if (!PySequence_Check(pair) || PyUnicode_Check(pair) || PySequence_Size(pair) != 2) {
      PyErr_Clear();
      throw nb::type_error((std::string(what) + "[" + std::to_string(i) + "] must be a (key, value) pair, not " +
                            Py_TYPE(pair)->tp_name)
                               .c_str());
    }
    nb::object k = nb::steal(PySequence_GetItem(pair, 0));
    nb::object v = nb::steal(PySequence_GetItem(pair, 1));
    if (!k.is_valid() || !v.is_valid()) throw nb::python_error();
    out.push_back(one_header(k.ptr(), v.ptr(), what));
  }
  return out;
}

}  // namespace sluice::python
