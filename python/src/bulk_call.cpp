#include "bulk_call.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

#include "byte_view.hpp"
#include "row_source.hpp"
#include "sluice/bulk.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {

PySummary to_python(const BulkSummary& s) {
  PySummary p;
  p.records = s.records;
  p.sent = s.sent;
  p.acknowledged = s.acknowledged;
  p.failed = s.failed;
  p.outcome_unknown = s.outcome_unknown;
  p.pending = s.pending;
  p.timed_out = s.timed_out;
  p.elapsed = std::chrono::duration<double>(s.elapsed).count();
  for (const BulkError& e : s.errors) {
    p.errors.push_back(PyBulkError{e.index, e.message.empty() ? e.error.message() : e.message, e.error.value(),
                                   e.error.category().name(), e.outcome_unknown});
  }
  return p;
}

}  // namespace

PySummary bulk_call(PyProducer& producer, nb::handle rows, nb::handle topic, nb::handle key, nb::handle value,
                    nb::handle partition, nb::handle headers, nb::handle timestamp, std::optional<double> timeout,
                    std::size_t max_errors) {
  using Kind = Extractor::Kind;
  RecordFields fields{Extractor::of(key, Kind::none), Extractor::of(value, Kind::row),
                      Extractor::of(partition, Kind::none), Extractor::of(headers, Kind::none),
                      Extractor::of(timestamp, Kind::none)};
  RowSource source(rows, std::string(str_argument(topic.ptr(), "topic")), std::move(fields));
  BulkOptions options;
  options.max_errors = max_errors;
  if (timeout && *timeout >= 0) {
    options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*timeout * 1000.0));
  }
  // A row that gave no record fails alone (bulk_send counts it as not made,
  // with this message); nothing of it was sent.
  auto make_record = [](RowItem& item) -> Record {
    if (!item.record) throw std::runtime_error(item.error);
    return std::move(*item.record);
  };
  BulkSummary summary;
  try {
    nb::gil_scoped_release release;
    summary = bulk_send(producer.cpp(), source, make_record, std::move(options));
  } catch (const RowSource::Stopped&) {
    source.restore_error();
    throw nb::python_error();
  }
  return to_python(summary);
}

}  // namespace sluice::python
