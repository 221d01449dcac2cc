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

  const TopicInfo* topic(const std::string& name) const;
  std::optional<BrokerAddress> broker(std::int32_t node_id) const;
  const std::map<std::int32_t, BrokerAddress>& brokers() const noexcept { return brokers_; }

 private:
  std::map<std::int32_t, BrokerAddress> brokers_;
  std::map<std::string, TopicInfo, std::less<>> topics_;
};

}  // namespace sluice::net
