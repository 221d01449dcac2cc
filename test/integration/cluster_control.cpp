#include "cluster_control.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef SLUICE_SOURCE_DIR
#error "SLUICE_SOURCE_DIR (the source tree, to find tools/kafka-local) must be defined by the build"
#endif

namespace sluice::test::cluster {

namespace {

using Clock = std::chrono::steady_clock;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `command` through /bin/sh, stdout+stderr captured.
CommandResult run_shell(const std::string& command) {
  CommandResult r;
  r.command = command;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    r.output = "popen failed";
    return r;
  }
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<int> to_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  }
  try {
    return std::stoi(s);
  } catch (...) {
    return std::nullopt;
  }
}

// The admin-client settings for our TopicCommand runs: fail fast when a
// broker is down instead of the 30 s/60 s defaults (we poll anyway).
// The file lives as long as the test process.
const std::string& admin_config_path() {
  struct File {
    std::string path = "/tmp/sluice-cluster-control-" + std::to_string(getpid()) + ".properties";
    File() { std::ofstream(path) << "request.timeout.ms=5000\ndefault.api.timeout.ms=15000\n"; }
    ~File() { std::remove(path.c_str()); }
  };
  static const File file;
  return file.path;
}

std::vector<int> parse_id_list(const std::string& s) {
  std::vector<int> ids;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (auto v = to_int(trim(item))) ids.push_back(*v);
  }
  return ids;
}

// The value after `label` on `line`, up to the next whitespace.
std::optional<std::string> field(const std::string& line, const std::string& label) {
  auto pos = line.find(label);
  if (pos == std::string::npos) return std::nullopt;
  pos += label.size();
  auto end = line.find_first_of(" \t", pos);
  return line.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

}  // namespace

std::string kafka_local_path() { return std::string(SLUICE_SOURCE_DIR) + "/tools/kafka-local"; }

CommandResult kafka_local(const std::vector<std::string>& args, std::chrono::seconds timeout,
                          const std::string& environment) {
  // A bound on every call (restart-node has its own 120 s readiness deadline inside).
  std::string cmd = environment.empty() ? "" : environment + " ";
  cmd += "timeout -k 5 " + std::to_string(timeout.count()) + " " + shell_quote(kafka_local_path());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_shell(cmd + " </dev/null");
}

