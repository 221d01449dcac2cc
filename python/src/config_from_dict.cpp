#include "config_from_dict.hpp"

#include <nanobind/stl/string.h>

#include <string>

#include "exceptions.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {

// The property's value as Kafka's text form.
std::string value_text(const std::string& name, nb::handle value) {
  PyObject* v = value.ptr();
  if (PyUnicode_Check(v)) return nb::cast<std::string>(value);
  if (PyBool_Check(v)) return v == Py_True ? "true" : "false";  // before int: bool is an int
  if (PyLong_Check(v) || PyFloat_Check(v)) return nb::cast<std::string>(nb::str(value));
  if (PyCallable_Check(v)) {
    set_config_error(name, "property '" + name +
                               "': a callable is not a property value; pass callbacks as keyword arguments, "
                               "e.g. sluice.Producer(config, on_delivery=...)");
    throw nb::python_error();
  }
  set_config_error(name, "property '" + name + "': the value must be str, int, float or bool, not " +
                             Py_TYPE(v)->tp_name);
  throw nb::python_error();
}

}  // namespace

sluice::Config config_from_dict(nb::handle properties) {
  if (!PyDict_Check(properties.ptr())) {
    throw nb::type_error(
        (std::string("config must be a dict of Kafka property names to values, not ") +
         Py_TYPE(properties.ptr())->tp_name)
            .c_str());
  }
  sluice::Config config;
  for (auto [key, value] : nb::borrow<nb::dict>(properties)) {
    if (!PyUnicode_Check(key.ptr())) {
      throw nb::type_error((std::string("config: property names must be str, not ") + Py_TYPE(key.ptr())->tp_name +
                            " (" + nb::cast<std::string>(nb::repr(key)) + ")")
                               .c_str());
    }
    const auto name = nb::cast<std::string>(key);
    const auto text = value_text(name, value);
    try {
      config.set(name, text);
    } catch (const sluice::ConfigError& e) {
      set_config_error(e.property().empty() ? name : e.property(), e.what());
      throw nb::python_error();
    }
  }
  return config;
}

}  // namespace sluice::python
