#pragma once
// Command line of sluice-bench.
#include <cstdint>
#include <map>
#include <string>

namespace sluice::bench {

struct BenchOptions {
  std::string bootstrap;
  std::string topic;
  std::int64_t num_records = 100000;
  std::size_t record_size = 100;
  std::map<std::string, std::string> properties;  // -X and the shorthand flags
  bool json = false;
};

// Parses argv; on a bad or missing argument throws std::invalid_argument
// with a one-line message. `--help` sets help.
BenchOptions parse_bench_options(int argc, char** argv, bool& help);
const char* bench_usage();

}  // namespace sluice::bench
