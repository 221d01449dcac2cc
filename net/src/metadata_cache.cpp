#include "sluice/net/metadata_cache.hpp"

#include <algorithm>

namespace sluice::net {

void MetadataCache::update(const protocol::MetadataResponse& m) {
  if (!m.brokers.empty()) {
    brokers_.clear();
    for (const auto& b : m.brokers) {
      brokers_[b.node_id] = BrokerAddress{b.host, static_cast<std::uint16_t>(b.port)};
    }
  }
  for (const auto& t : m.topics) {
    if (!t.name) continue;
    TopicInfo& info = topics_[*t.name];
    info.error_code = t.error_code;
    info.topic_id = t.topic_id;
    if (t.error_code != 0) continue;
    std::size_t count = 0;
    for (const auto& p : t.partitions) count = std::max<std::size_t>(count, static_cast<std::size_t>(p.partition_index) + 1);
    // Partitions only grow; an old response listing fewer does not shrink.
    if (info.partitions.size() < count) info.partitions.resize(count);
    for (const auto& p : t.partitions) {
      if (p.partition_index < 0) continue;
      PartitionInfo& pi = info.partitions[static_cast<std::size_t>(p.partition_index)];
      if (p.leader_epoch >= 0 && p.leader_epoch < pi.leader_epoch) continue;  // stale
      pi.leader_id = p.leader_id;
      pi.leader_epoch = p.leader_epoch;
      pi.error_code = p.error_code;
    }
  }
}

bool MetadataCache::apply_leader_hint(const std::string& topic, std::int32_t partition, std::int32_t leader_id,
                                      std::int32_t leader_epoch,
                                      const std::vector<protocol::ProduceResponse::NodeEndpoint>& endpoints) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || partition < 0 || leader_id < 0 || leader_epoch < 0) return false;
  auto& partitions = it->second.partitions;
  if (static_cast<std::size_t>(partition) >= partitions.size()) return false;
  PartitionInfo& p = partitions[static_cast<std::size_t>(partition)];
  if (leader_epoch <= p.leader_epoch) return false;  // not newer: keep what we have
  for (const auto& e : endpoints) {
    brokers_[e.node_id] = BrokerAddress{e.host, static_cast<std::uint16_t>(e.port)};
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
