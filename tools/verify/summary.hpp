#pragma once
// How sluice-verify reports a checked run: one summary line (what the fault
// scenarios parse), a JSON object (--json), and examples for stderr. Pure.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "history_checker.hpp"

namespace sluice::verify {

struct RunFacts {
  std::string run_id;
  std::string topic;
  double produce_seconds = 0;  // first send to producer closed
  double read_seconds = 0;     // reading the log back
  double slowest_report = 0;   // longest send() -> first report
  std::size_t records_read = 0;
  int read_attempts = 0;           // kcat runs until the log was complete
  std::vector<std::string> notes;  // things the reader wants known (incomplete read, fault command...)
  double slowest_send = 0;         // longest send() call, seconds (it blocks while the buffer is full)
  // Failure reports by "failed: <error>" / "unknown: <error>", the error
  // without its details (every failure report counts, also a record's second).
  std::map<std::string, std::int64_t> failure_reasons;
  std::map<std::string, std::string> failure_examples;  // reason -> the first such report's full error text
  std::map<std::int32_t, std::int64_t> acked_per_partition;  // records acknowledged in each partition
};

// "sent=… acked=… failed=… unknown=… unknown_landed=… lost=… dup=… …"
// (every counter of counter_list, in its order, space separated).
std::string summary_line(const Counts& counts);

// One JSON object on one line (Boost.JSON, summary_json.cpp): run, counts
// (with the auxiliary ones), violations, examples, notes; seconds rounded to
// milliseconds.
std::string summary_json(const CheckResult& result, const std::vector<std::string>& violations, const RunFacts& facts);

// One JSON object on one line for a run that could not be carried out or
// checked (--json prints it then, so a script always gets an object):
// run, topic, "ok":false, the error, the exit code, and the notes so far.
std::string failure_json(const RunFacts& facts, const std::string& error, int exit_code);

// For stderr: one line on how the run went (timings, what was read).
std::string run_line(const RunFacts& facts);

// For stderr: "failure reports: N x failed: <error>; ..." (empty when there
// were none), then one line per reason with its first report's full text.
std::string failures_line(const RunFacts& facts);

// For stderr: per counter with examples, "NAME=N (violation|allowed|info)"
// and the examples, violations first. Empty when there is nothing to show.
std::string examples_text(const CheckResult& result, const std::vector<std::string>& violations);

// `bytes` as text a JSON string can hold whatever the bytes are (record keys
// in examples may be anything): each byte 0x80 and above becomes the code
// point U+0080..U+00FF in UTF-8, so a reader gets the byte's value back as
// the code point, as the \u00XX escapes of earlier versions gave it.
std::string json_text(const std::string& bytes);

}  // namespace sluice::verify
