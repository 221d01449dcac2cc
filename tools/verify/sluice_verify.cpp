// sluice-verify: produce uniquely numbered records, keep every delivery
// report, read the topic back with kcat and check that nothing acknowledged
// was lost, duplicated, reordered or misplaced (docs/RELIABILITY.md).
//
// Exit status: 0 no violation, 1 violations, 2 bad arguments or
// configuration, 3 the run could not be carried out or checked.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <unistd.h>

#include "every_report.hpp"
#include "history_checker.hpp"
#include "log_reader.hpp"
#include "record_format.hpp"
#include "sluice/sluice.hpp"
#include "subprocess.hpp"
#include "summary.hpp"
#include "verify_options.hpp"
#include "workload.hpp"

namespace {

using namespace sluice::verify;
using Clock = std::chrono::steady_clock;

constexpr int kViolations = 1, kUsage = 2, kRunFailed = 3;

int fail(int code, const std::string& message) {
  std::cerr << "sluice-verify: " << message << "\n";
  return code;
}

std::string random_run_id() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string id = "r";
  for (int i = 0; i < 12; ++i) id += hex[rd() % 16];
  return id;
}

// Partition -> highest acknowledged offset + 1: how far the read must reach.
std::map<std::int32_t, std::int64_t> needed_ends(const std::vector<SentRecord>& sent) {
  std::map<std::int32_t, std::int64_t> need;
  for (const auto& s : sent) {
    for (const auto& r : s.reports) {
      if (r.kind != ReportKind::acked || r.offset < 0) continue;
      auto& n = need[r.partition];
      n = std::max(n, r.offset + 1);
    }
  }
  return need;
}

std::vector<LogRecord> to_log(const std::vector<KcatRecord>& records, const std::string& run_id) {
  std::vector<LogRecord> log;
  log.reserve(records.size());
  for (const auto& k : records) {
    LogRecord l;
    l.partition = k.partition;
    l.offset = k.offset;
    l.key = k.key;
    if (k.value) {
      if (auto parsed = parse_value(*k.value); parsed && parsed->run_id == run_id) {
        l.id = parsed->id;
        l.value_intact = parsed->intact;
      }
    }
    log.push_back(std::move(l));
  }
  return log;
}

// A run that could not be carried out or checked: the stderr line, and with
// --json (or --json-file) a JSON object saying so, so a script reading
// stdout always gets one.
int fail_run(const VerifyOptions& opt, const RunFacts& facts, int code, const std::string& message) {
  if (opt.json) std::cout << failure_json(facts, message, code) << std::endl;
  if (!opt.json_file.empty()) std::ofstream(opt.json_file, std::ios::trunc) << failure_json(facts, message, code) << "\n";
  return fail(code, message);
}

