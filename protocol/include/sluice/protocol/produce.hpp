#pragma once
// Produce (key 0), v3-v13. v13 names topics by topic_id instead of name.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/request_segments.hpp"
#include "sluice/protocol/result.hpp"
#include "sluice/protocol/uuid.hpp"

namespace sluice::protocol {

struct ProduceRequest {
  struct Partition {
    std::int32_t index = 0;
    // One encoded RecordBatch v2 (viewed, not owned: the batch stays in the
    // accumulator's buffer until the request is answered).
    std::span<const std::uint8_t> records;
  };
  struct Topic {
    std::string name;  // v3-v12
    Uuid topic_id;     // v13+
    std::vector<Partition> partitions;
  };
  std::optional<std::string> transactional_id;  // v3+
  std::int16_t acks = -1;
  std::int32_t timeout_ms = 30000;
  std::vector<Topic> topics;
};

struct ProduceResponse {
  struct RecordError {
    std::int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;
  };
  struct LeaderIdAndEpoch {
    std::int32_t leader_id = -1;
    std::int32_t leader_epoch = -1;
  };
  struct Partition {
    std::int32_t index = 0;
    std::int16_t error_code = 0;
    std::int64_t base_offset = -1;
    std::int64_t log_append_time_ms = -1;  // v2+
    std::int64_t log_start_offset = -1;    // v5+
    std::vector<RecordError> record_errors;  // v8+
    std::optional<std::string> error_message;  // v8+
    std::optional<LeaderIdAndEpoch> current_leader;  // tag 0, v10+
  };
  struct Topic {
    std::string name;  // v3-v12
    Uuid topic_id;     // v13+
    std::vector<Partition> partitions;
  };
  struct NodeEndpoint {
    std::int32_t node_id = 0;
    std::string host;
    std::int32_t port = 0;
    std::optional<std::string> rack;
  };
  std::vector<Topic> topics;
  std::int32_t throttle_time_ms = 0;
  std::vector<NodeEndpoint> node_endpoints;  // tag 0, v10+
};

std::error_code encode(const ProduceRequest& m, BufferWriter& w, std::int16_t version);
// The same request in gathered form: every byte encode() would write, except
// that each partition's records are not copied into `w`; a Splice (at
// w.size() where they belong: an offset in w's whole buffer, so a size
// prefix and header written before count) refers to them in place. So
// flatten(w.buffer(), splices) == encode()'s output. The records must stay
// alive and unchanged until the gathered write completes. On error nothing
// is written or spliced.
std::error_code encode_gathered(const ProduceRequest& m, BufferWriter& w, std::int16_t version, Splices& splices);
Result<ProduceResponse> decode_produce_response(std::span<const std::uint8_t> body, std::int16_t version);

}  // namespace sluice::protocol
