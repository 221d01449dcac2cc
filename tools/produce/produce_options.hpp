#pragma once
// The command line of sluice-produce, kcat's producer conventions:
//   sluice-produce -b BROKERS -t TOPIC [-p PARTITION] [-K DELIM] [-D DELIM]
//                  [-H name=value]... [-X prop=value]... [-F FILE] [-d CONTEXTS] [-q] [-v] [FILE...]
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "line_split.hpp"  // UsageError

namespace sluice::produce {

struct ProduceOptions {
  std::string bootstrap;                    // -b; may come from -F instead
  std::string topic;                        // -t
  std::optional<std::int32_t> partition;    // -p; unset (or -1): the partitioner chooses
  std::string key_delimiter;                // -K, unescaped; empty: no keys
  std::string delimiter = "\n";             // -D, unescaped
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;  // -H, on every record
  // -X, -d (debug=CONTEXTS) and -q (log_level=3), in command-line order;
  // they override -F's properties, whatever name either uses.
  std::vector<std::pair<std::string, std::string>> properties;
  std::optional<std::string> properties_file;                               // -F
  std::vector<std::string> files;           // "-" or none: stdin
  bool verbose = false;                     // -v: print each delivery report
  bool quiet = false;                       // -q: errors only on stderr
  bool help = false;
  bool version = false;                     // -V, --version: print the version
};

// Parses argv[1..argc) with the tools' grammar (tools/cli/command_line.hpp):
// flags take their value as the next argument or attached ("-K:"); "--"
// ends the flags. Throws UsageError.
ProduceOptions parse_produce_options(int argc, const char* const* argv);

std::string produce_usage();

}  // namespace sluice::produce
