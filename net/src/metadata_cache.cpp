#include "sluice/net/metadata_cache.hpp"

#include <limits>

namespace sluice::net {

namespace {

// The wire's int32 port, if it is one a socket can use: a BrokerAddress
// holds a uint16, and a cast would turn -1 into 65535 (a wrong broker).
std::optional<std::uint16_t> usable_port(std::int32_t port) {
  if (port < 0 || port > std::numeric_limits<std::uint16_t>::max()) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

// Kafka lists a topic's partitions as 0..n-1, each once, in any order.
// Anything else is a broken answer; indexing (or sizing a vector) by an
// unchecked index would let one int32 ask for gigabytes.
bool is_partition_set(const std::vector<protocol::MetadataResponse::Partition>& partitions) {
  std::vector<bool> seen(partitions.size(), false);
  for (const auto& p : partitions) {
    if (p.partition_index < 0 || static_cast<std::size_t>(p.partition_index) >= partitions.size()) return false;
    if (seen[static_cast<std::size_t>(p.partition_index)]) return false;
    seen[static_cast<std::size_t>(p.partition_index)] = true;
  }
  return true;
}

}  // namespace

MetadataRejects MetadataCache::update(const protocol::MetadataResponse& m) {
  MetadataRejects rejects;
  if (!m.brokers.empty()) {
    brokers_.clear();
    for (const auto& b : m.brokers) {
      if (auto port = usable_port(b.port)) {
        brokers_[b.node_id] = BrokerAddress{b.host, *port};
      } else {
        rejects.brokers.push_back(b.node_id);
      }
    }
  }
  for (const auto& t : m.topics) {
    if (!t.name) continue;
    if (t.error_code == 0 && !is_partition_set(t.partitions)) {
      rejects.topics.push_back(*t.name);  // whatever was cached stays
      continue;
    }
    TopicInfo& info = topics_[*t.name];
    // A different id under the same name is a topic deleted and created
    // again: its partition count and leader epochs start afresh, so nothing
    // of the old one may be kept (the Java client resets the epochs too).
    // An answer without an id (an error, or Metadata before v10) says
    // nothing about which topic it is, so the cached id stays.
    if (!t.topic_id.is_zero()) {
      if (!info.topic_id.is_zero() && info.topic_id != t.topic_id) info.partitions.clear();
      info.topic_id = t.topic_id;
    }
    info.error_code = t.error_code;
    if (t.error_code != 0) continue;
    // Partitions only grow for the same topic: an older answer listing
    // fewer does not shrink.
    if (info.partitions.size() < t.partitions.size()) info.partitions.resize(t.partitions.size());
    for (const auto& p : t.partitions) {
      PartitionInfo& pi = info.partitions[static_cast<std::size_t>(p.partition_index)];
      if (p.leader_epoch >= 0 && p.leader_epoch < pi.leader_epoch) continue;  // stale
      pi.leader_id = p.leader_id;
      pi.leader_epoch = p.leader_epoch;
      pi.error_code = p.error_code;
    }
  }
  return rejects;
}

bool MetadataCache::apply_leader_hint(const std::string& topic, std::int32_t partition, std::int32_t leader_id,
                                      std::int32_t leader_epoch,
                                      const std::vector<protocol::ProduceResponse::NodeEndpoint>& endpoints,
                                      const protocol::Uuid& sent_topic_id) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || leader_id < 0 || leader_epoch < 0) return false;
  // A hint about the topic as it was before a recreate carries that topic's
  // (higher) epochs: applied to the new one, it would win over every real
  // leader until the new epochs caught up.
  const protocol::Uuid& cached_id = it->second.topic_id;
  if (!sent_topic_id.is_zero() && !cached_id.is_zero() && sent_topic_id != cached_id) return false;
  auto& partitions = it->second.partitions;
  if (static_cast<std::size_t>(partition) >= partitions.size()) return false;
  PartitionInfo& p = partitions[static_cast<std::size_t>(partition)];
  if (leader_epoch <= p.leader_epoch) return false;  // not newer: keep what we have
  for (const auto& e : endpoints) {
    if (auto port = usable_port(e.port)) {
      brokers_[e.node_id] = BrokerAddress{e.host, *port};
    } else {
      brokers_.erase(e.node_id);  // its latest address is unusable: not the old one either
    }
  }
  if (brokers_.find(leader_id) == brokers_.end()) return false;  // cannot reach it yet
  p.leader_id = leader_id;
  p.leader_epoch = leader_epoch;
  p.error_code = 0;
  return true;
}

const TopicInfo* MetadataCache::topic(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

std::optional<BrokerAddress> MetadataCache::broker(std::int32_t node_id) const {
  auto it = brokers_.find(node_id);
  if (it == brokers_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sluice::net
