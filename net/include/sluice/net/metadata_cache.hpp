#pragma once
// What the client knows of the cluster: brokers by node id, and per topic
// its partitions' leaders and leader epochs. Fed Metadata responses; a newer
// leader epoch is never overwritten by an older one of the same topic id.
// Nothing in an answer is trusted for sizes: a partition list that is not
// 0..n-1 or a port that is not a port is refused and reported, never used.
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

// What update() refused from an answer (for the caller to log and ask again: the producer's cluster view).
struct MetadataRejects {
  std::vector<std::string> topics;    // partitions not listed as 0..n-1 once each: cached entry unchanged
  std::vector<std::int32_t> brokers;  // port outside 0..65535: not in brokers(), so never connected to
  bool empty() const noexcept { return topics.empty() && brokers.empty(); }
};

class MetadataCache {
 public:
  // Merges a Metadata response. Topics absent from it are left alone. A
  // topic whose non-zero id differs from the cached non-zero one was
  // deleted and created again: its entry is replaced whole (partition count
  // and epochs). Otherwise partitions only grow and epochs only rise.
  MetadataRejects update(const protocol::MetadataResponse& m);

  // A leader hint from a Produce response (KIP-951: current_leader plus the
  // endpoints of the brokers it names). Applied only when its epoch is
  // newer than what the cache holds and, if sent_topic_id (the id the batch
  // was sent under; zero: unknown) and the cached id are both known, they
  // are the same topic. An endpoint with an unusable port removes that
  // broker. Returns whether it changed the leader.
  bool apply_leader_hint(const std::string& topic, std::int32_t partition, std::int32_t leader_id,
                         std::int32_t leader_epoch,
                         const std::vector<protocol::ProduceResponse::NodeEndpoint>& endpoints,
                         const protocol::Uuid& sent_topic_id = {});

  const TopicInfo* topic(const std::string& name) const;
  std::size_t topic_count() const noexcept { return topics_.size(); }
  // Drops what is known of a topic (the producer no longer uses it).
  void forget(const std::string& name) { topics_.erase(name); }
  std::optional<BrokerAddress> broker(std::int32_t node_id) const;
  const std::map<std::int32_t, BrokerAddress>& brokers() const noexcept { return brokers_; }

 private:
  std::map<std::int32_t, BrokerAddress> brokers_;
  std::map<std::string, TopicInfo, std::less<>> topics_;
};

}  // namespace sluice::net
