// bulk_send()'s bookkeeping: counts, the first errors, the wait.
//
// Threads: sending(), not_made(), finish() and conclude() run on the
// thread calling bulk_send(); report() on whichever thread delivers a
// report (the producer's I/O thread, or that caller inside send() for a
// record refused at once). Everything is guarded by mu_; on_done runs
// with mu_ released, so it may call anything, bulk_send() included.
#include "sluice/bulk.hpp"

#include <algorithm>

#include "deadline.hpp"
#include "producer_driver.hpp"

namespace sluice::detail {

BulkTracker::BulkTracker(std::size_t max_errors, std::function<void(const BulkSummary&)> on_done,
                         std::chrono::steady_clock::time_point started)
    : max_errors_(max_errors), on_done_(std::move(on_done)), started_(started) {}

void BulkTracker::sending() {
  std::lock_guard lock(mu_);
  ++records_;
  ++sent_;
}

void BulkTracker::not_made(std::size_t index, std::error_code error, std::string message) {
  std::lock_guard lock(mu_);
  ++records_;
  count_failure(index, error, std::move(message), false);
}

void BulkTracker::report(std::size_t index, const DeliveryReport& report) {
  std::unique_lock lock(mu_);
  if (!report.error) {
    ++acknowledged_;
  } else {
    count_failure(index, report.error, report.error_message, report.outcome_unknown);
  }
  fire_if_done(lock);
}

void BulkTracker::finish() {
  std::unique_lock lock(mu_);
  finished_ = true;
  fire_if_done(lock);
}

// Keeps the max_errors_ failures with the lowest indices, in index order:
// reports arrive out of order (partitions complete independently), and
// the lowest indices are what a rerun of the slice would look at first.
void BulkTracker::count_failure(std::size_t index, std::error_code error, std::string message,
                                bool outcome_unknown) {
  ++(outcome_unknown ? outcome_unknown_ : failed_);
  if (max_errors_ == 0) return;
  if (errors_.size() == max_errors_ && errors_.back().index < index) return;
  auto at = std::upper_bound(errors_.begin(), errors_.end(), index,
                             [](std::size_t i, const BulkError& e) { return i < e.index; });
  errors_.insert(at, BulkError{index, error, std::move(message), outcome_unknown});
  if (errors_.size() > max_errors_) errors_.pop_back();
}

bool BulkTracker::complete() const noexcept {
  return finished_ && acknowledged_ + failed_ + outcome_unknown_ == records_;
}

BulkSummary BulkTracker::summary() const {
  BulkSummary s;
  s.records = records_;
  s.sent = sent_;
  s.acknowledged = acknowledged_;
  s.failed = failed_;
  s.outcome_unknown = outcome_unknown_;
  s.pending = records_ - acknowledged_ - failed_ - outcome_unknown_;
  s.errors = errors_;
  s.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  return s;
}

// Wakes a waiting conclude() and runs on_done once, with mu_ released.
void BulkTracker::fire_if_done(std::unique_lock<std::mutex>& lock) {
  if (!complete() || fired_) return;
  fired_ = true;
  done_cv_.notify_all();
  if (!on_done_) return;
  const BulkSummary s = summary();
  auto on_done = std::move(on_done_);
  lock.unlock();
  try {
    on_done(s);
  } catch (...) {
    // Documented: dropped. It may run on the I/O thread, which must go on.
  }
}

BulkSummary BulkTracker::conclude(Producer& producer, const BulkOptions& options) {
  std::unique_lock lock(mu_);
  bool timed_out = false;
  bool refused = false;
  if (options.wait && !complete()) {
    lock.unlock();
    const bool io_thread = on_producer_io_thread(producer);
    lock.lock();
    if (io_thread) {
      refused = true;
    } else if (options.timeout) {
      timed_out = !done_cv_.wait_until(lock, deadline_after(std::chrono::steady_clock::now(), *options.timeout),
                                       [this] { return complete(); });
    } else {
      done_cv_.wait(lock, [this] { return complete(); });
    }
  }
  BulkSummary s = summary();
  s.timed_out = timed_out;
  s.wait_refused = refused;
  return s;
}

// Straight to the engine, past Producer::send()'s delivery.report.only.error
// filter: every record's report is counted here.
void BulkTracker::send(Producer& producer, Record record, std::size_t index, const std::shared_ptr<BulkTracker>& self) {
  producer.engine_->send(std::move(record), [self, index](const DeliveryReport& r) { self->report(index, r); });
}

// Whether a wait here would wait for the very thread that must deliver.
bool on_producer_io_thread(Producer& producer) {
  return producer.on_io_thread();
}

}  // namespace sluice::detail
