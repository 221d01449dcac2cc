#pragma once
// Record headers from Python, as confluent-kafka-python takes them: a list
// of (key, value) pairs (any 2-item sequences: tuples, Spark's Rows of
// struct<key, value>) or a dict; keys str, values str/bytes-like/None.
#include <Python.h>

#include <vector>

#include "sluice/record.hpp"

namespace sluice::python {

// With the GIL held. None gives no headers. TypeError naming `what` and the
// header for anything else.
std::vector<Header> headers_from_python(PyObject* headers, const char* what);

}  // namespace sluice::python
