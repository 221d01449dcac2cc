#pragma once
// Where delivery reports wait for the Python thread that calls poll() or
// flush(). Sluice calls its DeliveryCallbacks on its own I/O thread, which
// holds no GIL and must never run Python code: those callbacks only copy
// the report into this queue (or count it, for a record without a Python
// callback); poll()/flush() take the reports out and call the Python
// callbacks on their own thread, as confluent-kafka-python does.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "sluice/record.hpp"

namespace sluice::python {

// A DeliveryReport as Python sees it (sluice.DeliveryReport).
struct PyReport {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp_ms = -1;
  std::optional<std::string> error;  // nullopt: acknowledged; else the report's message
  int error_code = 0;                // the std::error_code's value (0: none)
  std::string error_category;        // its category's name ("" when none): producer, kafka, net, ...
  bool outcome_unknown = false;

  static PyReport of(const DeliveryReport& r);
};

class ReportQueue {
 public:
  struct Entry {
    std::uint64_t callback_id;
    PyReport report;
    // false: the callback is dropped without being called (an acknowledged
    // record under delivery.report.only.error=true).
    bool call = true;
  };

  // Any thread, before the record is handed to Sluice.
  void expect_uncalled() noexcept { uncalled_in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // Sluice's thread: the report of a record with Python callback `id`;
  // `call` false: served by dropping the callback, not calling it.
  void push(std::uint64_t id, const DeliveryReport& r, bool call = true);
  // Sluice's thread: the report of a record without a callback.
  void settle_uncalled(const DeliveryReport& r) noexcept;

  // Takes the oldest entry, if any (no waiting).
  std::optional<Entry> pop();
  // Waits, without the GIL, until an entry is there or `until` passes;
  // true when one is there.
  bool wait_until(std::chrono::steady_clock::time_point until);

  std::size_t uncalled_in_flight() const noexcept { return uncalled_in_flight_.load(std::memory_order_acquire); }
  // Records without a callback that failed (they have nobody to tell).
  std::size_t uncalled_failed() const noexcept { return uncalled_failed_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Entry> entries_;
  std::atomic<std::size_t> uncalled_in_flight_{0};
  std::atomic<std::size_t> uncalled_failed_{0};
};

}  // namespace sluice::python
