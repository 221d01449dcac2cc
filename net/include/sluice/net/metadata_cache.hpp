#pragma once
// What the client knows of the cluster: brokers by node id, and per topic
// its partitions' leaders and leader epochs. Fed Metadata responses; a newer
// leader epoch is never overwritten by an older one.
// Threading: owned by the I/O thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/net/broker_address.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"

namespace sluice::net {

struct PartitionInfo {
  std::int32_t leader_id = -1;
  std::int32_t leader_epoch = -1;
  std::int16_t error_code = 0;
};

struct TopicInfo {
  std::int16_t error_code = 0;
  protocol::Uuid topic_id;
  std::vector<PartitionInfo> partitions;  // index = partition id
};

class MetadataCache {
 public:
  // Merges a Metadata response. Topics absent from it are left alone.
  void update(const protocol::MetadataResponse& m);

  // A leader hint from a Produce response (KIP-951: current_leader plus the
  // endpoints of the brokers it names). Applied only when its epoch is
  // newer than what the cache holds. Returns whether it changed anything.
  bool apply_leader_hint(const std::string& topic, std::int32_t partition, std::int32_t leader_id,
                         std::int32_t leader_epoch,
                         const std::vector<protocol::ProduceResponse::NodeEndpoint>& endpoints);

  const TopicInfo* topic(const std::string& name) const;
  // Drops what is known of a topic (the producer no longer uses it).
  void forget(const std::string& name) { topics_.erase(name); }
  std::optional<BrokerAddress> broker(std::int32_t node_id) const;
  const std::map<std::int32_t, BrokerAddress>& brokers() const noexcept { return brokers_; }

 private:
  std::map<std::int32_t, BrokerAddress> brokers_;
  std::map<std::string, TopicInfo, std::less<>> topics_;
};

}  // namespace sluice::net
