// interop_produce: the producing half of the broker interop suite
// (test/interop/broker_suite.py). Sends N records of a fixed pattern (keys,
// null keys and values, binary bytes, headers with repeated names, empty and
// null values, some explicit CreateTimes) through sluice::Producer and writes
// one JSON line per record with what was sent and what its delivery report
// said, for the readers Sluice did not write to check against. The producer's
// debug log (which names the API versions negotiated with each broker) goes
// to --log.
//
//   interop_produce --bootstrap B --topic T --records N --tag TAG --out FILE [--log FILE]
//                   [-X prop=value]... [--create PARTITIONS:RF[:name=value...]]
//                   [--rate R] [--fault-cmd CMD --fault-after ACKS]
//
// --records 0 with --create only creates the topic.
// Exit: 0 every record acknowledged, 1 some record failed (the JSON says
// which and why), 2 bad arguments, 3 --create or --fault-cmd failed.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sluice/sluice.hpp"

namespace {

struct Args {
  std::string bootstrap, topic, tag = "t", out, log;
  int records = 100;
  std::map<std::string, std::string> props;
  std::optional<sluice::NewTopic> create;
  double rate = 0;
  std::string fault_cmd;
  int fault_after = 0;
};

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "interop_produce: %s\n", what.c_str());
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(f + " needs a value");
      return argv[++i];
    };
    if (f == "--bootstrap") a.bootstrap = next();
    else if (f == "--topic") a.topic = next();
    else if (f == "--records") a.records = std::stoi(next());
    else if (f == "--tag") a.tag = next();
    else if (f == "--out") a.out = next();
    else if (f == "--log") a.log = next();
    else if (f == "--rate") a.rate = std::stod(next());
    else if (f == "--fault-cmd") a.fault_cmd = next();
    else if (f == "--fault-after") a.fault_after = std::stoi(next());
    else if (f == "-X") {
      const std::string kv = next();
      const auto eq = kv.find('=');
      if (eq == std::string::npos) usage_error("-X expects prop=value, got '" + kv + "'");
      a.props[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (f == "--create") {
      // PARTITIONS:RF[:name=value...]
      std::string spec = next();
      std::vector<std::string> parts;
      for (std::size_t p = 0;;) {
        const auto c = spec.find(':', p);
        parts.push_back(spec.substr(p, c - p));
        if (c == std::string::npos) break;
        p = c + 1;
      }
      if (parts.size() < 2) usage_error("--create expects PARTITIONS:RF[:name=value...], got '" + spec + "'");
      sluice::NewTopic t;
      t.num_partitions = std::stoi(parts[0]);
      t.replication_factor = static_cast<std::int16_t>(std::stoi(parts[1]));
      for (std::size_t k = 2; k < parts.size(); ++k) {
        const auto eq = parts[k].find('=');
        if (eq == std::string::npos) usage_error("--create: topic config '" + parts[k] + "' is not name=value");
        t.configs[parts[k].substr(0, eq)] = parts[k].substr(eq + 1);
      }
      a.create = t;
    } else {
      usage_error("unknown flag '" + f + "'");
    }
  }
  if (a.bootstrap.empty() || a.topic.empty() || a.out.empty() || a.records < 0)
    usage_error("needs --bootstrap, --topic, --out and --records >= 0 (0: only --create)");
  if (a.create) a.create->name = a.topic;
  return a;
}

std::string hex(const std::optional<std::string>& b) {
  if (!b) return "null";
  static const char* d = "0123456789abcdef";
  std::string s = "\"";
  for (unsigned char c : *b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s + "\"";
}

std::string json_string(const std::string& in) {
  std::string s = "\"";
  for (unsigned char c : in) {
    if (c == '"' || c == '\\') s += '\\', s += static_cast<char>(c);
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      s += buf;
    } else s += static_cast<char>(c);
  }
  return s + "\"";
}

// Record i of the pattern. Every seventh key null, every eleventh value null,
// values carry 0x00, 0xff and a newline; headers on every third record (a
// repeated name, an empty value, a null value on every sixth, binary bytes);
// every fifth record gets an explicit CreateTime an hour back.
sluice::Record make_record(const Args& a, int i, std::int64_t base_ts) {
  sluice::Record r;
  r.topic = a.topic;
  if (i % 7 != 3) r.key = a.tag + "-key-" + std::to_string(i);
  if (i % 11 != 5) r.value = a.tag + "-" + std::to_string(i) + std::string("\x00\xff\n", 3) +
                             std::string(static_cast<std::size_t>((i * 37) % 700), static_cast<char>('a' + i % 26));
  if (i % 3 == 0) {
    r.headers = {{"h", "v" + std::to_string(i)}, {"h", "again"}, {"empty", ""}, {"bin", std::string("\x01\xfe\x00", 3)}};
    if (i % 6 == 0) r.headers.push_back({"null", std::nullopt});
  }
  if (i % 5 == 0) r.timestamp_ms = base_ts + i;
  return r;
}

