#include "verify_options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "command_line.hpp"
#include "record_format.hpp"

namespace sluice::verify {

const char* verify_usage() {
  return "usage: sluice-verify -b BROKERS -t TOPIC [--num-records N] [--producers K] [--keys N] [--rate R]\n"
         "                     [--record-size BYTES] [-X prop=value]... [--run-id ID] [--timeout-ms MS]\n"
         "                     [--read-timeout-ms MS] [--allow-duplicates] [--allow-reordering] [--examples N]\n"
         "                     [--fault-cmd CMD [--fault-after-acks N] [--fault-timeout-ms MS]] [--json]\n"
         "                     [--json-file PATH] [--progress-file PATH] [-d CONTEXTS] [-q]\n"
         "Produces N uniquely numbered records with K threads sharing one producer, records every delivery\n"
         "report, then reads the topic back with kcat and checks that nothing acknowledged was lost,\n"
         "duplicated, reordered or misplaced (docs/RELIABILITY.md defines each counter).\n"
         "\n"
         "  -b, --bootstrap BROKERS  bootstrap.servers\n"
         "  -t, --topic TOPIC        the topic (best a fresh one; other writers' records are counted as foreign)\n"
         "  --num-records N          records in all (default 10000)\n"
         "  --producers K            sending threads sharing the producer (default 1)\n"
         "  --keys N                 records cycle through N keys (default 0: null keys)\n"
         "  --rate R                 at most R records/s in all (default: no cap)\n"
         "  --record-size BYTES      value size (default 100; at least the ~50-byte header)\n"
         "  -X prop=value            any producer property (acks, linger.ms, request.timeout.ms, ...)\n"
         "  --run-id ID              tags every record ([A-Za-z0-9_.-], default random)\n"
         "  --timeout-ms MS          final flush deadline (default 180000)\n"
         "  --read-timeout-ms MS     deadline for reading back a complete log (default 60000)\n"
         "  --allow-duplicates       dup>0 is not a violation (runs without idempotence)\n"
         "  --allow-reordering       reordered>0 is not a violation\n"
         "  --examples N             examples per counter on stderr (default 5)\n"
         "  --fault-cmd CMD          run `sh -c CMD` mid-run (after --fault-after-acks acknowledgements,\n"
         "                           default N/4) and wait for it before reading the log\n"
         "  --fault-timeout-ms MS    kill CMD after MS (default 300000)\n"
         "                           (CMD gets SLUICE_VERIFY_PID, this process's id, in its environment)\n"
         "  --json                   print a JSON object instead of the summary line (also when the\n"
         "                           run fails: then {\"ok\":false,\"error\":...,\"exit_code\":N})\n"
         "  --json-file PATH         also write the JSON object to PATH (stdout keeps the summary line)\n"
         "  -d CONTEXTS              producer debug output on stderr (property debug, librdkafka's\n"
         "                           context names, e.g. broker,topic,msg or all)\n"
         "  -q                       quiet: the producer logs errors only (property log_level=3)\n"
         "  --version                print the version and exit\n"
         "  --progress-file PATH     keep 'sent=S reported=R acked=A failed=F unknown=U closed=0|1' in PATH\n"
         "                           while producing (rewritten every ~100 ms; closed=1 after close())\n"
         "Exit: 0 no violation, 1 violations, 2 bad arguments, 3 the run or the read-back failed.\n";
}

namespace {

std::uint64_t to_uint(std::string_view flag, std::string_view v, std::uint64_t min, std::uint64_t max) {
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size() || out < min || out > max) {
    throw std::invalid_argument(std::string(flag) + ": expected a whole number in " + std::to_string(min) + ".." +
                                std::to_string(max) + ", got '" + std::string(v) + "'");
  }
  return out;
}

double to_rate(std::string_view flag, std::string_view v) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size() || !(out > 0) || out > 1e9) {
    throw std::invalid_argument(std::string(flag) + ": expected records per second > 0, got '" + std::string(v) +
                                "'");
  }
  return out;
}

std::chrono::milliseconds to_ms(std::string_view flag, std::string_view v) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(to_uint(flag, v, 1, 86400000)));
}

}  // namespace

