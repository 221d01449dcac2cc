#pragma once
// The classes of sluice._sluice: DeliveryReport, BulkError, Summary and
// Producer, with their docstrings (the .pyi stubs repeat the signatures).
#include <nanobind/nanobind.h>

namespace sluice::python {

void bind_types(nanobind::module_& m);

}  // namespace sluice::python
