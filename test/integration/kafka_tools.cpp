#include "kafka_tools.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

namespace sluice::test::kafka {

namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

}  // namespace

ToolResult run_class(const std::vector<std::string>& args) {
  std::vector<std::string> kafka_local_args = {"run-class"};
  kafka_local_args.insert(kafka_local_args.end(), args.begin(), args.end());
  // A C1-only small JVM starts faster (kafka-local appends SLUICE_KAFKA_TOOL_OPTS last).
  return cluster::kafka_local(
      kafka_local_args, std::chrono::seconds(180),
      "SLUICE_KAFKA_TOOL_OPTS=\"-XX:TieredStopAtLevel=1 -Xms32m -Xmx256m ${SLUICE_KAFKA_TOOL_OPTS:-}\"");
}

void require_create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                          const std::vector<std::pair<std::string, std::string>>& configs) {
  INFO("tools/kafka-local: " << cluster::kafka_local_path());
  REQUIRE(access(cluster::kafka_local_path().c_str(), X_OK) == 0);
  std::vector<std::string> args = {"org.apache.kafka.tools.TopicCommand",
                                   "--bootstrap-server",
                                   bootstrap,
                                   "--create",
                                   "--topic",
                                   topic,
                                   "--partitions",
                                   std::to_string(partitions),
                                   "--replication-factor",
                                   "1"};
  for (const auto& [k, v] : configs) {
    args.push_back("--config");
    args.push_back(k + "=" + v);
  }
  auto r = run_class(args);
  INFO(r.command << "\n" << r.output);
  REQUIRE(r.ok());
}

std::vector<LogBatch> parse_dump(const std::string& output) {
  std::vector<LogBatch> batches;
  std::stringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("baseOffset:", 0) != 0) continue;
    // "key: value key: value ...": keys end with ':'.
    std::map<std::string, std::string> f;
    std::stringstream words(line);
    std::string key, word;
    while (words >> word) {
      if (word.size() > 1 && word.back() == ':') {
        key = word.substr(0, word.size() - 1);
        f[key];
      } else if (!key.empty()) {
        f[key] += word;
      }
    }
    auto num = [&](const char* name) -> std::int64_t {
      auto it = f.find(name);
      if (it == f.end() || it->second.empty()) return -1;
      try {
        return std::stoll(it->second);
      } catch (...) {
        return -1;
      }
    };
    LogBatch b;
    b.base_offset = num("baseOffset");
    b.last_offset = num("lastOffset");
    b.count = static_cast<std::int32_t>(num("count"));
    b.size = num("size");
    b.producer_id = num("producerId");
    b.producer_epoch = static_cast<std::int16_t>(num("producerEpoch"));
    b.base_sequence = static_cast<std::int32_t>(num("baseSequence"));
    b.last_sequence = static_cast<std::int32_t>(num("lastSequence"));
    b.codec = f.count("compresscodec") ? f["compresscodec"] : "";
    b.valid = f.count("isvalid") && f["isvalid"] == "true";
    batches.push_back(b);
  }
  return batches;
}

std::string data_dir() {
  return env_or("SLUICE_KAFKA_DATA", "/tmp/sluice-kafka-" + env_or("SLUICE_KAFKA_BASE", "19090"));
}

std::string require_partition_dir(const std::string& topic, int partition) {
  const std::string dir = data_dir();
  const std::string name = topic + "-" + std::to_string(partition);
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string node = it->path().filename().string();
    if (node.rfind("node-", 0) != 0) continue;
    fs::path candidate = it->path() / "data" / name;
    if (fs::is_directory(candidate)) found.push_back(candidate.string());
  }
  INFO("looked for node-*/data/" << name << " in the broker data dir " << dir
                                 << " (SLUICE_KAFKA_DATA, else /tmp/sluice-kafka-$SLUICE_KAFKA_BASE; "
                                    "SLUICE_KAFKA_BASE must name the cluster SLUICE_BOOTSTRAP points at)");
  if (found.empty()) {
    FAIL("no broker directory for partition " << name << " found"
                                              << (ec ? " (cannot list the data dir: " + ec.message() + ")" : ""));
  }
  if (found.size() > 1) {
    std::string all;
    for (const auto& f : found) all += " " + f;
    FAIL("partition " << name << " has more than one broker directory (these tests use replication factor 1):"
                      << all);
  }
  return found.front();
}

std::vector<LogBatch> require_log_batches(const std::string& topic, int partition) {
  const std::string dir = require_partition_dir(topic, partition);
  std::vector<std::string> segments;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log") segments.push_back(e.path().string());
  }
  // Segment files are named by their base offset, zero-padded: name order is offset order.
  std::sort(segments.begin(), segments.end());
  INFO("partition directory " << dir);
  REQUIRE_FALSE(segments.empty());
  std::string files;
  for (const auto& s : segments) files += (files.empty() ? "" : ",") + s;
  auto r = run_class({"org.apache.kafka.tools.DumpLogSegments", "--files", files});
  INFO(r.command << "\n" << r.output.substr(0, 4000));
  REQUIRE(r.ok());
  REQUIRE(r.output.find("Dumping ") != std::string::npos);
  return parse_dump(r.output);
}

}  // namespace sluice::test::kafka
