#pragma once
// Command line of sluice-verify. Pure: parsing only (the random run id is
// chosen by the caller when --run-id is absent).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sluice::verify {

struct VerifyOptions {
  std::string bootstrap;
  std::string topic;
  std::uint64_t num_records = 10000;
  std::uint32_t producers = 1;  // sending threads sharing one sluice::Producer
  std::uint64_t keys = 0;       // 0: null keys
  double rate = 0;              // records/s over all threads; 0: as fast as possible
  std::size_t record_size = 100;
  std::map<std::string, std::string> properties;  // -X prop=value
  std::string run_id;                             // empty: pick a random one
  std::chrono::milliseconds flush_timeout{180000};
  std::chrono::milliseconds read_timeout{60000};
  bool json = false;
  bool allow_duplicates = false;
  bool allow_reordering = false;
  std::size_t examples = 5;
  // Fault hook: a shell command started once `fault_after_acks` records are
  // acknowledged (or every record has its report), and waited for before
  // the log is read, so whatever it breaks it has healed by then.
  std::string fault_cmd;
  std::optional<std::uint64_t> fault_after_acks;  // default: num_records / 4
  std::chrono::milliseconds fault_timeout{300000};
  // Also write the JSON object (what --json prints) to this file; stdout
  // keeps the summary line. Empty: no file.
  std::string json_file;
  // Rewritten (atomically) about every 100 ms while producing, one line
  // "sent=S reported=R acked=A failed=F unknown=U closed=0|1", so that a
  // fault command can wait for the run's progress (closed=1 once close()
  // has returned and every record has its report). Empty: no file.
  std::string progress_file;
  bool version = false;  // --version: print the version
};

// Parses argv with the tools' grammar (tools/cli/command_line.hpp); on a
// bad or missing argument throws std::invalid_argument (cli::UsageError)
// with a one-line message. `--help` sets help (and nothing is required).
VerifyOptions parse_verify_options(int argc, const char* const* argv, bool& help);
const char* verify_usage();

}  // namespace sluice::verify
