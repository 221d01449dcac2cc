#pragma once
// InitProducerId (key 22), v0-v5.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

struct InitProducerIdRequest {
  std::optional<std::string> transactional_id;     // null for idempotent-only
  std::int32_t transaction_timeout_ms = INT32_MAX;  // what Java sends when idempotent-only
  std::int64_t producer_id = -1;                    // v3+
  std::int16_t producer_epoch = -1;                 // v3+
};

struct InitProducerIdResponse {
  std::int32_t throttle_time_ms = 0;
  std::int16_t error_code = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

std::error_code encode(const InitProducerIdRequest& m, BufferWriter& w, std::int16_t version);
Result<InitProducerIdResponse> decode_init_producer_id_response(std::span<const std::uint8_t> body,
                                                                std::int16_t version);

}  // namespace sluice::protocol