int run(const VerifyOptions& opt) {
  RunFacts facts;
  facts.run_id = opt.run_id;
  facts.topic = opt.topic;
  std::map<std::string, std::string> properties = opt.properties;
  properties["bootstrap.servers"] = opt.bootstrap;
  sluice::Config config;
  try {
    config = sluice::Config::from_map(properties);
    const bool only_errors = config.resolve().delivery_report_only_error;
    if (auto refused = sluice::cli::refuse_report_filter(only_errors, "sluice-verify")) {
      return fail_run(opt, facts, kUsage, "bad producer configuration: " + *refused);
    }
  } catch (const sluice::ConfigError& e) {
    return fail_run(opt, facts, kUsage, std::string("bad producer configuration: ") + e.what());
  }

  // Before producing anything: the read-back needs kcat and the brokers.
  if (auto problem = check_brokers_reachable(opt.bootstrap, opt.topic); !problem.empty()) {
    return fail_run(opt, facts, kRunFailed, problem);
  }

  WorkloadSpec spec;
  spec.topic = opt.topic;
  spec.run_id = opt.run_id;
  spec.num_records = opt.num_records;
  spec.producers = opt.producers;
  spec.keys = opt.keys;
  spec.rate = opt.rate;
  spec.record_size = opt.record_size;
  spec.flush_timeout = opt.flush_timeout;
  if (!opt.fault_cmd.empty()) spec.hook_after_acks = opt.fault_after_acks;
  spec.progress_file = opt.progress_file;
  // The fault command may watch this process (its CPU time during an
  // outage, its memory); set before the producer's threads start.
  ::setenv("SLUICE_VERIFY_PID", std::to_string(::getpid()).c_str(), 1);

  bool run_failed = false;

  std::optional<BackgroundCommand> fault;
  WorkloadOutcome outcome;
  {
    sluice::Producer producer(config);
    outcome = run_workload(producer, spec, [&] {
      std::cerr << "sluice-verify: starting the fault command: " << opt.fault_cmd << "\n";
      fault.emplace(opt.fault_cmd);
    });
  }
  facts.produce_seconds = outcome.seconds;
  facts.slowest_report = outcome.slowest_report;
  facts.slowest_send = outcome.slowest_send;
  facts.failure_reasons = outcome.failure_reasons;
  facts.failure_examples = outcome.failure_examples;
  for (const auto& s : outcome.sent) {
    for (const auto& r : s.reports) {
      if (r.kind == ReportKind::acked) {
        ++facts.acked_per_partition[r.partition];
        break;
      }
    }
  }
  if (outcome.hook_ran) {
    facts.notes.push_back("fault command started after " + std::to_string(outcome.acked_at_hook) +
                          " acknowledgement(s)");
  }
  if (outcome.unreported_after_flush > 0) {
    facts.notes.push_back(std::to_string(outcome.unreported_after_flush) + " record(s) had no report when the " +
                          std::to_string(opt.flush_timeout.count()) + " ms flush deadline passed; close() failed them");
  }
  // The fault command must have healed the cluster before the read: a record
  // whose outcome is unknown may still land while a broker is stopped.
  if (fault) {
    auto fr = fault->wait(opt.fault_timeout);
    if (!fr.ok()) {
      run_failed = true;
      facts.notes.push_back("the fault command did not succeed (" + fr.status() + "): its faults may not be what was "
                            "asked, and the cluster may not be healed");
    }
  }

  const auto read_start = Clock::now();
  LogRead read = read_log(opt.bootstrap, opt.topic, needed_ends(outcome.sent), opt.read_timeout);
  facts.read_seconds = std::chrono::duration<double>(Clock::now() - read_start).count();
  if (!read.error.empty()) {
    for (const auto& n : facts.notes) std::cerr << "sluice-verify: " << n << "\n";
    return fail_run(opt, facts, kRunFailed, "cannot read topic " + opt.topic + " back: " + read.error);
  }
  facts.records_read = read.records.size();
  facts.read_attempts = read.attempts;
  if (!read.note.empty()) facts.notes.push_back(read.note);
  if (!read.uncovered.empty()) {
    std::string list;
    for (const auto& u : read.uncovered) list += (list.empty() ? "" : "; ") + u;
    facts.notes.push_back("the log did not reach every acknowledged offset within " +
                          std::to_string(opt.read_timeout.count()) + " ms (" + list +
                          "): the records above are counted as lost");
  }

  CheckOptions check_options;
  check_options.max_examples = opt.examples;
  const CheckResult result = check_history(outcome.sent, to_log(read.records, opt.run_id), check_options);
  const auto bad = violations(result.counts, Tolerance{opt.allow_duplicates, opt.allow_reordering});

  const std::string json = summary_json(result, bad, facts);
  if (opt.json) {
    std::cout << json << std::endl;
  } else {
    std::cout << summary_line(result.counts) << std::endl;
  }
  if (!opt.json_file.empty()) {
    std::ofstream f(opt.json_file, std::ios::trunc);
    f << json << "\n";
    if (!f.flush()) {
      run_failed = true;
      facts.notes.push_back("could not write --json-file " + opt.json_file);
    }
  }
  std::cerr << "sluice-verify: " << run_line(facts) << "\n";
  if (auto line = failures_line(facts); !line.empty()) std::cerr << "sluice-verify: " << line << "\n";
  std::cerr << examples_text(result, bad);
  for (const auto& n : facts.notes) std::cerr << "sluice-verify: " << n << "\n";
  if (!bad.empty()) {
    std::string list;
    for (const auto& b : bad) list += (list.empty() ? "" : ", ") + b;
    std::cerr << "sluice-verify: FAILED: " << list << " (run " << opt.run_id << ", topic " << opt.topic << ")\n";
    return kViolations;
  }
  return run_failed ? kRunFailed : 0;
}

}  // namespace

int main(int argc, char** argv) {
  VerifyOptions opt;
  try {
    bool help = false;
    opt = parse_verify_options(argc, argv, help);
    if (help) {
      std::cout << verify_usage();
      return 0;
    }
    if (opt.version) {
      std::cout << "sluice-verify " << sluice::version() << "\n";
      return 0;
    }
  } catch (const std::exception& e) {
    return fail(kUsage, e.what());
  }
  if (opt.run_id.empty()) opt.run_id = random_run_id();
  try {
    return run(opt);
  } catch (const std::exception& e) {
    RunFacts facts;
    facts.run_id = opt.run_id;
    facts.topic = opt.topic;
    return fail_run(opt, facts, kRunFailed, e.what());
  }
}
