#include "bind_types.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "bulk_call.hpp"
#include "config_from_dict.hpp"
#include "exceptions.hpp"
#include "py_producer.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace sluice::python {

namespace {

constexpr const char* kNoPickle =
    "a sluice.Producer cannot be pickled: it holds this process's connections and threads. Do not capture one in a "
    "function that Spark ships to executors; create it on the executor instead: sluice.spark.write_dataframe() and "
    "sluice.spark.batch_writer() do so, and sluice.spark.producer(config) gives the one producer of the executor "
    "process";

std::string report_repr(const PyReport& r) {
  std::string s = "DeliveryReport(topic='" + r.topic + "', partition=" + std::to_string(r.partition) +
                   ", offset=" + std::to_string(r.offset);
  if (r.error) s += ", error='" + *r.error + "', outcome_unknown=" + (r.outcome_unknown ? "True" : "False");
  return s + ")";
}

std::string summary_repr(const PySummary& s) {
  return "Summary(records=" + std::to_string(s.records) + ", acknowledged=" + std::to_string(s.acknowledged) +
         ", failed=" + std::to_string(s.failed) + ", outcome_unknown=" + std::to_string(s.outcome_unknown) +
         ", pending=" + std::to_string(s.pending) + ")";
}

void bind_reports(nb::module_& m) {
  nb::class_<PyReport>(m, "DeliveryReport",
                       "What became of one record. error is None when the broker acknowledged it; otherwise a "
                       "message naming the topic, partition or broker, and outcome_unknown tells whether the "
                       "record may nevertheless be in the log.")
      .def_ro("topic", &PyReport::topic)
      .def_ro("partition", &PyReport::partition, "The partition written to (-1 when none was chosen).")
      .def_ro("offset", &PyReport::offset, "The record's offset (-1 on error, and with acks=0).")
      .def_ro("timestamp", &PyReport::timestamp_ms, "The record's timestamp in ms (-1 when unknown).")
      .def_ro("error", &PyReport::error, "None: acknowledged. Else what happened.")
      .def_ro("error_code", &PyReport::error_code, "The error's code in error_category (0 when none).")
      .def_ro("error_category", &PyReport::error_category,
              "'sluice.producer' (Sluice's own), 'kafka' (the broker's error code), 'sluice.net', 'sluice.sasl', 'sluice.codec'; '' when none.")
      .def_ro("outcome_unknown", &PyReport::outcome_unknown,
              "With an error: True if the record may be in the log anyway (a timeout or disconnect after the "
              "request went out); False if it certainly is not.")
      .def_prop_ro("ok", [](const PyReport& r) { return !r.error; }, "True when acknowledged.")
      .def("__repr__", &report_repr);

  nb::class_<PyBulkError>(m, "BulkError", "One failed row of Producer.bulk().")
      .def_ro("index", &PyBulkError::index, "The row's position in the iterable, from 0.")
      .def_ro("error", &PyBulkError::error, "What happened, naming the topic.")
      .def_ro("error_code", &PyBulkError::error_code)
      .def_ro("error_category", &PyBulkError::error_category)
      .def_ro("outcome_unknown", &PyBulkError::outcome_unknown)
      .def("__repr__",
           [](const PyBulkError& e) { return "BulkError(index=" + std::to_string(e.index) + ", error='" + e.error + "')"; });

  nb::class_<PySummary>(m, "Summary",
                        "The outcome of Producer.bulk(): records == acknowledged + failed + outcome_unknown + "
                        "pending.")
      .def_ro("records", &PySummary::records, "Rows read from the iterable.")
      .def_ro("sent", &PySummary::sent, "Records handed to the producer (rows minus those that gave no record).")
      .def_ro("acknowledged", &PySummary::acknowledged, "Written: the broker acknowledged them.")
      .def_ro("failed", &PySummary::failed, "Certainly not written.")
      .def_ro("outcome_unknown", &PySummary::outcome_unknown, "Failed, but may be in the log.")
      .def_ro("pending", &PySummary::pending, "Without a report when bulk() returned (after timeout).")
      .def_ro("timed_out", &PySummary::timed_out, "The timeout passed with reports still missing.")
      .def_ro("errors", &PySummary::errors, "The failures with the lowest row indices (at most max_errors).")
      .def_ro("elapsed", &PySummary::elapsed, "Seconds from the call until the summary was taken.")
      .def_prop_ro("all_acknowledged", &PySummary::all_acknowledged, "True when every row was acknowledged.")
      .def("__repr__", &summary_repr);
}

void bind_producer(nb::module_& m) {
  nb::class_<PyProducer>(m, "Producer",
                         "A Kafka producer. config: Kafka property names as in Sluice's C++ API (a bad or unknown "
                         "one raises sluice.ConfigError naming it). One producer is meant to be shared by a whole "
                         "process; delivery callbacks run on the thread that calls poll() or flush().")
      .def(nb::init<nb::handle, nb::object>(), "config"_a, nb::kw_only(), "on_delivery"_a = nb::none())
      .def("produce", &PyProducer::produce, "topic"_a, "value"_a = nb::none(), "key"_a = nb::none(),
           "partition"_a = -1, "on_delivery"_a = nb::none(), "timestamp"_a = 0, "headers"_a = nb::none(),
           nb::kw_only(), "callback"_a = nb::none(),
           "Queues one record; on_delivery(err, report) is called from a later poll() or flush(). Blocks "
           "(without the GIL) while the buffer is full, up to max.block.ms.")
      .def("poll", &PyProducer::poll, "timeout"_a = nb::none(),
           "Calls the delivery callbacks of the reports that are in, waiting up to timeout seconds (None or "
           "negative: without limit) for the first. Returns how many callbacks it served.")
      .def("flush", &PyProducer::flush, "timeout"_a = nb::none(),
           "Sends everything buffered and waits until every record has its report and its callback was called, "
           "or timeout seconds pass. Returns how many records are still outstanding (0: all done).")
      .def("__len__", &PyProducer::outstanding,
           "Records produced whose report has not been served yet (by a callback, or arrived for records "
           "without one).")
      .def("send_sync", &PyProducer::send_sync, "topic"_a, "value"_a = nb::none(), "key"_a = nb::none(),
           "partition"_a = -1, "timestamp"_a = 0, "headers"_a = nb::none(),
           "Sends one record without waiting out linger.ms and returns its DeliveryReport.")
      .def(
          "bulk",
          [](PyProducer& p, nb::handle rows, nb::handle topic, nb::handle key, nb::handle value, nb::handle partition,
             nb::handle headers, nb::handle timestamp, std::optional<double> timeout, std::size_t max_errors) {
            return bulk_call(p, rows, topic, key, value, partition, headers, timestamp, timeout, max_errors);
          },
          "rows"_a, "topic"_a, "key"_a = nb::none(), "value"_a = nb::none(), "partition"_a = nb::none(),
          "headers"_a = nb::none(), "timestamp"_a = nb::none(), "timeout"_a = nb::none(), "max_errors"_a = 10,
          "Sends one record per row of an iterable and waits for every report (its own only). Each field is "
          "None, a callable (field(row)), or an int/str (row[field]); value=None sends the row itself. A row "
          "that gives no record (a bad type, a missing field) fails alone and is counted.")
      .def(
          "bulk_arrow",
          [](PyProducer& p, nb::handle topic, nb::handle value, nb::handle key, std::optional<double> timeout,
             std::size_t max_errors) { return bulk_arrow_call(p, topic, value, key, timeout, max_errors); },
          "topic"_a, "value"_a, "key"_a = nb::none(), "timeout"_a = nb::none(), "max_errors"_a = 10,
          "bulk() over Arrow columns: one record per row of value (a pyarrow binary or string Array; nulls "
          "are tombstones) and key (the same, or None: null keys), sent from the Arrow buffers without the "
          "GIL and without a Python object per row. Waits for every report and returns a Summary.")
      .def("close", &PyProducer::close, "timeout"_a = nb::none(),
           "Flushes for up to timeout seconds (None: delivery.timeout.ms per record), fails what is left, stops "
           "the I/O thread and calls the callbacks still due.")
      .def("purge", &PyProducer::purge, "Drops records never sent; each gets a report saying so.")
      .def("statistics_json", &PyProducer::statistics_json, "Counters as one JSON object.")
      .def("create_topic", &PyProducer::create_topic, "name"_a, "num_partitions"_a = -1,
           "replication_factor"_a = -1, "config"_a = nb::none(), "timeout"_a = 30.0,
           "Creates a topic; True if created, False if it existed. sluice.KafkaException otherwise.")
      .def_prop_ro("failed_without_callback", &PyProducer::failed_without_callback,
                   "Records produced without a callback whose delivery failed.")
      .def("__enter__", [](nb::handle self) { return self; })
      .def("__exit__", [](PyProducer& p, nb::args) { p.close(std::nullopt); })
      .def("__reduce__", [](nb::handle) -> nb::object { throw nb::type_error(kNoPickle); })
      .def("__reduce_ex__", [](nb::handle, nb::handle) -> nb::object { throw nb::type_error(kNoPickle); })
      .def("__getstate__", [](nb::handle) -> nb::object { throw nb::type_error(kNoPickle); });
}

}  // namespace

void bind_types(nb::module_& m) {
  bind_reports(m);
  bind_producer(m);
  m.def(
      "check_config",
      [](nb::handle config) {
        const sluice::Config c = config_from_dict(config);
        try {
          (void)c.resolve();
        } catch (const sluice::ConfigError& e) {
          set_config_error(e.property(), e.what());
          throw nb::python_error();
        }
      },
      "config"_a,
      "Checks producer properties as sluice.Producer(config) would (sluice.ConfigError naming a bad one), "
      "without starting a producer: sluice.spark checks on the driver before a job starts.");
}

}  // namespace sluice::python
