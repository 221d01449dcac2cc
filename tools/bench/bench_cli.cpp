#include "bench_cli.hpp"

#include <charconv>

namespace sluice::bench {
namespace {

std::int64_t to_int(std::string_view flag, std::string_view v, std::int64_t min, std::int64_t max) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || out < min || out > max) {
    throw UsageError(std::string(flag) + ": expected a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + std::string(v) + "'");
  }
  return out;
}

std::string one_of(std::string_view flag, std::string_view v, std::initializer_list<std::string_view> accepted) {
  std::string list;
  for (auto a : accepted) {
    if (v == a) return std::string(v);
    list += list.empty() ? "" : "|";
    list += a;
  }
  throw UsageError(std::string(flag) + ": expected " + list + ", got '" + std::string(v) + "'");
}

KeyMode to_key_mode(std::string_view flag, std::string_view v) {
  const std::string m = one_of(flag, v, {"none", "random", "seq"});
  return m == "none" ? KeyMode::none : m == "random" ? KeyMode::random : KeyMode::seq;
}

}  // namespace

std::pair<std::string, std::string> split_property(std::string_view flag, std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(std::string(flag) + ": expected property=value (e.g. " + std::string(flag) +
                     " linger.ms=10), got '" + std::string(text) + "'");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::string_view key_mode_name(KeyMode mode) noexcept {
  switch (mode) {
    case KeyMode::none: return "none";
    case KeyMode::random: return "random";
    case KeyMode::seq: return "seq";
  }
  return "none";
}

BenchOptions parse_bench_options(int argc, const char* const* argv) {
  static const cli::Grammar grammar{
      .flags = {{'h', "help", false},          {0, "version", false},       {'b', "bootstrap", true},
                {'t', "topic", true},          {0, "num-records", true},    {0, "record-size", true},
                {0, "throughput", true},       {0, "acks", true},           {0, "compression", true},
                {0, "linger-ms", true},        {0, "batch-size", true},     {0, "key-mode", true},
                {'d', "", true},               {'q', "", false},            {'X', "", true},
                {0, "json", false},            {0, "create-partitions", true}, {0, "print-metrics", false}},
  };
  BenchOptions o;
  for (const cli::ParsedFlag& f : cli::parse_command_line(argc, argv, grammar).flags) {
    const std::string_view flag = f.spelling;
    const std::string_view name = f.name;
    const std::string_view value = f.value ? std::string_view(*f.value) : std::string_view();
    if (name == "help") {
      o.help = true;
    } else if (name == "version") {
      o.version = true;
    } else if (name == "bootstrap") {
      o.bootstrap = value;
    } else if (name == "topic") {
      o.topic = value;
    } else if (name == "num-records") {
      // The latency table holds 12 bytes per record: 10^9 records is 12 GB.
      o.num_records = to_int(flag, value, 1, 1'000'000'000);
    } else if (name == "record-size") {
      o.record_size = static_cast<std::size_t>(to_int(flag, value, 0, INT32_MAX));
    } else if (name == "throughput") {
      o.throughput = to_int(flag, value, -1, 1000000000);
      if (o.throughput == 0) {
        throw UsageError("--throughput: expected records per second (1 or more), or -1 for no limit, got '0'");
      }
    } else if (name == "acks") {
      o.properties.emplace_back("acks", one_of(flag, value, {"0", "1", "-1", "all"}));
    } else if (name == "compression") {
      o.properties.emplace_back("compression.type", one_of(flag, value, {"none", "gzip", "snappy", "lz4", "zstd"}));
    } else if (name == "linger-ms") {
      o.properties.emplace_back("linger.ms", std::to_string(to_int(flag, value, 0, 900000)));
    } else if (name == "batch-size") {
      o.properties.emplace_back("batch.size", std::to_string(to_int(flag, value, 1, INT32_MAX)));
    } else if (name == "key-mode") {
      o.key_mode = to_key_mode(flag, value);
    } else if (name == "d") {
      o.properties.emplace_back("debug", std::string(value));
    } else if (name == "q") {
      o.quiet = true;
      o.properties.emplace_back("log_level", "3");
    } else if (name == "X") {
      o.properties.push_back(split_property("-X", value));
    } else if (name == "json") {
      o.json = true;
    } else if (name == "print-metrics") {
      o.print_metrics = true;
    } else if (name == "create-partitions") {
      o.create_partitions = static_cast<std::int32_t>(to_int(flag, value, 1, INT32_MAX));
    }
  }
  if (!o.help && !o.version) {
    if (o.bootstrap.empty()) throw UsageError("missing -b BROKERS (e.g. -b 127.0.0.1:9092)");
    if (o.topic.empty()) throw UsageError("missing -t TOPIC");
  }
  return o;
}

std::string bench_usage(std::string_view program) {
  std::string p(program);
  std::string pad(p.size(), ' ');
  return "usage: " + p + " -b BROKERS -t TOPIC [--num-records N] [--record-size BYTES]\n" +  //
         "       " + pad + " [--throughput RECORDS_PER_S] [--acks 0|1|-1|all] [--compression CODEC]\n" +
         "       " + pad + " [--linger-ms MS] [--batch-size BYTES] [--key-mode none|random|seq]\n" +
         "       " + pad + " [--create-partitions N] [-X property=value]... [-d CONTEXTS] [-q] [--json]\n" +
         "       " + pad + " [--print-metrics]\n" +
         "\n"
         "Produces N records of BYTES random letters to TOPIC and reports records/s, MiB/s,\n"
         "send->ack latency percentiles, client CPU and peak RSS.\n"
         "\n"
         "  -b, --bootstrap BROKERS  host:port[,host:port...]\n"
         "  -t, --topic TOPIC        an existing topic, one the broker auto-creates, or one\n"
         "                           --create-partitions creates\n"
         "  --num-records N          records to send (default 100000, at most 10^9)\n"
         "  --record-size BYTES      value size (default 100)\n"
         "  --throughput R           cap at R records/s; latency then counts from each record's\n"
         "                           intended send time, so stalls show (default -1: no cap)\n"
         "  --acks 0|1|-1|all        property acks\n"
         "  --compression CODEC      none, gzip, snappy, lz4 or zstd (property compression.type)\n"
         "  --linger-ms MS           property linger.ms\n"
         "  --batch-size BYTES       property batch.size\n"
         "  --key-mode MODE          none (null keys, default), random (random 64-bit numbers),\n"
         "                           seq (the record's number), keys in decimal\n"
         "  --create-partitions N    create TOPIC with N partitions first if it does not exist\n"
         "                           (replication factor: the broker's default)\n"
         "  -X property=value        any client property (repeatable)\n"
         "  -d CONTEXTS              client debug output on stderr (property debug, librdkafka's\n"
         "                           context names, e.g. broker,topic,msg or all)\n"
         "  -q                       quiet: no progress line, only errors on stderr (log_level=3)\n"
         "  --version                print the version and exit\n"
         "  --json                   print the report as one JSON object\n"
         "  --print-metrics          print the producer's metrics at the end, named and laid out as\n"
         "                           kafka-producer-perf-test's (with --json: under \"metrics\")\n"
         "\n"
         "Exit status: 0 every record acknowledged, 1 some record failed or got no report,\n"
         "2 bad command line or configuration, 130 interrupted. docs/TOOLS.md has the details.\n";
}

}  // namespace sluice::bench
