#pragma once
// SimCluster: the state of a simulated Kafka cluster (brokers, topics,
// partitions with leaders, epochs and logs, idempotent-producer state) and
// the broker's answers to Produce, Metadata and InitProducerId computed from
// it. Pure and deterministic: no I/O, no clock, no threads; the only
// randomness (topic ids) comes from the SimRng it is given.
//
// Replication is collapsed: each partition has one log, shared by its
// replicas, always in sync (what a leader change preserves in Kafka with
// acks=all and no unclean election). So a leader change keeps the log and
// the producer state, as a follower that replicated them would.
//
// Topology and state: this file (sim_cluster.cpp). Produce: sim_produce.cpp.
// Metadata and InitProducerId: sim_admin_handlers.cpp.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "producer_state.hpp"
#include "sim_rng.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch_reader.hpp"
#include "sluice/protocol/uuid.hpp"

namespace sluice::sim {

struct SimBroker {
  std::int32_t node_id = 0;
  bool up = true;
  std::string host;  // "broker-<id>.sim"
  std::int32_t port = 9092;
};

// One appended batch as the log keeps it: the records with their offsets
// (base_offset + index) and the producer fields of their batch.
struct SimBatch {
  std::int64_t base_offset = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::vector<protocol::DecodedRecord> records;  // offsets rewritten to the log's
};

// One-shot faults a partition's leader answers its next eligible produce
// with. The first three come from acks=all's wait for followers and so
// apply (and are used up) only by acks=-1 requests; the last two are what
// older brokers answered idempotent batches with, and apply only to
// batches with a producer id.
enum class PartitionFault {
  not_enough_replicas,               // before the append: nothing written
  not_enough_replicas_after_append,  // written, then the error
  request_timed_out,                 // written, then the error after the request's timeout
  duplicate_sequence_number,         // nothing written (brokers before 2.x)
  unknown_producer_id,               // nothing written (brokers before KIP-360)
};

struct SimPartition {
  std::int32_t index = 0;
  std::vector<std::int32_t> replicas;
  std::int32_t leader = -1;  // -1: no live replica
  std::int32_t leader_epoch = 0;
  std::vector<SimBatch> log;
  std::int64_t log_end_offset = 0;
  ProducerStateTable producers;
  std::deque<PartitionFault> faults;  // used up front first
};

struct SimTopic {
  std::string name;
  protocol::Uuid id;
  std::int32_t max_message_bytes = 1048588;  // Kafka's default max.message.bytes
  std::vector<SimPartition> partitions;
};

class SimCluster {
 public:
  // Brokers 1..brokers, all up. Partitions get min(replication_factor,
  // brokers) replicas, placed round robin.
  SimCluster(const SimRng& rng, std::int32_t brokers, std::int32_t replication_factor = 3);

  // --- brokers ---
  const std::vector<SimBroker>& brokers() const noexcept { return brokers_; }
  const SimBroker* broker(std::int32_t node_id) const;
  bool is_up(std::int32_t node_id) const;
  // Leaders move to the next live replica (epoch + 1); a partition with no
  // live replica left has leader -1 (epoch + 1 too: KRaft bumps the epoch on
  // every leader change, to and from none).
  void broker_down(std::int32_t node_id);
  // Leaderless partitions with this broker as a replica get it as leader.
  void broker_up(std::int32_t node_id);

  // --- topics ---
  // Returns the new topic's id (16 random bytes, never zero). Throws
  // std::invalid_argument if the name exists or partitions < 1.
  protocol::Uuid create_topic(const std::string& name, std::int32_t partitions);
  void delete_topic(std::string_view name);
  // Delete then create: a new id, a fresh log and producer state, leader
  // epochs from 0; `partitions` may be fewer or more than before.
  protocol::Uuid recreate_topic(const std::string& name, std::int32_t partitions);
  // Grows the topic to `total` partitions (new ones start at epoch 0).
  void add_partitions(std::string_view name, std::int32_t total);
  // Moves the leader to `to` (a live replica), or to the next live replica;
  // epoch + 1. Throws std::invalid_argument if no such replica is up.
  void move_leader(std::string_view name, std::int32_t partition, std::optional<std::int32_t> to = std::nullopt);
  void set_max_message_bytes(std::string_view name, std::int32_t bytes);
  void inject(std::string_view name, std::int32_t partition, PartitionFault fault);
  // The next response this node sends (any API) carries throttle_time_ms = ms.
  void throttle_next(std::int32_t node_id, std::int32_t ms);
  // Answer as brokers before Kafka 2.5 (KIP-360) did: a producer id with no
  // state on the partition is refused with UNKNOWN_PRODUCER_ID unless its
  // batch starts at sequence 0 (2.5 and later accept any sequence; see
  // producer_state.hpp). Off by default. The UNKNOWN_PRODUCER_ID one-shot
  // fault is such a broker's answer, so runs that inject it turn this on.
  void set_pre_kip360(bool on) noexcept { pre_kip360_ = on; }

  const SimTopic* topic(std::string_view name) const;
  const SimTopic* topic(const protocol::Uuid& id) const;
  const SimPartition* partition(std::string_view name, std::int32_t index) const;
  const std::vector<SimTopic>& topics() const noexcept { return topics_; }

  // --- requests, as broker `node_id` answers them (it must be up) ---
  protocol::ProduceResponse handle_produce(std::int32_t node_id, const protocol::ProduceRequest& request,
                                           std::int16_t version);
  protocol::MetadataResponse handle_metadata(std::int32_t node_id, const protocol::MetadataRequest& request,
                                             std::int16_t version);
  // Idempotent producers only (no transactional id): a new producer id from a
  // counter and epoch 0, whatever id and epoch the request carries (as
  // Kafka's TransactionCoordinator does for a null transactional id).
  protocol::InitProducerIdResponse handle_init_producer_id(std::int32_t node_id,
                                                           const protocol::InitProducerIdRequest& request,
                                                           std::int16_t version);

 private:
  SimTopic* find_topic(std::string_view name);
  SimTopic* find_topic(const protocol::Uuid& id);
  SimPartition make_partition(std::int32_t index);
  void change_leader(SimPartition& p, std::int32_t leader);
  std::int32_t take_throttle(std::int32_t node_id);
  // Produce, per partition (sim_produce.cpp).
  protocol::ProduceResponse::Partition produce_partition(std::int32_t node_id, SimTopic* topic,
                                                         const protocol::ProduceRequest::Partition& in,
                                                         const protocol::ProduceRequest& request,
                                                         std::int16_t version,
                                                         std::vector<std::int32_t>& endpoints_wanted);

  SimRng ids_;  // topic ids
  std::vector<SimBroker> brokers_;
  std::vector<std::int32_t> throttles_;  // by broker index
  std::int32_t replication_factor_;
  std::int32_t placement_ = 0;  // round-robin start for the next topic
  std::vector<SimTopic> topics_;
  std::int64_t next_producer_id_ = 1000;
  bool pre_kip360_ = false;
};

}  // namespace sluice::sim
