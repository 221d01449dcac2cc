#pragma once
// Fault injection for integration tests: drives the local cluster through
// tools/kafka-local (found via SLUICE_SOURCE_DIR, a compile definition) with
// the environment the test inherited (SLUICE_KAFKA_BASE picks the cluster).
//
// Brokers are nodes 1..N on 127.0.0.1:BASE+id; node 0 is the controller.
// Nothing here sleeps for a fixed time: waits poll a condition against a
// deadline (wait_until).
//
// Functions that return a CommandResult or a bool never use Catch2
// assertions, so they are safe in destructors and on other threads; the
// require_* ones assert (main thread only).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sluice::test::cluster {

struct CommandResult {
  std::string command;  // what ran (for messages)
  int exit_code = -1;   // -1: could not run, or ended by a signal
  std::string output;   // stdout and stderr together
  bool ok() const { return exit_code == 0; }
};

// Path of tools/kafka-local in the source tree.
std::string kafka_local_path();

// Runs `tools/kafka-local ARGS...`; stdout and stderr are captured together.
// `timeout` bounds it, so a wedged JVM cannot hang the test run.
// `environment`: NAME=VALUE assignments put before the command as they are,
// so the shell expands them (a value can extend what the test inherited).
CommandResult kafka_local(const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(300),
                          const std::string& environment = "");

// The cluster's base port: SLUICE_KAFKA_BASE, else kafka-local's default 19090.
int base_port();

// "a,b,c" -> {"a","b","c"} (empty entries and spaces dropped), and back.
std::vector<std::string> split_list(const std::string& list);
std::string join_list(const std::vector<std::string>& entries);

// The node id of a broker address "127.0.0.1:PORT" of this cluster (PORT-BASE),
// or nullopt if the address does not belong to it.
std::optional<int> node_of(const std::string& address);
// The bootstrap list with node `node`'s entry removed.
std::string without_node(const std::string& bootstrap, int node);

// PID of a node (kafka-local pid NODE), nullopt if it is not running.
std::optional<int> node_pid(int node);

// kill -9 / SIGSTOP / SIGCONT by PID (looked up with node_pid, unless
// kill_node is given the PID looked up earlier, which makes the signal
// immediate). The result says what happened; kill_node also waits (up to
// 30 s) until the process is gone.
CommandResult kill_node(int node, std::optional<int> known_pid = std::nullopt);
CommandResult pause_node(int node);
CommandResult resume_node(int node);
// kafka-local restart-node NODE: returns once the broker's port accepts,
// which for a Kafka 4.3 broker means registered and unfenced.
CommandResult restart_node(int node);

// org.apache.kafka.tools.TopicCommand through `kafka-local run-class`, with
// short admin-client timeouts. `bootstrap` is passed as --bootstrap-server.
CommandResult topic_command(const std::string& bootstrap, const std::vector<std::string>& args);

struct PartitionState {
  int partition = -1;
  int leader = -1;  // -1: none
  std::vector<int> replicas;
  std::vector<int> isr;
};
// Parses TopicCommand --describe output ("Partition: P Leader: L Replicas: ... Isr: ...").
std::vector<PartitionState> parse_describe(const std::string& output);
// Describes `topic`; nullopt if the command failed or listed no partition.
std::optional<std::vector<PartitionState>> describe_topic(const std::string& bootstrap, const std::string& topic,
                                                          CommandResult* raw = nullptr);

// Polls `done` every `poll` until it returns true (-> true) or `timeout`
// passes (-> false). The condition is evaluated once more at the deadline.
bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done,
                std::chrono::milliseconds poll = std::chrono::milliseconds(250));

// True when every node 0..brokers runs and every broker leads its partition
// of _sluice_ready (kafka-local's readiness topic: partition i-1 lives only on
// broker i, so it has a leader exactly when broker i is registered and unfenced).
// `why` (if given) says what is missing.
bool cluster_healthy(const std::string& bootstrap, int brokers, std::string* why = nullptr);

// Puts the cluster back to "every node up": SIGCONT to every node (harmless
// when running), restart-node for any node that is not running, then waits
// (up to `timeout`) until cluster_healthy. Returns false with `why` on failure.
bool restore_cluster(const std::string& bootstrap, int brokers, std::chrono::milliseconds timeout,
                     std::string* why = nullptr);

// Asserting helpers (main thread): create, alter, wait for a complete topic.
void require_create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                          int replication_factor, int min_insync_replicas);
void require_alter_partitions(const std::string& bootstrap, const std::string& topic, int partitions);
// Waits until `topic` has `partitions` partitions, each with a leader and an
// ISR as large as its replica set; returns the last description.
std::vector<PartitionState> require_topic_complete(const std::string& bootstrap, const std::string& topic,
                                                   int partitions, std::chrono::milliseconds timeout);

// A broker taken down for a test and brought back when the test ends.
//
//   auto fault = NodeFault::kill(2);   // kill -9 now
//   ...
//   REQUIRE(fault.restore());          // restart-node + wait until healthy
//
// If the test ends early (a failed REQUIRE throws), the destructor restores
// the node the same way, reporting problems on stderr (no assertions there),
// so later tests still see a full cluster.
class NodeFault {
 public:
  enum class Kind { killed, paused };
  // `bootstrap`/`brokers`: the whole cluster, for the health check.
  static NodeFault kill(int node, std::string bootstrap, int brokers, std::optional<int> known_pid = std::nullopt);
  static NodeFault pause(int node, std::string bootstrap, int brokers);
  NodeFault(NodeFault&& other) noexcept;
  NodeFault(const NodeFault&) = delete;
  NodeFault& operator=(const NodeFault&) = delete;
  NodeFault& operator=(NodeFault&&) = delete;
  ~NodeFault();

  int node() const { return node_; }
  Kind kind() const { return kind_; }
  // What injecting the fault did (check it: a failed kill is a test failure).
  const CommandResult& injected() const { return injected_; }

  // Brings the node back (SIGCONT, or restart-node after a kill) and waits
  // until the cluster is healthy. Idempotent. False with `error()` on failure.
  bool restore(std::chrono::milliseconds timeout = std::chrono::seconds(120));
  const std::string& error() const { return error_; }

 private:
  NodeFault(int node, Kind kind, std::string bootstrap, int brokers, std::optional<int> known_pid);
  int node_;
  Kind kind_;
  std::string bootstrap_;
  int brokers_;
  CommandResult injected_;
  bool active_ = true;
  std::string error_;
};

}  // namespace sluice::test::cluster
