#pragma once
// Producer.bulk(): sluice::bulk_send() over a Python iterable (RowSource),
// run without the GIL, and its BulkSummary as sluice.Summary.
#include <nanobind/nanobind.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "py_producer.hpp"

namespace sluice::python {

struct PyBulkError {
  std::size_t index = 0;      // the row's position in the iterable, from 0
  std::string error;          // what happened, naming the topic (and partition when known)
  int error_code = 0;
  std::string error_category;
  bool outcome_unknown = false;
};

struct PySummary {
  std::size_t records = 0;
  std::size_t sent = 0;
  std::size_t acknowledged = 0;
  std::size_t failed = 0;
  std::size_t outcome_unknown = 0;
  std::size_t pending = 0;
  bool timed_out = false;
  std::vector<PyBulkError> errors;
  double elapsed = 0;  // seconds
  bool all_acknowledged() const noexcept { return acknowledged == records; }
};

PySummary bulk_call(PyProducer& producer, nanobind::handle rows, nanobind::handle topic, nanobind::handle key,
                    nanobind::handle value, nanobind::handle partition, nanobind::handle headers,
                    nanobind::handle timestamp, std::optional<double> timeout, std::size_t max_errors);

// Producer.bulk_arrow(): one record per row of Arrow binary/string columns
// (value, and key or None), sent from their buffers without the GIL.
PySummary bulk_arrow_call(PyProducer& producer, nanobind::handle topic, nanobind::handle value,
                          nanobind::handle key, std::optional<double> timeout, std::size_t max_errors);

}  // namespace sluice::python
