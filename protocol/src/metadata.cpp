#include "sluice/protocol/metadata.hpp"

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"

namespace sluice::protocol {

std::error_code encode(const MetadataRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::Metadata).contains(version)) return codec_errc::unsupported_version;
  const bool flex = version >= 9;
  if (!m.topics) {
    if (version == 0) {
      w.array_length(0, false);  // v0: empty means all topics
    } else {
      w.nullable_array_length(std::nullopt, flex);
    }
  } else {
    w.array_length(m.topics->size(), flex);
    for (const auto& t : *m.topics) {
      if (version >= 10) w.uuid(t.topic_id);
      if (version >= 10) {
        w.nullable_string(t.name, flex);
      } else {
        w.string(t.name.value_or(""), flex);
      }
      if (flex) w.empty_tagged_fields();
    }
  }
  if (version >= 4) w.boolean(m.allow_auto_topic_creation);
  if (version >= 8 && version <= 10) w.boolean(m.include_cluster_authorized_operations);
  if (version >= 8) w.boolean(m.include_topic_authorized_operations);
  if (flex) w.empty_tagged_fields();
  return {};
}

namespace {

std::vector<std::int32_t> read_int32_array(BufferReader& r, const char* field, bool flex) {
  std::vector<std::int32_t> out;
  std::size_t n = r.array_length(field, flex, 4);
  out.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.int32(field));
  return out;
}

}  // namespace

Result<MetadataResponse> decode_metadata_response(std::span<const std::uint8_t> body, std::int16_t version) {
  if (auto bad = check_version(ApiKey::Metadata, "MetadataResponse", version)) return *bad;
  const bool flex = version >= 9;
  BufferReader r(body);
  MetadataResponse m;
  if (version >= 3) m.throttle_time_ms = r.int32("ThrottleTimeMs");
  std::size_t nb = r.array_length("Brokers", flex, 10);
  m.brokers.reserve(nb);
  for (std::size_t i = 0; i < nb && r.ok(); ++i) {
    auto& b = m.brokers.emplace_back();
    b.node_id = r.int32("Brokers.NodeId");
    b.host = r.string("Brokers.Host", flex);
    b.port = r.int32("Brokers.Port");
    if (version >= 1) b.rack = r.nullable_string("Brokers.Rack", flex);
    if (flex) r.skip_tagged_fields("Brokers.TaggedFields");
  }
  if (version >= 2) m.cluster_id = r.nullable_string("ClusterId", flex);
  if (version >= 1) m.controller_id = r.int32("ControllerId");
  std::size_t nt = r.array_length("Topics", flex, 8);
  m.topics.reserve(nt);
  for (std::size_t i = 0; i < nt && r.ok(); ++i) {
    auto& t = m.topics.emplace_back();
    t.error_code = r.int16("Topics.ErrorCode");
    if (version >= 12) {
      t.name = r.nullable_string("Topics.Name", flex);
    } else {
      t.name = r.string("Topics.Name", flex);
    }
    if (version >= 10) t.topic_id = r.uuid("Topics.TopicId");
    if (version >= 1) t.is_internal = r.boolean("Topics.IsInternal");
    std::size_t np = r.array_length("Topics.Partitions", flex, 18);
    t.partitions.reserve(np);
    for (std::size_t j = 0; j < np && r.ok(); ++j) {
      auto& p = t.partitions.emplace_back();
      p.error_code = r.int16("Topics.Partitions.ErrorCode");
      p.partition_index = r.int32("Topics.Partitions.PartitionIndex");
      p.leader_id = r.int32("Topics.Partitions.LeaderId");
      if (version >= 7) p.leader_epoch = r.int32("Topics.Partitions.LeaderEpoch");
      p.replica_nodes = read_int32_array(r, "Topics.Partitions.ReplicaNodes", flex);
      p.isr_nodes = read_int32_array(r, "Topics.Partitions.IsrNodes", flex);
      if (version >= 5) p.offline_replicas = read_int32_array(r, "Topics.Partitions.OfflineReplicas", flex);
      if (flex) r.skip_tagged_fields("Topics.Partitions.TaggedFields");
    }
    if (version >= 8) t.topic_authorized_operations = r.int32("Topics.TopicAuthorizedOperations");
    if (flex) r.skip_tagged_fields("Topics.TaggedFields");
  }
  if (version >= 8 && version <= 10) m.cluster_authorized_operations = r.int32("ClusterAuthorizedOperations");
  if (version >= 13) m.error_code = r.int16("ErrorCode");
  if (flex) r.skip_tagged_fields("TaggedFields");
  return finish_response(r, std::move(m));
}

}  // namespace sluice::protocol