int base_port() {
  const char* b = std::getenv("SLUICE_KAFKA_BASE");
  if (b != nullptr && *b != '\0') {
    if (auto v = to_int(b)) return *v;
  }
  return 19090;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string join_list(const std::vector<std::string>& entries) {
  std::string out;
  for (const auto& e : entries) out += (out.empty() ? "" : ",") + e;
  return out;
}

std::optional<int> node_of(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto port = to_int(address.substr(colon + 1));
  if (!port) return std::nullopt;
  int id = *port - base_port();
  if (id < 1 || id > 32) return std::nullopt;
  return id;
}

std::string without_node(const std::string& bootstrap, int node) {
  std::vector<std::string> kept;
  for (const auto& a : split_list(bootstrap)) {
    if (node_of(a) != node) kept.push_back(a);
  }
  return join_list(kept);
}

std::optional<int> node_pid(int node) {
  auto r = kafka_local({"pid", std::to_string(node)});
  if (!r.ok()) return std::nullopt;
  // The PID is the last line of stdout.
  std::string out = trim(r.output);
  auto nl = out.rfind('\n');
  return to_int(nl == std::string::npos ? out : out.substr(nl + 1));
}

namespace {

CommandResult signal_node(int node, int sig, const char* what, std::optional<int> known_pid = std::nullopt) {
  CommandResult r;
  r.command = std::string(what) + " node " + std::to_string(node);
  auto pid = known_pid ? known_pid : node_pid(node);
  if (!pid) {
    r.output = "node " + std::to_string(node) + " is not running";
    return r;
  }
  if (::kill(*pid, sig) != 0) {
    r.output = "kill(" + std::to_string(*pid) + ") failed: errno " + std::to_string(errno);
    return r;
  }
  r.exit_code = 0;
  r.output = what + std::string(" sent to pid ") + std::to_string(*pid);
  return r;
}

}  // namespace

CommandResult kill_node(int node, std::optional<int> known_pid) {
  auto r = signal_node(node, SIGKILL, "SIGKILL", known_pid);
  if (!r.ok()) return r;
  if (!wait_until(std::chrono::seconds(30), [&] { return !node_pid(node).has_value(); },
                  std::chrono::milliseconds(100))) {
    r.exit_code = 1;
    r.output += "; node " + std::to_string(node) + " still running 30 s after SIGKILL";
  }
  return r;
}

CommandResult pause_node(int node) { return signal_node(node, SIGSTOP, "SIGSTOP"); }
CommandResult resume_node(int node) { return signal_node(node, SIGCONT, "SIGCONT"); }

CommandResult restart_node(int node) { return kafka_local({"restart-node", std::to_string(node)}); }

CommandResult topic_command(const std::string& bootstrap, const std::vector<std::string>& args) {
  // Admin JVMs: C1 only starts faster (kafka-local appends SLUICE_KAFKA_TOOL_OPTS last).
  std::string cmd = "SLUICE_KAFKA_TOOL_OPTS=\"-XX:TieredStopAtLevel=1 -Xms32m -Xmx256m ${SLUICE_KAFKA_TOOL_OPTS:-}\" "
                    "timeout -k 5 120 " +
                    shell_quote(kafka_local_path()) + " run-class org.apache.kafka.tools.TopicCommand" +
                    " --bootstrap-server " + shell_quote(bootstrap) + " --command-config " +
                    shell_quote(admin_config_path());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_shell(cmd + " </dev/null");
}

std::vector<PartitionState> parse_describe(const std::string& output) {
  std::vector<PartitionState> parts;
  std::stringstream ss(output);
  std::string line;
  while (std::getline(ss, line)) {
    auto p = field(line, "Partition: ");
    auto l = field(line, "Leader: ");
    if (!p || !l) continue;
    PartitionState st;
    auto pn = to_int(*p);
    if (!pn) continue;
    st.partition = *pn;
    st.leader = to_int(*l).value_or(-1);  // "none" -> -1
    if (auto r = field(line, "Replicas: ")) st.replicas = parse_id_list(*r);
    if (auto i = field(line, "Isr: ")) st.isr = parse_id_list(*i);
    parts.push_back(std::move(st));
  }
  return parts;
}

std::optional<std::vector<PartitionState>> describe_topic(const std::string& bootstrap, const std::string& topic,
                                                          CommandResult* raw) {
  auto r = topic_command(bootstrap, {"--describe", "--topic", topic});
  if (raw != nullptr) *raw = r;
  if (!r.ok()) return std::nullopt;
  auto parts = parse_describe(r.output);
  if (parts.empty()) return std::nullopt;
  return parts;
}

bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done,
                std::chrono::milliseconds poll) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(poll, deadline - now));
    if (Clock::now() >= deadline) return done();
  }
}

bool cluster_healthy(const std::string& bootstrap, int brokers, std::string* why) {
  auto say = [&](const std::string& s) {
    if (why != nullptr) *why = s;
    return false;
  };
  for (int node = 0; node <= brokers; ++node) {
    if (!node_pid(node)) return say("node " + std::to_string(node) + " is not running");
  }
  CommandResult raw;
  auto parts = describe_topic(bootstrap, "_sluice_ready", &raw);
  if (!parts) return say("describe _sluice_ready failed: " + raw.output.substr(0, 1500));
  for (int node = 1; node <= brokers; ++node) {
    bool led = false;
    for (const auto& p : *parts) {
      if (p.partition == node - 1 && p.leader == node) led = true;
    }
    if (!led) {
      return say("broker " + std::to_string(node) + " does not lead _sluice_ready partition " +
                 std::to_string(node - 1) + " (not registered/unfenced yet): " + raw.output.substr(0, 1500));
    }
  }
  return true;
}

bool restore_cluster(const std::string& bootstrap, int brokers, std::chrono::milliseconds timeout, std::string* why) {
  std::string problems;
  for (int node = 0; node <= brokers; ++node) {
    if (node_pid(node)) {
      resume_node(node);  // a no-op unless the node was SIGSTOPped
    } else {
      auto r = restart_node(node);
      if (!r.ok()) problems += "restart-node " + std::to_string(node) + " failed: " + r.output + "\n";
    }
  }
  std::string last;
  bool ok = wait_until(timeout, [&] { return cluster_healthy(bootstrap, brokers, &last); },
                       std::chrono::milliseconds(500));
  if (!ok && why != nullptr) *why = problems + "cluster not healthy after restore: " + last;
  return ok;
}

