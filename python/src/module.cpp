// sluice._sluice: the native half of the `sluice` package (python/sluice).
#include <nanobind/nanobind.h>

#include "bind_types.hpp"
#include "exceptions.hpp"
#include "sluice/version.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {
PyObject* g_config_error = nullptr;
PyObject* g_kafka_exception = nullptr;
}  // namespace

PyObject* config_error_type() noexcept { return g_config_error; }
PyObject* kafka_exception_type() noexcept { return g_kafka_exception; }

void set_config_error(const std::string& property, const std::string& message) {
  nb::object error = nb::steal(PyObject_CallFunction(g_config_error, "s", message.c_str()));
  if (!error.is_valid()) return;  // the failure to build it is pending instead
  if (PyObject_SetAttrString(error.ptr(), "property", nb::str(property.c_str()).ptr()) != 0) return;
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
}

}  // namespace sluice::python

NB_MODULE(_sluice, m) {
  m.doc() = "The native half of sluice: a Kafka producer written in C++20 (see the sluice package).";
  using namespace sluice::python;
  g_config_error = PyErr_NewExceptionWithDoc(
      "sluice.ConfigError", "A bad or unknown producer property; .property names it.", PyExc_ValueError, nullptr);
  g_kafka_exception = PyErr_NewExceptionWithDoc("sluice.KafkaException",
                                                "A request the broker refused (the message says which and why).",
                                                PyExc_Exception, nullptr);
  m.attr("ConfigError") = nb::handle(g_config_error);
  m.attr("KafkaException") = nb::handle(g_kafka_exception);
  bind_types(m);
  // sluice.__version__: the library this extension was built from.
  m.def("version", [] { return sluice::version(); }, "The version of the Sluice library linked (sluice::version()).");
}
