#pragma once
// sluice.Producer: one sluice::Producer with confluent-kafka-python's
// interface (produce, poll, flush, len) and Sluice's own (send_sync, bulk).
//
// Threads and the GIL: Python code runs only on Python threads. Sluice's
// DeliveryCallbacks (its I/O thread, no GIL) only queue the report
// (ReportQueue); poll() and flush() call the Python callbacks on the
// thread that calls them. Every call that may block (produce() on a full
// buffer, send_sync, flush, close, bulk) releases the GIL while it waits;
// poll() and flush() wait in slices and check for signals between them,
// so Ctrl-C interrupts them with KeyboardInterrupt.
#include <nanobind/nanobind.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "report_queue.hpp"
#include "sluice/producer.hpp"

namespace sluice::python {

class PyProducer {
 public:
  PyProducer(nanobind::handle config, nanobind::object on_delivery);
  // Closes as sluice::Producer's destructor does (every record gets its
  // report first, within delivery.timeout.ms), without the GIL.
  ~PyProducer();
  PyProducer(const PyProducer&) = delete;
  PyProducer& operator=(const PyProducer&) = delete;

  void produce(nanobind::handle topic, nanobind::handle value, nanobind::handle key, std::int32_t partition,
               nanobind::handle on_delivery, std::int64_t timestamp, nanobind::handle headers,
               nanobind::handle callback);
  std::size_t poll(std::optional<double> timeout);
  std::size_t flush(std::optional<double> timeout);
  std::size_t outstanding() const;  // len(producer)
  PyReport send_sync(nanobind::handle topic, nanobind::handle value, nanobind::handle key, std::int32_t partition,
                     std::int64_t timestamp, nanobind::handle headers);
  void close(std::optional<double> timeout);
  std::size_t purge();
  std::string statistics_json() const;
  bool create_topic(const std::string& name, std::int32_t num_partitions, std::int16_t replication_factor,
                    nanobind::handle config, double timeout);
  std::size_t failed_without_callback() const noexcept { return queue_.uncalled_failed(); }

  sluice::Producer& cpp() { return *producer_; }

 private:
  // Calls the callbacks of the reports queued now, on this thread (GIL
  // held). An exception from a callback propagates; the reports after it
  // stay queued for the next poll()/flush().
  std::size_t serve_ready();

  ReportQueue queue_;  // before producer_: Sluice's callbacks use it until producer_ is gone
  std::unique_ptr<sluice::Producer> producer_;
  std::unordered_map<std::uint64_t, nanobind::object> callbacks_;  // touched with the GIL only
  std::uint64_t next_callback_id_ = 1;
  bool report_only_errors_ = false;  // delivery.report.only.error: on_delivery for failures only
  nanobind::object default_callback_;
};

}  // namespace sluice::python
