#include "produce_options.hpp"

#include <charconv>
#include <string_view>

namespace sluice::produce {
namespace {

// Flags that take a value.
bool takes_value(char f) {
  return f == 'b' || f == 't' || f == 'p' || f == 'K' || f == 'D' || f == 'H' || f == 'X' || f == 'F' || f == 'd';
}

std::int32_t to_partition(std::string_view v) {
  std::int32_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || out < -1) {
    throw UsageError("-p: expected a partition number (0 or more, -1 for the partitioner), got '" + std::string(v) +
                     "'");
  }
  return out;
}

}  // namespace

ProduceOptions parse_produce_options(int argc, const char* const* argv) {
  ProduceOptions o;
  bool flags_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (flags_done || arg == "-" || !arg.starts_with("-")) {
      o.files.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      continue;
    }
    if (arg == "-V" || arg == "--version") {
      o.version = true;
      continue;
    }
    if (arg.size() < 2 || arg.starts_with("--") || (arg.size() > 2 && !takes_value(arg[1]))) {
      throw UsageError("unknown option '" + std::string(arg) + "' (see -h)");
    }
    const char f = arg[1];
    const std::string flag{'-', f};  // not "-" + std::string: g++ 12 -O3 warns (-Wrestrict, a false positive)
    auto value = [&]() -> std::string_view {
      if (arg.size() > 2) return arg.substr(2);
      if (i + 1 >= argc) throw UsageError(flag + ": missing value");
      return argv[++i];
    };
    switch (f) {
      case 'b': o.bootstrap = value(); break;
      case 't': o.topic = value(); break;
      case 'p': {
        const std::int32_t p = to_partition(value());
        if (p >= 0) o.partition = p; else o.partition.reset();
        break;
      }
      case 'K': o.key_delimiter = unescape_delimiter("-K", value()); break;
      case 'D': o.delimiter = unescape_delimiter("-D", value()); break;
      case 'H': o.headers.push_back(parse_header(value())); break;
      case 'X': {
        const std::string_view kv = value();
        const auto eq = kv.find('=');
        if (eq == std::string_view::npos || eq == 0) {
          throw UsageError("-X: expected property=value (e.g. -X linger.ms=10), got '" + std::string(kv) + "'");
        }
        o.properties.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
        break;
      }
      case 'F': o.properties_file = std::string(value()); break;
      case 'd': o.properties.emplace_back("debug", std::string(value())); break;
      case 'q':
        o.quiet = true;
        o.properties.emplace_back("log_level", "3");
        break;
      case 'v': o.verbose = true; break;
      case 'P': break;  // kcat's producer mode: the only mode here
      default: throw UsageError("unknown option '" + std::string(arg) + "' (see -h)");
    }
  }
  if (!o.help && !o.version) {
    if (o.bootstrap.empty() && !o.properties_file) {
      throw UsageError("missing -b BROKERS (e.g. -b 127.0.0.1:9092), or -F with bootstrap.servers");
    }
    if (o.topic.empty()) throw UsageError("missing -t TOPIC");
  }
  return o;
}

std::string produce_usage() {
  return "usage: sluice-produce -b BROKERS -t TOPIC [-p PARTITION] [-K DELIM] [-D DELIM]\n"
         "                      [-H name=value]... [-X property=value]... [-F FILE] [-d CONTEXTS]\n"
         "                      [-q] [-v] [FILE...]\n"
         "\n"
         "Sends one record per line of each FILE (stdin when none, or for '-'), in order.\n"
         "\n"
         "  -b BROKERS        host:port[,host:port...] (bootstrap.servers)\n"
         "  -t TOPIC          topic to produce to\n"
         "  -p PARTITION      send every record to this partition (-1: the partitioner)\n"
         "  -K DELIM          split a key off each record at the first DELIM (no DELIM in\n"
         "                    the record: null key)\n"
         "  -D DELIM          record delimiter instead of newline\n"
         "  -H name=value     add this header to every record (repeatable; 'name' alone: null value)\n"
         "  -X property=value any producer property (repeatable)\n"
         "  -F FILE           read producer properties from a Java .properties file; -X, -d\n"
         "                    and -q override what it sets, under any name\n"
         "  -d CONTEXTS       debug output on stderr (property debug: librdkafka's context\n"
         "                    names, e.g. broker,topic,msg or all)\n"
         "  -q                quiet: only errors on stderr (property log_level=3)\n"
         "  -V, --version     print the version and exit\n"
         "  -v                print each delivery report (file:line: partition, offset) on stdout\n"
         "  -P                accepted for kcat compatibility (producing is the only mode)\n"
         "\n"
         "Delimiters take escapes: \\n \\r \\t \\0 \\\\ \\xNN. Records are sent byte for byte: a\n"
         "\\r before the newline stays in the value.\n"
         "\n"
         "A failed record is reported on stderr as FILE:LINE: error. Exit status: 0 every\n"
         "record acknowledged, 1 some record failed, 2 bad command line, configuration or\n"
         "input file, 130 interrupted. docs/TOOLS.md has the details.\n";
}

}  // namespace sluice::produce
