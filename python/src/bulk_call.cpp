#include "bulk_call.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

#include <ranges>

#include "arrow_column.hpp"
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

BulkOptions options_of(std::optional<double> timeout, std::size_t max_errors) {
  BulkOptions options;
  options.max_errors = max_errors;
  if (timeout && *timeout >= 0) {
    options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*timeout * 1000.0));
  }
  return options;
}

}  // namespace

PySummary bulk_arrow_call(PyProducer& producer, nb::handle topic, nb::handle value, nb::handle key,
                          std::optional<double> timeout, std::size_t max_errors) {
  const std::string topic_name(str_argument(topic.ptr(), "topic"));
  ArrowColumn values(value, "value");
  std::optional<ArrowColumn> keys;
  if (!key.is_none()) {
    keys.emplace(key, "key");
    if (keys->size() != values.size()) {
      throw nb::value_error(("key and value columns differ in length: " + std::to_string(keys->size()) + " and " +
                             std::to_string(values.size()))
                                .c_str());
    }
  }
  auto make_record = [&](std::int64_t i) {
    Record r;
    r.topic = topic_name;
    if (auto v = values.at(i)) r.value.emplace(*v);
    if (keys) {
      if (auto k = keys->at(i)) r.key.emplace(*k);
    }
    return r;
  };
  BulkSummary summary;
  {
    nb::gil_scoped_release release;
    summary = bulk_send(producer.cpp(), std::views::iota(std::int64_t{0}, values.size()), make_record,
                        options_of(timeout, max_errors));
  }
  return to_python(summary);
}

PySummary bulk_call(PyProducer& producer, nb::handle rows, nb::handle topic, nb::handle key, nb::handle value,
                    nb::handle partition, nb::handle headers, nb::handle timestamp, std::optional<double> timeout,
                    std::size_t max_errors) {
  using Kind = Extractor::Kind;
  RecordFields fields{Extractor::of(key, Kind::none), Extractor::of(value, Kind::row),
                      Extractor::of(partition, Kind::none), Extractor::of(headers, Kind::none),
                      Extractor::of(timestamp, Kind::none)};
  RowSource source(rows, std::string(str_argument(topic.ptr(), "topic")), std::move(fields));
  BulkOptions options = options_of(timeout, max_errors);
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
