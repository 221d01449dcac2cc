#include "workload.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "record_format.hpp"

namespace sluice::verify {

namespace {

using Clock = std::chrono::steady_clock;

struct Progress {
  std::uint64_t reported = 0, acked = 0, failed = 0, unknown = 0;  // records, by their first report
};

// Every report of every record, by slot (thread t's records occupy a
// contiguous range). Callbacks run on the producer's I/O thread: they only
// append under the mutex and wake the waiting main thread.
//
// Memory: each record's first report lives in a slot allocated up front, so
// the book does not grow while the run goes on (the soak measures the
// process's RSS for the producer's sake); only error texts and the rare
// second reports (a multi_report violation) allocate later.
class ReportBook {
 public:
  explicit ReportBook(std::size_t n) : first_(n), count_(n, 0) {}

  // `sent_at`: when send() was called (the report's latency is measured from it).
  DeliveryCallback callback(std::size_t slot, Clock::time_point sent_at) {
    return [this, slot, sent_at](const DeliveryReport& r) {
      const double latency = std::chrono::duration<double>(Clock::now() - sent_at).count();
      Report rep;
      rep.partition = r.partition;
      std::string reason;
      if (!r.error) {
        rep.kind = ReportKind::acked;
        rep.offset = r.offset;
      } else {
        rep.kind = r.outcome_unknown ? ReportKind::unknown : ReportKind::failed;
        rep.error = r.error.message() + (r.error_message.empty() ? "" : ": " + r.error_message);
        reason = (r.outcome_unknown ? "unknown: " : "failed: ") + r.error.message();
      }
      {
        std::lock_guard lock(mu_);
        if (count_[slot] == 0) {
          ++progress_.reported;
          slowest_ = std::max(slowest_, latency);
          switch (rep.kind) {
            case ReportKind::acked: ++progress_.acked; break;
            case ReportKind::failed: ++progress_.failed; break;
            case ReportKind::unknown: ++progress_.unknown; break;
          }
        } else if (rep.kind == ReportKind::acked) {
          ++progress_.acked;  // a later acknowledgement: counts for the hook as before
        }
        if (!reason.empty() && reasons_[reason]++ == 0) examples_[reason] = rep.error;
        if (count_[slot] == 0) {
          first_[slot] = std::move(rep);
        } else {
          extra_[slot].push_back(std::move(rep));
        }
        if (count_[slot] < 255) ++count_[slot];
      }
      cv_.notify_all();
    };
  }

  // Waits until `acked` acknowledgements or a report for every record, or
  // `deadline`; returns the acknowledgements so far.
  std::uint64_t wait_for(std::uint64_t acked, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return progress_.acked >= acked || progress_.reported == first_.size(); });
    return progress_.acked;
  }

  Progress progress() {
    std::lock_guard lock(mu_);
    return progress_;
  }

  double slowest() {
    std::lock_guard lock(mu_);
    return slowest_;
  }

  std::map<std::string, std::int64_t> reasons() {
    std::lock_guard lock(mu_);
    return reasons_;
  }

  std::map<std::string, std::string> reason_examples() {
    std::lock_guard lock(mu_);
    return examples_;
  }

  // Every report of `slot`, in arrival order (call once the producer is closed).
  std::vector<Report> take(std::size_t slot) {
    std::lock_guard lock(mu_);
    std::vector<Report> out;
    if (count_[slot] == 0) return out;
    out.push_back(std::move(first_[slot]));
    if (auto it = extra_.find(slot); it != extra_.end()) {
      for (auto& r : it->second) out.push_back(std::move(r));
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Report> first_;       // each record's first report
  std::vector<std::uint8_t> count_;  // reports per record (saturating; only 0 / 1 / more matters)
  std::unordered_map<std::size_t, std::vector<Report>> extra_;  // second and later reports
  std::map<std::string, std::int64_t> reasons_;
  std::map<std::string, std::string> examples_;  // reason -> its first report's full error text
  Progress progress_;
  double slowest_ = 0;  // seconds, send() -> first report
};

std::uint64_t records_of(const WorkloadSpec& spec, std::uint32_t thread) {
  return spec.num_records / spec.producers + (thread < spec.num_records % spec.producers ? 1 : 0);
}

// Writes the progress line to `path` (through path.tmp and a rename, so a
// reader never sees half a line). Best effort: a failed write is retried at
// the next tick.
void write_progress(const std::string& path, std::uint64_t sent, const Progress& p, bool closed) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return;
  std::fprintf(f, "sent=%llu reported=%llu acked=%llu failed=%llu unknown=%llu closed=%d\n",
               static_cast<unsigned long long>(sent), static_cast<unsigned long long>(p.reported),
               static_cast<unsigned long long>(p.acked), static_cast<unsigned long long>(p.failed),
               static_cast<unsigned long long>(p.unknown), closed ? 1 : 0);
  const bool ok = std::fclose(f) == 0;
  if (ok) std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

WorkloadOutcome run_workload(Producer& producer, const WorkloadSpec& spec, const std::function<void()>& mid_run) {
  WorkloadOutcome out;
  std::vector<std::size_t> first_slot(spec.producers + 1, 0);
  for (std::uint32_t t = 0; t < spec.producers; ++t) first_slot[t + 1] = first_slot[t] + records_of(spec, t);
  ReportBook book(first_slot.back());
  std::atomic<std::uint64_t> sent{0};
  std::vector<double> slowest_send(spec.producers, 0.0);

  // The progress file, from before the first send until close() returned.
  std::mutex progress_mu;
  std::condition_variable progress_cv;
  bool progress_done = false;
  std::jthread progress_writer;
  if (!spec.progress_file.empty()) {
    write_progress(spec.progress_file, 0, Progress{}, false);
    // (The stop token ends it too should this function unwind early.)
    progress_writer = std::jthread([&](std::stop_token stop) {
      std::unique_lock lock(progress_mu);
      while (!progress_cv.wait_for(lock, std::chrono::milliseconds(100),
                                   [&] { return progress_done || stop.stop_requested(); })) {
        lock.unlock();
        write_progress(spec.progress_file, sent.load(), book.progress(), false);
        lock.lock();
      }
    });
  }

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
          const auto before = Clock::now();
          producer.send(std::move(r), book.callback(first_slot[t] + seq, before));
          slowest_send[t] = std::max(slowest_send[t], std::chrono::duration<double>(Clock::now() - before).count());
          sent.fetch_add(1, std::memory_order_relaxed);
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
  if (progress_writer.joinable()) {
    {
      std::lock_guard lock(progress_mu);
      progress_done = true;
    }
    progress_cv.notify_all();
    progress_writer.join();
    write_progress(spec.progress_file, sent.load(), book.progress(), true);
  }

  out.slowest_report = book.slowest();
  out.slowest_send = *std::max_element(slowest_send.begin(), slowest_send.end());
  out.failure_reasons = book.reasons();
  out.failure_examples = book.reason_examples();
  out.sent.reserve(first_slot.back());
  for (std::uint32_t t = 0; t < spec.producers; ++t) {
    for (std::uint64_t seq = 0; seq < records_of(spec, t); ++seq) {
      SentRecord s;
      s.id = RecordId{t, seq};
      s.key = make_key(s.id, spec.producers, spec.keys);
      s.reports = book.take(first_slot[t] + seq);
      out.sent.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace sluice::verify
