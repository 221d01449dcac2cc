#pragma once
// Bulk sends: a whole slice of a dataset through one shared Producer.
//
// The pipeline pattern (Spark's foreachPartition / writeToKafka, a batch
// job's output stage): each worker turns the elements of its slice into
// records, sends them all through the process's one Producer, and wants
// one answer at the end: how many made it, which did not and why.
//
//   sluice::BulkSummary s = sluice::bulk_send(producer, rows, [&](const Row& row) {
//     return sluice::TypedRecord<std::int64_t, std::string>{.topic = "events", .key = row.id, .value = row.json};
//   });
//   if (!s.all_acknowledged()) { ... s.errors[0].index, s.errors[0].message ... }
//
// bulk_send() reads the range once, front to back (any input range works,
// single-pass ones too, and nothing of it is copied: each element becomes
// one Record, moved into Producer::send()), then, by default, waits until
// every one of its records has its delivery report. It waits for its own
// records only: unlike Producer::flush() it does not wait for what other
// threads send through the same producer, and it does not force their
// batches out (its own last batch may wait linger.ms).
//
// Threads and blocking:
// - The function making records and the serializers run on the calling
//   thread. Reports arrive on the producer's I/O thread (or on the calling
//   thread, inside send(), for records refused at once); the counts are
//   kept under a mutex, so several bulk_send() calls may share a producer.
// - Sending blocks like Producer::send(): while the producer's buffer is
//   full, up to max.block.ms per record (backpressure), then that record
//   fails with errc::queue_full. BulkOptions::timeout bounds only the wait
//   for reports after the last record was handed over.
// - Called from a delivery callback (or any handler on the producer's
//   io_context), waiting would deadlock: the reports would have to come
//   from the very thread that waits. bulk_send() then sends everything
//   (send() never blocks there: a full buffer fails records at once with
//   errc::queue_full), does not wait, and returns with wait_refused set
//   and the records still in flight counted as pending. BulkOptions::on_done
//   tells the final counts later.
//
// Failures, each counted once, by element index (0 = the range's first):
// a record refused at once by send() (closed producer, too large, buffer
// full), one failing later (the report's error), and an element whose
// record could not be made (the function or a serializer threw:
// serialization_error_code(), nothing sent). An exception from the range
// itself (its iterator) ends the send and propagates; the records already
// handed over still get their reports (on_done still fires).
#include "sluice/export.hpp"
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "sluice/producer.hpp"
#include "sluice/record.hpp"
#include "sluice/serializer.hpp"

namespace sluice {

// One failed record.
struct BulkError {
  std::size_t index = 0;         // the element's position in the range, from 0
  std::error_code error;         // the report's error (or serialization_error_code())
  std::string message;           // the report's message: names the topic and what to do
  bool outcome_unknown = false;  // the record may nevertheless be in the log
};

// The outcome of one bulk_send(). Every element read from the range is in
// exactly one of acknowledged, failed, outcome_unknown or pending:
//   records == acknowledged + failed + outcome_unknown + pending.
struct BulkSummary {
  std::size_t records = 0;          // elements read from the range
  std::size_t sent = 0;             // records handed to Producer::send() (records minus those not made)
  std::size_t acknowledged = 0;     // written: the broker acknowledged them
  std::size_t failed = 0;           // definitely not written (refused at once, failed later, or not made)
  std::size_t outcome_unknown = 0;  // failed, but may be in the log (timeout or disconnect after the write)
  std::size_t pending = 0;          // no report yet when bulk_send() returned (not waiting, timed out, refused)
  bool timed_out = false;           // BulkOptions::timeout passed with reports still missing
  bool wait_refused = false;        // called on the producer's I/O thread: it did not wait
  // The failures with the lowest indices (at most BulkOptions::max_errors),
  // in index order; failed + outcome_unknown counts them all.
  std::vector<BulkError> errors;
  std::chrono::milliseconds elapsed{0};  // from the call until this summary was taken

  // True when every record read was acknowledged.
  bool all_acknowledged() const noexcept { return acknowledged == records; }
};

struct BulkOptions {
  // Wait for every record's report before returning. false: return as soon
  // as the range is sent; the summary then counts the records still in
  // flight as pending (use on_done for the final counts).
  bool wait = true;
  // The longest wait for reports after the last record was handed over;
  // nullopt: until every record has its report, which the producer
  // bounds by delivery.timeout.ms (or max.block.ms while it has no
  // metadata). Ignored when wait is false.
  std::optional<std::chrono::milliseconds> timeout;
  // How many failures to keep in BulkSummary::errors (the lowest indices).
  std::size_t max_errors = 10;
  // Called once when every record has its report, with the final summary
  // (pending == 0), whether or not bulk_send() waited. It runs on the
  // thread delivering the last report: the producer's I/O thread, or the
  // caller of bulk_send() when the last one was already in when the range
  // ended. Keep it short; an exception from it is dropped.
  std::function<void(const BulkSummary&)> on_done;
};

namespace detail {

// The counts of one bulk_send(), shared with its records' callbacks (which
// may outlive the call: they hold it by shared_ptr). bulk.cpp.
class SLUICE_API BulkTracker {
 public:
  BulkTracker(std::size_t max_errors, std::function<void(const BulkSummary&)> on_done,
              std::chrono::steady_clock::time_point started);

