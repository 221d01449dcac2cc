#pragma once
// The Python exception classes of sluice._sluice, made at import
// (module.cpp), and the translation of sluice::ConfigError into
// sluice.ConfigError with its `property` attribute.
#include <Python.h>

#include <string>

namespace sluice::python {

PyObject* config_error_type() noexcept;     // sluice.ConfigError(ValueError)
PyObject* kafka_exception_type() noexcept;  // sluice.KafkaException(Exception)

// Sets sluice.ConfigError(message) with .property = property as the pending
// Python exception (the caller then throws nb::python_error()).
void set_config_error(const std::string& property, const std::string& message);

}  // namespace sluice::python