void require_create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                          int replication_factor, int min_insync_replicas) {
  auto r = topic_command(bootstrap, {"--create", "--topic", topic, "--partitions", std::to_string(partitions),
                                     "--replication-factor", std::to_string(replication_factor), "--config",
                                     "min.insync.replicas=" + std::to_string(min_insync_replicas)});
  INFO(r.command << "\n" << r.output);
  REQUIRE(r.ok());
}

void require_alter_partitions(const std::string& bootstrap, const std::string& topic, int partitions) {
  auto r = topic_command(bootstrap, {"--alter", "--topic", topic, "--partitions", std::to_string(partitions)});
  INFO(r.command << "\n" << r.output);
  REQUIRE(r.ok());
}

std::vector<PartitionState> require_topic_complete(const std::string& bootstrap, const std::string& topic,
                                                   int partitions, std::chrono::milliseconds timeout) {
  std::vector<PartitionState> last;
  CommandResult raw;
  bool ok = wait_until(timeout, [&] {
    auto d = describe_topic(bootstrap, topic, &raw);
    if (!d) return false;
    last = *d;
    if (static_cast<int>(last.size()) != partitions) return false;
    for (const auto& p : last) {
      if (p.leader < 0 || p.isr.size() != p.replicas.size()) return false;
    }
    return true;
  });
  INFO("topic " << topic << " not complete (" << partitions << " partitions, each with a leader and a full ISR) within "
                << timeout.count() << " ms; last describe:\n"
                << raw.output);
  REQUIRE(ok);
  return last;
}

// ------------------------------------------------------------- NodeFault

NodeFault::NodeFault(int node, Kind kind, std::string bootstrap, int brokers, std::optional<int> known_pid)
    : node_(node), kind_(kind), bootstrap_(std::move(bootstrap)), brokers_(brokers) {
  injected_ = kind == Kind::killed ? kill_node(node, known_pid) : pause_node(node);
  // Restore even if the injection half-worked (e.g. the kill timed out).
  active_ = true;
}

NodeFault NodeFault::kill(int node, std::string bootstrap, int brokers, std::optional<int> known_pid) {
  return NodeFault(node, Kind::killed, std::move(bootstrap), brokers, known_pid);
}

NodeFault NodeFault::pause(int node, std::string bootstrap, int brokers) {
  return NodeFault(node, Kind::paused, std::move(bootstrap), brokers, std::nullopt);
}

NodeFault::NodeFault(NodeFault&& other) noexcept
    : node_(other.node_),
      kind_(other.kind_),
      bootstrap_(std::move(other.bootstrap_)),
      brokers_(other.brokers_),
      injected_(std::move(other.injected_)),
      active_(other.active_),
      error_(std::move(other.error_)) {
  other.active_ = false;
}

bool NodeFault::restore(std::chrono::milliseconds timeout) {
  if (!active_) return error_.empty();
  active_ = false;
  error_.clear();
  if (kind_ == Kind::paused) {
    auto r = resume_node(node_);
    if (!r.ok()) error_ += "SIGCONT to node " + std::to_string(node_) + " failed: " + r.output + "\n";
  } else if (!node_pid(node_)) {
    auto r = restart_node(node_);
    if (!r.ok()) error_ += "restart-node " + std::to_string(node_) + " failed: " + r.output + "\n";
  }
  // Whatever happened above, end with a healthy cluster if at all possible.
  std::string why;
  if (!restore_cluster(bootstrap_, brokers_, timeout, &why)) error_ += why;
  return error_.empty();
}

NodeFault::~NodeFault() {
  if (!active_) return;
  try {
    if (!restore()) {
      std::cerr << "cluster_control: could not restore node " << node_ << " after the test: " << error_ << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "cluster_control: restoring node " << node_ << " threw: " << e.what() << std::endl;
  }
}

}  // namespace sluice::test::cluster
