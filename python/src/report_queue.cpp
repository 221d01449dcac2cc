#include "report_queue.hpp"

#include <utility>

namespace sluice::python {

PyReport PyReport::of(const DeliveryReport& r) {
  PyReport p;
  p.topic = r.topic;
  p.partition = r.partition;
  p.offset = r.offset;
  p.timestamp_ms = r.timestamp_ms;
  if (r.error) {
    p.error = r.error_message.empty() ? r.error.message() : r.error_message;
    p.error_code = r.error.value();
    p.error_category = r.error.category().name();
    p.outcome_unknown = r.outcome_unknown;
  }
  return p;
}

void ReportQueue::push(std::uint64_t id, const DeliveryReport& r, bool call) {
  Entry e{id, call ? PyReport::of(r) : PyReport{}, call};
  {
    std::lock_guard lock(mu_);
    entries_.push_back(std::move(e));
  }
  ready_.notify_all();
}

void ReportQueue::settle_uncalled(const DeliveryReport& r) noexcept {
  if (r.error) uncalled_failed_.fetch_add(1, std::memory_order_relaxed);
  uncalled_in_flight_.fetch_sub(1, std::memory_order_release);
}

std::optional<ReportQueue::Entry> ReportQueue::pop() {
  std::lock_guard lock(mu_);
  if (entries_.empty()) return std::nullopt;
  Entry e = std::move(entries_.front());
  entries_.pop_front();
  return e;
}

bool ReportQueue::wait_until(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mu_);
  return ready_.wait_until(lock, until, [this] { return !entries_.empty(); });
}

}  // namespace sluice::python
