#include "produce_options.hpp"

#include <charconv>
#include <string_view>

namespace sluice::produce {
namespace {

std::int32_t to_partition(std::string_view v) {
  std::int32_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || out < -1) {
    throw UsageError("-p: expected a partition number (0 or more, -1 for the partitioner), got '" + std::string(v) +
                     "'");
  }
  return out;
}

const cli::Grammar& produce_grammar() {
  static const cli::Grammar grammar{
      .flags = {{'h', "help", false}, {'V', "version", false}, {'b', "", true},  {'t', "", true},
                {'p', "", true},      {'K', "", true},         {'D', "", true},  {'H', "", true},
                {'X', "", true},      {'F', "", true},         {'d', "", true},  {'q', "", false},
                {'v', "", false},     {'P', "", false}},
      .operands = true,
      .help_flag = "-h",
  };
  return grammar;
}

}  // namespace

ProduceOptions parse_produce_options(int argc, const char* const* argv) {
  ProduceOptions o;
  const cli::CommandLine command_line = cli::parse_command_line(argc, argv, produce_grammar());
  for (const cli::ParsedFlag& flag : command_line.flags) {
    const std::string& name = flag.name;
    const std::string_view value = flag.value ? std::string_view(*flag.value) : std::string_view();
    if (name == "help") {
      o.help = true;
    } else if (name == "version") {
      o.version = true;
    } else if (name == "b") {
      o.bootstrap = value;
    } else if (name == "t") {
      o.topic = value;
    } else if (name == "p") {
      const std::int32_t p = to_partition(value);
      if (p >= 0) o.partition = p; else o.partition.reset();
    } else if (name == "K") {
      o.key_delimiter = unescape_delimiter("-K", value);
    } else if (name == "D") {
      o.delimiter = unescape_delimiter("-D", value);
    } else if (name == "H") {
      o.headers.push_back(parse_header(value));
    } else if (name == "X") {
      const auto eq = value.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw UsageError("-X: expected property=value (e.g. -X linger.ms=10), got '" + std::string(value) + "'");
      }
      o.properties.emplace_back(std::string(value.substr(0, eq)), std::string(value.substr(eq + 1)));
    } else if (name == "F") {
      o.properties_file = std::string(value);
    } else if (name == "d") {
      o.properties.emplace_back("debug", std::string(value));
    } else if (name == "q") {
      o.quiet = true;
      o.properties.emplace_back("log_level", "3");
    } else if (name == "v") {
      o.verbose = true;
    }
    // -P: kcat's producer mode, the only mode here.
  }
  o.files = command_line.operands;
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
