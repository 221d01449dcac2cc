#pragma once
// Metadata (key 3), v0-v13.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/result.hpp"
#include "sluice/protocol/uuid.hpp"

namespace sluice::protocol {

struct MetadataRequest {
  struct Topic {
    Uuid topic_id;                    // v10+ (zero: by name)
    std::optional<std::string> name;  // nullable v10+
  };
  // nullopt = all topics (v1+; v0 sends an empty array, which meant "all" there).
  std::optional<std::vector<Topic>> topics;
  bool allow_auto_topic_creation = true;             // v4+
  bool include_cluster_authorized_operations = false;  // v8-v10
  bool include_topic_authorized_operations = false;    // v8+
};

struct MetadataResponse {
  struct Broker {
    std::int32_t node_id = 0;
    std::string host;
    std::int32_t port = 0;
    std::optional<std::string> rack;  // v1+
  };
  struct Partition {
    std::int16_t error_code = 0;
    std::int32_t partition_index = 0;
    std::int32_t leader_id = -1;
    std::int32_t leader_epoch = -1;  // v7+
    std::vector<std::int32_t> replica_nodes;
    std::vector<std::int32_t> isr_nodes;
    std::vector<std::int32_t> offline_replicas;  // v5+
  };
  struct Topic {
    std::int16_t error_code = 0;
    std::optional<std::string> name;  // nullable v12+
    Uuid topic_id;                    // v10+
    bool is_internal = false;         // v1+
    std::vector<Partition> partitions;
    std::int32_t topic_authorized_operations = INT32_MIN;  // v8+
  };
  std::int32_t throttle_time_ms = 0;  // v3+
  std::vector<Broker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  std::int32_t controller_id = -1;        // v1+
  std::vector<Topic> topics;
  std::int32_t cluster_authorized_operations = INT32_MIN;  // v8-v10
  std::int16_t error_code = 0;                              // v13+ (REBOOTSTRAP_REQUIRED)
};

std::error_code encode(const MetadataRequest& m, BufferWriter& w, std::int16_t version);
Result<MetadataResponse> decode_metadata_response(std::span<const std::uint8_t> body, std::int16_t version);

}  // namespace sluice::protocol