  // Calling thread, before the record goes to send(): its report may come
  // back inside send().
  void sending();
  // Calling thread: sends element `index`'s record with report(index, ...)
  // as its callback, for every record: delivery.report.only.error filters
  // what the application hears, never what bulk_send() counts.
  void send(Producer& producer, Record record, std::size_t index, const std::shared_ptr<BulkTracker>& self);
  // Calling thread: element `index` gave no record; nothing was sent.
  void not_made(std::size_t index, std::error_code error, std::string message);
  // The thread delivering the report (I/O thread, or the caller inside send()).
  void report(std::size_t index, const DeliveryReport& report);
  // Calling thread: no more records (the range ended or threw).
  void finish();
  // Calling thread: waits as `options` say and returns the summary.
  BulkSummary conclude(Producer& producer, const BulkOptions& options);

 private:
  bool complete() const noexcept;  // with mu_ held
  BulkSummary summary() const;     // with mu_ held
  void count_failure(std::size_t index, std::error_code error, std::string message, bool outcome_unknown);
  void fire_if_done(std::unique_lock<std::mutex>& lock);

  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  std::size_t records_ = 0;
  std::size_t sent_ = 0;
  std::size_t acknowledged_ = 0;
  std::size_t failed_ = 0;
  std::size_t outcome_unknown_ = 0;
  bool finished_ = false;
  bool fired_ = false;
  std::vector<BulkError> errors_;  // sorted by index, at most max_errors_
  const std::size_t max_errors_;
  std::function<void(const BulkSummary&)> on_done_;
  const std::chrono::steady_clock::time_point started_;
};

// True on the producer's I/O thread (in a delivery callback), where
// waiting for reports would deadlock. bulk.cpp.
SLUICE_API bool on_producer_io_thread(Producer& producer);

template <class T>
inline constexpr bool is_typed_record = false;
template <class K, class V>
inline constexpr bool is_typed_record<TypedRecord<K, V>> = true;

// What the user's function returned, as the bytes Record to send.
template <class Out>
Record as_record(Out&& out) {
  using T = std::remove_cvref_t<Out>;
  static_assert(std::is_same_v<T, Record> || is_typed_record<T>,
                "bulk_send: the function must return a sluice::Record or a sluice::TypedRecord<K, V> (to use "
                "serializers other than sluice::Serializer<K>/<V>, return sluice::to_record(typed, ks, vs))");
  if constexpr (std::is_same_v<T, Record>) {
    return std::forward<Out>(out);
  } else {
    return to_record(std::forward<Out>(out));
  }
}

}  // namespace detail

// Sends one record per element of `range`, made by `make_record(element)`
// (a sluice::Record, or a sluice::TypedRecord<K, V> serialized with
// sluice::Serializer<K> and <V>), through `producer`, and summarizes what
// became of them. See the top of this file for threads and blocking.
template <std::ranges::input_range R, class F>
BulkSummary bulk_send(Producer& producer, R&& range, F&& make_record, BulkOptions options = {}) {
  auto tracker = std::make_shared<detail::BulkTracker>(options.max_errors, std::move(options.on_done),
                                                       std::chrono::steady_clock::now());
  std::size_t index = 0;
  try {
    for (auto&& element : range) {
      const std::size_t i = index++;
      std::optional<Record> record;
      try {
        record.emplace(detail::as_record(std::invoke(make_record, std::forward<decltype(element)>(element))));
      } catch (const SerializationError& e) {
        tracker->not_made(i, serialization_error_code(), std::string(e.what()) + ": the record was not sent");
        continue;
      } catch (const std::exception& e) {
        tracker->not_made(i, serialization_error_code(),
                          "making the record of element " + std::to_string(i) + " threw: " + e.what() +
                              ": the record was not sent");
        continue;
      } catch (...) {
        tracker->not_made(i, serialization_error_code(),
                          "making the record of element " + std::to_string(i) +
                              " threw something that is not a std::exception: the record was not sent");
        continue;
      }
      tracker->sending();
      try {
        tracker->send(producer, std::move(*record), i, tracker);
      } catch (...) {
        // send() itself throws only when it cannot allocate, before the
        // record is queued: count it, then give up on the rest.
        DeliveryReport r;
        r.error = std::make_error_code(std::errc::not_enough_memory);
        r.error_message = "Producer::send() threw for element " + std::to_string(i);
        tracker->report(i, r);
        throw;
      }
    }
  } catch (...) {
    tracker->finish();
    throw;
  }
  tracker->finish();
  return tracker->conclude(producer, options);
}

}  // namespace sluice