VerifyOptions parse_verify_options(int argc, const char* const* argv, bool& help) {
  static const cli::Grammar grammar{
      .flags = {{'h', "help", false},        {0, "version", false},         {'b', "bootstrap", true},
                {'t', "topic", true},        {0, "num-records", true},      {0, "producers", true},
                {0, "keys", true},           {0, "rate", true},             {0, "record-size", true},
                {'X', "", true},             {'d', "", true},               {'q', "", false},
                {0, "run-id", true},         {0, "timeout-ms", true},       {0, "read-timeout-ms", true},
                {0, "json", false},          {0, "allow-duplicates", false}, {0, "allow-reordering", false},
                {0, "examples", true},       {0, "fault-cmd", true},        {0, "fault-after-acks", true},
                {0, "fault-timeout-ms", true}, {0, "json-file", true},      {0, "progress-file", true}},
      .unknown_flag = "unknown argument",
      .bad_operand = "unknown argument",
  };
  VerifyOptions o;
  help = false;
  for (const cli::ParsedFlag& f : cli::parse_command_line(argc, argv, grammar).flags) {
    const std::string_view a = f.spelling;
    const std::string_view name = f.name;
    const std::string_view v = f.value ? std::string_view(*f.value) : std::string_view();
    if (name == "help") {
      help = true;
    } else if (name == "version") {
      o.version = true;
    } else if (name == "bootstrap") {
      o.bootstrap = v;
    } else if (name == "topic") {
      o.topic = v;
    } else if (name == "num-records") {
      o.num_records = to_uint(a, v, 1, 100000000);
    } else if (name == "producers") {
      o.producers = static_cast<std::uint32_t>(to_uint(a, v, 1, 256));
    } else if (name == "keys") {
      o.keys = to_uint(a, v, 0, 100000000);
    } else if (name == "rate") {
      o.rate = to_rate(a, v);
    } else if (name == "record-size") {
      o.record_size = static_cast<std::size_t>(to_uint(a, v, 0, 64 * 1024 * 1024));
    } else if (name == "X") {
      auto eq = v.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw cli::UsageError("-X: expected prop=value, got '" + std::string(v) + "'");
      }
      o.properties[std::string(v.substr(0, eq))] = std::string(v.substr(eq + 1));
    } else if (name == "d") {
      o.properties["debug"] = std::string(v);
    } else if (name == "q") {
      o.properties["log_level"] = "3";
    } else if (name == "run-id") {
      o.run_id = v;
      if (!valid_run_id(o.run_id)) {
        throw cli::UsageError("--run-id: expected 1..64 characters of [A-Za-z0-9_.-], got '" + o.run_id + "'");
      }
    } else if (name == "timeout-ms") {
      o.flush_timeout = to_ms(a, v);
    } else if (name == "read-timeout-ms") {
      o.read_timeout = to_ms(a, v);
    } else if (name == "json") {
      o.json = true;
    } else if (name == "allow-duplicates") {
      o.allow_duplicates = true;
    } else if (name == "allow-reordering") {
      o.allow_reordering = true;
    } else if (name == "examples") {
      o.examples = static_cast<std::size_t>(to_uint(a, v, 0, 1000));
    } else if (name == "fault-cmd") {
      o.fault_cmd = v;
      if (o.fault_cmd.empty()) throw cli::UsageError("--fault-cmd: the command is empty");
    } else if (name == "fault-after-acks") {
      o.fault_after_acks = to_uint(a, v, 0, 100000000);
    } else if (name == "fault-timeout-ms") {
      o.fault_timeout = to_ms(a, v);
    } else if (name == "json-file") {
      o.json_file = v;
      if (o.json_file.empty()) throw cli::UsageError("--json-file: the path is empty");
    } else if (name == "progress-file") {
      o.progress_file = v;
      if (o.progress_file.empty()) throw cli::UsageError("--progress-file: the path is empty");
    }
  }
  if (help || o.version) return o;
  if (o.bootstrap.empty()) throw std::invalid_argument("missing -b BROKERS (e.g. -b 127.0.0.1:9092)");
  if (o.topic.empty()) throw std::invalid_argument("missing -t TOPIC");
  if (o.properties.count("bootstrap.servers") != 0) {
    throw std::invalid_argument("-X bootstrap.servers: give the brokers with -b instead");
  }
  if (o.fault_after_acks && o.fault_cmd.empty()) {
    throw std::invalid_argument("--fault-after-acks needs --fault-cmd");
  }
  if (o.fault_after_acks && *o.fault_after_acks > o.num_records) {
    throw std::invalid_argument("--fault-after-acks " + std::to_string(*o.fault_after_acks) +
                                " is more than --num-records " + std::to_string(o.num_records));
  }
  if (!o.fault_cmd.empty() && !o.fault_after_acks) o.fault_after_acks = o.num_records / 4;
  return o;
}

}  // namespace sluice::verify