struct Outcome {
  bool done = false;
  sluice::DeliveryReport report;
};

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  std::ofstream log_file;
  if (!a.log.empty()) log_file.open(a.log);
  std::mutex log_mu;
  sluice::ProducerOptions options;
  options.log_level = sluice::LogLevel::debug;
  options.log_sink = [&](sluice::LogLevel level, std::string_view msg) {
    std::lock_guard lock(log_mu);
    const auto line = std::string(sluice::to_string(level)) + " " + std::string(msg) + "\n";
    if (log_file.is_open()) log_file << line << std::flush;
    if (level <= sluice::LogLevel::warning) std::cerr << "interop_produce: sluice " << line;
  };
  std::map<std::string, std::string> props = a.props;
  props["bootstrap.servers"] = a.bootstrap;
  std::optional<sluice::Producer> producer;
  try {
    producer.emplace(sluice::Config::from_map(props), options);
  } catch (const std::exception& e) {
    usage_error(std::string("bad configuration: ") + e.what());
  }

  if (a.create) {
    const auto results = producer->create_topics(std::span(&*a.create, 1), std::chrono::seconds(30));
    if (results.size() != 1 || (!results[0] && !results[0].already_exists())) {
      std::fprintf(stderr, "interop_produce: CreateTopics for '%s' failed: %s\n", a.topic.c_str(),
                   results.empty() ? "no result" : results[0].error_message.c_str());
      return 3;
    }
    std::fprintf(stderr, "interop_produce: CreateTopics '%s': %s, %d partitions, replication factor %d\n",
                 a.topic.c_str(), results[0] ? "created" : "exists already", results[0].num_partitions,
                 results[0].replication_factor);
  }

  const std::int64_t base_ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               3'600'000;
  std::vector<sluice::Record> sent;
  std::vector<Outcome> outcomes(static_cast<std::size_t>(a.records));
  std::mutex mu;
  std::atomic<int> acked{0};
  bool fault_failed = false;
  bool fault_run = a.fault_cmd.empty();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < a.records; ++i) {
    if (!fault_run && acked.load() >= a.fault_after) {
      std::fprintf(stderr, "interop_produce: %d acknowledged, running fault command: %s\n", acked.load(),
                   a.fault_cmd.c_str());
      fault_run = true;
      if (std::system(a.fault_cmd.c_str()) != 0) fault_failed = true;
    }
    if (a.rate > 0) std::this_thread::sleep_until(start + std::chrono::duration<double>(i / a.rate));
    sent.push_back(make_record(a, i, base_ts));
    producer->send(sluice::Record(sent.back()), [&, i](const sluice::DeliveryReport& r) {
      std::lock_guard lock(mu);
      outcomes[static_cast<std::size_t>(i)] = {true, r};
      if (r) acked.fetch_add(1);
    });
  }
  const auto left = producer->flush(std::chrono::seconds(120));
  producer.reset();  // close: every record has its report now
  if (!fault_run) {
    std::fprintf(stderr, "interop_produce: fault command never ran (only %d acknowledged, --fault-after %d)\n",
                 acked.load(), a.fault_after);
    fault_failed = true;
  }

  std::ofstream out(a.out);
  int failed = 0;
  for (int i = 0; i < a.records; ++i) {
    const auto& r = sent[static_cast<std::size_t>(i)];
    const auto& o = outcomes[static_cast<std::size_t>(i)];
    std::string h = "[";
    for (const auto& x : r.headers) {
      if (h.size() > 1) h += ",";
      h += "[" + hex(x.key) + "," + hex(x.value) + "]";
    }
    h += "]";
    const bool ok = o.done && !o.report.error;
    if (!ok) ++failed;
    out << "{\"i\":" << i << ",\"key\":" << hex(r.key) << ",\"value\":" << hex(r.value) << ",\"headers\":" << h
        << ",\"timestamp_set\":" << (r.timestamp_ms ? std::to_string(*r.timestamp_ms) : "null")
        << ",\"partition\":" << o.report.partition << ",\"offset\":" << o.report.offset
        << ",\"timestamp\":" << o.report.timestamp_ms << ",\"error\":"
        << (ok ? std::string("null") : json_string(o.done ? o.report.error_message : "no delivery report"))
        << ",\"outcome_unknown\":" << (o.report.outcome_unknown ? "true" : "false") << "}\n";
  }
  out.close();
  std::fprintf(stderr, "interop_produce: %d records to '%s': %d acknowledged, %d failed (%zu left at flush)\n",
               a.records, a.topic.c_str(), a.records - failed, failed, left);
  if (fault_failed) return 3;
  return failed == 0 ? 0 : 1;
}
