#pragma once
// CreateTopics (key 19), v2-v7. Flexible from v5 (compact strings and
// arrays, tagged fields); v5+ responses carry each topic's partitions,
// replication factor and configs (KIP-525), with TopicConfigErrorCode as
// tagged field 0; v7 adds the topic id.
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

struct CreateTopicsRequest {
  struct Assignment {
    std::int32_t partition_index = 0;
    std::vector<std::int32_t> broker_ids;
  };
  struct Config {
    std::string name;
    std::optional<std::string> value;
  };
  struct Topic {
    std::string name;
    std::int32_t num_partitions = -1;      // -1: broker default (v4+) or manual assignments
    std::int16_t replication_factor = -1;  // -1: broker default (v4+) or manual assignments
    std::vector<Assignment> assignments;   // empty: automatic assignment
    std::vector<Config> configs;
  };
  std::vector<Topic> topics;
  std::int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+
};

struct CreateTopicsResponse {
  struct Config {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    std::int8_t config_source = -1;
    bool is_sensitive = false;
  };
  struct Topic {
    std::string name;
    Uuid topic_id;                                // v7+
    std::int16_t error_code = 0;
    std::optional<std::string> error_message;
    std::int16_t topic_config_error_code = 0;     // v5+, tagged field 0
    std::int32_t num_partitions = -1;             // v5+
    std::int16_t replication_factor = -1;         // v5+
    std::optional<std::vector<Config>> configs;  // v5+ (nullable)
  };
  std::int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;
};

std::error_code encode(const CreateTopicsRequest& m, BufferWriter& w, std::int16_t version);
Result<CreateTopicsResponse> decode_create_topics_response(std::span<const std::uint8_t> body, std::int16_t version);

}  // namespace sluice::protocol
