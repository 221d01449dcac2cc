#include "workload.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "record_format.hpp"

namespace sluice::verify {

namespace {

using Clock = std::chrono::steady_clock;

// Every report of every record, by slot (thread t's records occupy a
// contiguous range). Callbacks run on the producer's I/O thread: they only
// append under the mutex and wake the waiting main thread.
class ReportBook {
 public:
  explicit ReportBook(std::size_t n) : reports_(n) {}

  // `sent_at`: when send() was called (the report's latency is measured from it).
  DeliveryCallback callback(std::size_t slot, Clock::time_point sent_at) {
    return [this, slot, sent_at](const DeliveryReport& r) {
      const double latency = std::chrono::duration<double>(Clock::now() - sent_at).count();
      Report rep;
      rep.partition = r.partition;
      if (!r.error) {
        rep.kind = ReportKind::acked;
        rep.offset = r.offset;
      } else {
        rep.kind = r.outcome_unknown ? ReportKind::unknown : ReportKind::failed;
        rep.error = r.error.message() + (r.error_message.empty() ? "" : ": " + r.error_message);
      }
      {
        std::lock_guard lock(mu_);
        auto& list = reports_[slot];
        if (list.empty()) {
          ++reported_;
          slowest_ = std::max(slowest_, latency);
        }
        if (rep.kind == ReportKind::acked) ++acked_;
        list.push_back(std::move(rep));
      }
      cv_.notify_all();
    };
  }

  // Waits until `acked` acknowledgements or a report for every record, or
  // `deadline`; returns the acknowledgements so far.
  std::uint64_t wait_for(std::uint64_t acked, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return acked_ >= acked || reported_ == reports_.size(); });
    return acked_;
  }

  double slowest() {
    std::lock_guard lock(mu_);
    return slowest_;
  }

  std::vector<std::vector<Report>> take() {
    std::lock_guard lock(mu_);
    return std::move(reports_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<Report>> reports_;
  std::uint64_t acked_ = 0;
  std::size_t reported_ = 0;  // records with at least one report
  double slowest_ = 0;        // seconds, send() -> first report
};

std::uint64_t records_of(const WorkloadSpec& spec, std::uint32_t thread) {
  return spec.num_records / spec.producers + (thread < spec.num_records % spec.producers ? 1 : 0);
}

}  // namespace

WorkloadOutcome run_workload(Producer& producer, const WorkloadSpec& spec, const std::function<void()>& mid_run) {
  WorkloadOutcome out;
  std::vector<std::size_t> first_slot(spec.producers + 1, 0);
  for (std::uint32_t t = 0; t < spec.producers; ++t) first_slot[t + 1] = first_slot[t] + records_of(spec, t);
  ReportBook book(first_slot.back());

  const auto t0 = Clock::now();
  // Each thread paces itself at rate/K from the common start: record i
  // of a thread is sent no earlier than t0 + i / (rate/K).
  const double per_thread_rate = spec.rate > 0 ? spec.rate / spec.producers : 0;
  {
    std::vector<std::jthread> senders;
    for (std::uint32_t t = 0; t < spec.producers; ++t) {
      senders.emplace_back([&, t] {
        const std::uint64_t n = records_of(spec, t);
        for (std::uint64_t seq = 0; seq < n; ++seq) {
          if (per_thread_rate > 0) {
            std::this_thread::sleep_until(
                t0 + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(static_cast<double>(seq) / per_thread_rate)));
          }
          const RecordId id{t, seq};
          Record r;
          r.topic = spec.topic;
          r.key = make_key(id, spec.producers, spec.keys);
          r.value = make_value(spec.run_id, id, spec.record_size);
          producer.send(std::move(r), book.callback(first_slot[t] + seq, Clock::now()));
        }
      });
    }
    if (spec.hook_after_acks) {
      // Bounded, so a producer that never reports cannot hang the run: the
      // sending time plus the flush deadline.
      const double send_s = spec.rate > 0 ? static_cast<double>(spec.num_records) / spec.rate : 0;
      const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(send_s)) +
                            spec.flush_timeout;
      out.acked_at_hook = book.wait_for(*spec.hook_after_acks, deadline);
      mid_run();
      out.hook_ran = true;
    }
  }  // senders joined

  out.unreported_after_flush = producer.flush(spec.flush_timeout);
  // Fails (with errc::closed) whatever the flush left, so every record
  // still gets a report; stops the I/O thread: no callback after this.
  producer.close(std::chrono::milliseconds(0));
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  out.slowest_report = book.slowest();
  auto reports = book.take();
  out.sent.reserve(reports.size());
  for (std::uint32_t t = 0; t < spec.producers; ++t) {
    for (std::uint64_t seq = 0; seq < records_of(spec, t); ++seq) {
      SentRecord s;
      s.id = RecordId{t, seq};
      s.key = make_key(s.id, spec.producers, spec.keys);
      s.reports = std::move(reports[first_slot[t] + seq]);
      out.sent.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace sluice::verify
