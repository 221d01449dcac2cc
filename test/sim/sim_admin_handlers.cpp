// SimCluster's answers to Metadata and InitProducerId, shaped like a KRaft
// broker's (Kafka 3.x/4.x, KRaftMetadataCache and TransactionCoordinator):
//  - brokers: the live ones only; controller_id: the lowest live broker
//    (KRaft names some live broker; lowest keeps the run deterministic).
//  - a partition without a live leader: LEADER_NOT_AVAILABLE, leader -1,
//    its leader epoch kept; isr = live replicas, offline = the others.
//  - topic asked by name and missing: UNKNOWN_TOPIC_OR_PARTITION (no
//    auto-creation is simulated); by id (v10+, name null): UNKNOWN_TOPIC_ID.
#include <stdexcept>

#include "sim_cluster.hpp"

namespace sluice::sim {

using protocol::kafka_errc;
using protocol::MetadataResponse;

namespace {

std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }

}  // namespace

protocol::MetadataResponse SimCluster::handle_metadata(std::int32_t node_id, const protocol::MetadataRequest& request,
                                                       std::int16_t version) {
  MetadataResponse out;
  out.throttle_time_ms = take_throttle(node_id);
  out.cluster_id = "sim-cluster";
  for (const auto& b : brokers_) {
    if (!b.up) continue;
    out.brokers.push_back(MetadataResponse::Broker{b.node_id, b.host, b.port, std::nullopt});
    if (out.controller_id < 0) out.controller_id = b.node_id;
  }
  auto describe = [&](const SimTopic& t) {
    MetadataResponse::Topic mt;
    mt.name = t.name;
    if (version >= 10) mt.topic_id = t.id;
    mt.partitions.reserve(t.partitions.size());
    for (const auto& p : t.partitions) {
      MetadataResponse::Partition mp;
      mp.partition_index = p.index;
      mp.leader_id = p.leader;
      mp.leader_epoch = version >= 7 ? p.leader_epoch : -1;
      mp.replica_nodes = p.replicas;
      for (std::int32_t r : p.replicas) (is_up(r) ? mp.isr_nodes : mp.offline_replicas).push_back(r);
      if (version < 5) mp.offline_replicas.clear();
      if (p.leader < 0) mp.error_code = code(kafka_errc::leader_not_available);
      mt.partitions.push_back(std::move(mp));
    }
    return mt;
  };
  if (!request.topics) {
    out.topics.reserve(topics_.size());
    for (const auto& t : topics_) out.topics.push_back(describe(t));
    return out;
  }
  for (const auto& want : *request.topics) {
    if (!want.name && !want.topic_id.is_zero()) {
      if (const SimTopic* t = topic(want.topic_id)) {
        out.topics.push_back(describe(*t));
      } else {
        MetadataResponse::Topic missing;
        missing.error_code = code(kafka_errc::unknown_topic_id);
        missing.topic_id = want.topic_id;
        out.topics.push_back(std::move(missing));
      }
      continue;
    }
    const SimTopic* t = want.name ? topic(*want.name) : nullptr;
    if (t != nullptr) {
      out.topics.push_back(describe(*t));
    } else {
      MetadataResponse::Topic missing;
      missing.error_code = code(kafka_errc::unknown_topic_or_partition);
      missing.name = want.name;
      out.topics.push_back(std::move(missing));
    }
  }
  return out;
}

protocol::InitProducerIdResponse SimCluster::handle_init_producer_id(std::int32_t node_id,
                                                                     const protocol::InitProducerIdRequest& request,
                                                                     std::int16_t /*version*/) {
  if (request.transactional_id) {
    // A harness error, not a broker answer: nothing transactional is simulated.
    throw std::logic_error("SimCluster: transactional InitProducerId is not simulated");
  }
  protocol::InitProducerIdResponse out;
  out.throttle_time_ms = take_throttle(node_id);
  out.producer_id = next_producer_id_++;
  out.producer_epoch = 0;
  return out;
}

}  // namespace sluice::sim
