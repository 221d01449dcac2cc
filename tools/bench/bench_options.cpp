#include "bench_options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace sluice::bench {

const char* bench_usage() {
  return "usage: sluice-bench -b BROKERS -t TOPIC [--num-records N] [--record-size BYTES]\n"
         "                    [--acks 0|1|all] [--linger-ms MS] [--batch-size BYTES] [-X prop=value]... [--json]\n"
         "Produces N records of BYTES bytes to TOPIC and reports throughput, latency and where records went.\n";
}

namespace {

std::int64_t to_int(std::string_view flag, std::string_view v, std::int64_t min) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size() || out < min) {
    throw std::invalid_argument(std::string(flag) + ": expected a whole number >= " + std::to_string(min) +
                                ", got '" + std::string(v) + "'");
  }
  return out;
}

}  // namespace

BenchOptions parse_bench_options(int argc, char** argv, bool& help) {
  BenchOptions o;
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + ": missing value");
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "-b" || a == "--bootstrap") {
      o.bootstrap = value();
    } else if (a == "-t" || a == "--topic") {
      o.topic = value();
    } else if (a == "--num-records") {
      o.num_records = to_int(a, value(), 1);
    } else if (a == "--record-size") {
      o.record_size = static_cast<std::size_t>(to_int(a, value(), 0));
    } else if (a == "--acks") {
      o.properties["acks"] = value();
    } else if (a == "--linger-ms") {
      o.properties["linger.ms"] = value();
    } else if (a == "--batch-size") {
      o.properties["batch.size"] = value();
    } else if (a == "-X") {
      std::string_view kv = value();
      auto eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw std::invalid_argument("-X: expected prop=value, got '" + std::string(kv) + "'");
      }
      o.properties[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    } else if (a == "--json") {
      o.json = true;
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(a) + "' (see --help)");
    }
  }
  if (!help) {
    if (o.bootstrap.empty()) throw std::invalid_argument("missing -b BROKERS (e.g. -b 127.0.0.1:9092)");
    if (o.topic.empty()) throw std::invalid_argument("missing -t TOPIC");
  }
  return o;
}

}  // namespace sluice::bench
