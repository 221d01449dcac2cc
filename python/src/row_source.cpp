#include "row_source.hpp"

#include <nanobind/stl/string.h>

#include <limits>
#include <utility>

#include "byte_view.hpp"
#include "headers_from_python.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {

// Rows turned into records per taking of the GIL.
constexpr std::size_t kChunkRows = 512;

std::string exception_text(const nb::python_error& e) {
  std::string type = nb::cast<std::string>(nb::str(e.type().attr("__name__")));
  return type + ": " + nb::cast<std::string>(nb::str(e.value()));
}

std::optional<std::int32_t> partition_from(PyObject* obj) {
  if (obj == Py_None) return std::nullopt;
  if (!PyLong_Check(obj) || PyBool_Check(obj)) {
    throw nb::type_error((std::string("partition must be an int (or None), not ") + Py_TYPE(obj)->tp_name).c_str());
  }
  const long long p = PyLong_AsLongLong(obj);
  if (p == -1 && PyErr_Occurred()) throw nb::python_error();
  if (p == -1) return std::nullopt;
  if (p < 0 || p > std::numeric_limits<std::int32_t>::max()) {
    throw nb::value_error(("partition must be -1 (the partitioner chooses) or a partition number, not " +
                           std::to_string(p))
                              .c_str());
  }
  return static_cast<std::int32_t>(p);
}

std::optional<std::int64_t> timestamp_from(PyObject* obj) {
  if (obj == Py_None) return std::nullopt;
  if (!PyLong_Check(obj) || PyBool_Check(obj)) {
    throw nb::type_error(
        (std::string("timestamp must be an int of milliseconds (or None), not ") + Py_TYPE(obj)->tp_name).c_str());
  }
  const long long t = PyLong_AsLongLong(obj);
  if (t == -1 && PyErr_Occurred()) throw nb::python_error();
  if (t == 0) return std::nullopt;
  return t;
}

}  // namespace

Extractor Extractor::of(nb::handle spec, Kind when_none) {
  Extractor e;
  if (spec.is_none()) {
    e.kind_ = when_none;
  } else if (PyLong_Check(spec.ptr()) || PyUnicode_Check(spec.ptr())) {
    e.kind_ = Kind::item;
  } else if (PyCallable_Check(spec.ptr())) {
    e.kind_ = Kind::call;
  } else {
    throw nb::type_error((std::string("bulk(): a field must be given as a callable, an int index or a str name "
                                      "(or None), not ") +
                          Py_TYPE(spec.ptr())->tp_name)
                             .c_str());
  }
  e.spec_ = nb::borrow(spec);
  return e;
}

nb::object Extractor::apply(PyObject* row) const {
  switch (kind_) {
    case Kind::none:
      return {};
    case Kind::row:
      return nb::borrow(row);
    case Kind::item: {
      PyObject* got = PyObject_GetItem(row, spec_.ptr());
      if (got == nullptr) throw nb::python_error();
      return nb::steal(got);
    }
    case Kind::call: {
      PyObject* got = PyObject_CallOneArg(spec_.ptr(), row);
      if (got == nullptr) throw nb::python_error();
      return nb::steal(got);
    }
  }
  return {};
}

RowSource::RowSource(nb::handle iterable, std::string topic, RecordFields fields)
    : topic_(std::move(topic)), fields_(std::move(fields)) {
  PyObject* it = PyObject_GetIter(iterable.ptr());
  if (it == nullptr) throw nb::python_error();
  iterator_ = nb::steal(it);
  chunk_.reserve(kChunkRows);
}

RowSource::~RowSource() {
  Py_XDECREF(error_type_);
  Py_XDECREF(error_value_);
  Py_XDECREF(error_traceback_);
}

RowSource::Iterator RowSource::begin() {
  fill();
  return Iterator(this);
}

void RowSource::advance() {
  if (++pos_ >= chunk_.size()) fill();
}

void RowSource::restore_error() {
  PyErr_Restore(error_type_, error_value_, error_traceback_);
  error_type_ = error_value_ = error_traceback_ = nullptr;
}

RowItem RowSource::make_item(PyObject* row) const {
  RowItem item;
  const char* field = "value";
  try {
    Record r;
    r.topic = topic_;
    {
      nb::object value = fields_.value.apply(row);
      const ByteView bytes = ByteView::of(value.is_valid() ? value.ptr() : Py_None, "value");
      if (bytes.view()) r.value.emplace(*bytes.view());
    }
    field = "key";
    if (fields_.key.present()) {
      nb::object key = fields_.key.apply(row);
      const ByteView bytes = ByteView::of(key.ptr(), "key");
      if (bytes.view()) r.key.emplace(*bytes.view());
    }
    field = "partition";
    if (fields_.partition.present()) r.partition = partition_from(fields_.partition.apply(row).ptr());
    field = "headers";
    if (fields_.headers.present()) r.headers = headers_from_python(fields_.headers.apply(row).ptr(), "headers");
    field = "timestamp";
    if (fields_.timestamp.present()) r.timestamp_ms = timestamp_from(fields_.timestamp.apply(row).ptr());
    item.record.emplace(std::move(r));
  } catch (nb::python_error& e) {
    // Only an Exception fails the row; KeyboardInterrupt, SystemExit and
    // the like stop the whole send.
    if (!e.matches(PyExc_Exception)) throw;
    item.error = "topic '" + topic_ + "', " + field + " of row " + std::to_string(index_) + ": " + exception_text(e);
  } catch (nb::builtin_exception& e) {
    const char* kind = e.type() == nb::exception_type::type_error ? "TypeError" : "ValueError";
    item.error = "topic '" + topic_ + "', " + field + " of row " + std::to_string(index_) + ": " + kind + ": " +
                 e.what();
  }
  return item;
}

void RowSource::fill() {
  chunk_.clear();
  pos_ = 0;
  if (exhausted_) return;
  nb::gil_scoped_acquire gil;
  try {
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    while (chunk_.size() < kChunkRows) {
      PyObject* row = PyIter_Next(iterator_.ptr());
      if (row == nullptr) {
        if (PyErr_Occurred()) throw nb::python_error();
        exhausted_ = true;
        break;
      }
      nb::object owned = nb::steal(row);
      chunk_.push_back(make_item(row));
      ++index_;
    }
  } catch (nb::python_error& e) {
    exhausted_ = true;
    chunk_.clear();
    e.restore();
    PyErr_Fetch(&error_type_, &error_value_, &error_traceback_);
    throw Stopped{};
  }
}

}  // namespace sluice::python
