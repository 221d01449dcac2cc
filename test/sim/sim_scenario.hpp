#pragma once
// SimScenario: everything one simulated producer run does, drawn from its
// seed: the producer's properties, the cluster (brokers, topics, the
// versions the brokers offer), the workload (which simulated sending
// thread sends which record when) and the faults (when, what). A value: a
// test can also write one by hand, or draw one and change it (the
// negative controls do).
//
// Workload: a few sending threads, interleaved by the seed; keyed and
// null-key records over a few topics and partitions. A record's id is
// (thread, that thread's send order); SimProducerRun puts it in the
// record's sim-id header (sim_record_id.hpp).
//
// Faults (FaultKind) are the cluster's and the network's (sim_cluster.hpp,
// sim_network.hpp); each kind is drawn from its own rng stream, so changing
// one kind's odds moves no other's draws.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim_broker_link.hpp"
#include "sim_cluster.hpp"
#include "sim_network.hpp"

namespace sluice::sim {

struct SimTopicSpec {
  std::string name;
  std::int32_t partitions = 1;
};

struct SimSend {
  SimTime at = 0;
  std::uint32_t thread = 0;
  std::size_t topic = 0;            // index in SimScenario::topics
  std::optional<std::string> key;   // nullopt: a null key (sticky partitioner)
  std::optional<std::int32_t> partition;  // an explicit partition (the judge checks it is kept)
  std::size_t value_bytes = 0;      // padding after the value's id
};

enum class FaultKind : std::uint8_t {
  move_leader,        // topic, partition: the next live replica leads (epoch + 1)
  broker_down,        // node
  broker_up,          // node
  partition_fault,    // topic, partition, partition_fault: one-shot broker error
  network,            // network: per-message odds from now on (all 0: healed)
  throttle,           // node, value: the next answer asks for value ms of throttle
  max_message_bytes,  // topic, value: the topic's max.message.bytes from now on
  add_partitions,     // topic, value: the topic grows to value partitions
};

struct SimFault {
  SimTime at = 0;
  FaultKind kind = FaultKind::move_leader;
  std::size_t topic = 0;  // index in SimScenario::topics
  std::int32_t partition = 0;
  std::int32_t node = 0;
  std::int32_t value = 0;
  PartitionFault partition_fault = PartitionFault::not_enough_replicas;
  NetworkFaults network;
};

struct SimScenario {
  std::map<std::string, std::string> properties;  // the producer's (sluice::Config::from_map)
  std::int32_t brokers = 3;
  SimLinkVersions versions;
  std::vector<SimTopicSpec> topics;
  std::vector<SimSend> sends;    // in send order (times never decrease)
  std::vector<SimFault> faults;  // in time order
  NetworkConfig network;
  // The brokers answer as before Kafka 2.5 (SimCluster::set_pre_kip360):
  // when UNKNOWN_PRODUCER_ID, that generation's answer, is injected, and
  // (avoid_known_duplicates) when answers may be lost.
  bool pre_kip360_brokers = false;
  // The fault combinations of this seed's draws after which the producer
  // writes known duplicates (sim_scenario.cpp, avoid_known_duplicates): left
  // out of the run, or kept when drawn with unsafe_faults.
  std::vector<std::string> known_duplicate_risks;
  bool unsafe_faults = false;

  std::uint32_t threads() const;
  // "3 threads, 212 records, 2 topics (3+1 partitions), Produce v13,
  // linger.ms=5 ...; faults: 2 leader moves, 1 broker outage ..."
  std::string summary() const;
};

struct ScenarioOptions {
  bool faults = true;
  // Also the fault combinations after which the producer (like the Java
  // client) writes duplicates today (sim_scenario.cpp, avoid_known_duplicates).
  bool unsafe_faults = false;
  // Drawn as usual, then set: properties a test forces (e.g.
  // enable.idempotence=false for a negative control).
  std::map<std::string, std::string> overrides;
};

SimScenario draw_scenario(std::uint64_t seed, const ScenarioOptions& options = {});

std::string fault_name(FaultKind kind);

}  // namespace sluice::sim
