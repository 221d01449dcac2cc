#pragma once
// The command line shared by sluice-bench and rdkafka-bench: the same flags
// mean the same workload whichever client runs it, so their reports compare.
// Client-independent: no Sluice or librdkafka type appears here.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command_line.hpp"  // cli::UsageError

namespace sluice::bench {

enum class KeyMode { none, random, seq };

struct BenchOptions {
  std::string bootstrap;
  std::string topic;
  std::int64_t num_records = 100000;
  std::size_t record_size = 100;
  std::int64_t throughput = -1;  // records/s cap; -1 = unthrottled
  KeyMode key_mode = KeyMode::none;
  // --create-partitions N: create the topic with N partitions (replication
  // factor: the broker's default) before sending, if it does not exist.
  // 0: do not create.
  std::int32_t create_partitions = 0;
  // Client properties in command-line order: --acks, --compression,
  // --linger-ms and --batch-size become their property, -d CONTEXTS is
  // debug=CONTEXTS, -q is log_level=3, -X adds any other.
  // Both clients know these names; the client checks the rest.
  std::vector<std::pair<std::string, std::string>> properties;
  bool json = false;
  bool print_metrics = false;  // --print-metrics: the producer's metrics at the end (producer_metrics.hpp)
  bool quiet = false;  // -q: no progress line or notes on stderr, the client logs errors only
  bool help = false;
  bool version = false;  // --version: print the version
};

// A bad command line: the message is one line naming the flag and what is
// accepted (the caller prefixes the program name).
using UsageError = cli::UsageError;

// Parses argv[1..argc) with the tools' grammar (tools/cli/command_line.hpp):
// long flags take "--flag value" or "--flag=value"; -b, -t, -d and -X also
// take their value attached ("-Xacks=1"). Throws UsageError. With --help,
// required flags may be missing.
BenchOptions parse_bench_options(int argc, const char* const* argv);

// Splits "name=value" (-X); throws UsageError naming `flag` when there is
// no '=' or the name is empty. The value may be empty.
std::pair<std::string, std::string> split_property(std::string_view flag, std::string_view text);

std::string_view key_mode_name(KeyMode mode) noexcept;

// --help text; `program` is sluice-bench or rdkafka-bench.
std::string bench_usage(std::string_view program);

}  // namespace sluice::bench
