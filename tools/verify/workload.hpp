#pragma once
// The producing half of sluice-verify: K threads share one sluice::Producer
// and send uniquely numbered records (record_format.hpp), every delivery
// report is kept, and a hook runs once when the run is "mid-way" (enough
// acknowledgements) so that a fault can be injected while records flow.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "history_checker.hpp"
#include "sluice/sluice.hpp"

namespace sluice::verify {

struct WorkloadSpec {
  std::string topic;
  std::string run_id;
  std::uint64_t num_records = 0;
  std::uint32_t producers = 1;
  std::uint64_t keys = 0;
  double rate = 0;  // records/s over all threads, 0 = no cap
  std::size_t record_size = 100;
  std::chrono::milliseconds flush_timeout{180000};
  // Run `mid_run` once this many records are acknowledged (or once every
  // record has a report, whichever comes first); nullopt: no hook.
  std::optional<std::uint64_t> hook_after_acks;
  // When set, "sent=S reported=R acked=A failed=F unknown=U closed=0|1" is
  // kept in this file (written to PATH.tmp, then renamed) about every 100 ms
  // from the first send until close() has returned (the last write says closed=1).
  std::string progress_file;
};

struct WorkloadOutcome {
  std::vector<SentRecord> sent;  // every record, with every report it got
  std::size_t unreported_after_flush = 0;  // what flush() left; close() then failed them
  double seconds = 0;                      // first send to producer closed
  double slowest_report = 0;               // longest send() -> first report, seconds
  bool hook_ran = false;
  std::uint64_t acked_at_hook = 0;  // acknowledgements when the hook ran
  double slowest_send = 0;          // longest send() call, seconds (blocked on a full buffer)
  // Every failure report by "failed: <error>" / "unknown: <error>" (the
  // error code's message, without the per-record details).
  std::map<std::string, std::int64_t> failure_reasons;
  std::map<std::string, std::string> failure_examples;  // reason -> the first such report's full error text
};

// Sends spec.num_records records through `producer`, then flushes and closes
// it (every record has had its chance to be reported when this returns).
WorkloadOutcome run_workload(Producer& producer, const WorkloadSpec& spec, const std::function<void()>& mid_run);

}  // namespace sluice::verify
