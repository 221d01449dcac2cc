#include "sluice/protocol/init_producer_id.hpp"

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"

namespace sluice::protocol {

std::error_code encode(const InitProducerIdRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::InitProducerId).contains(version)) return codec_errc::unsupported_version;
  const bool flex = version >= 2;
  w.nullable_string(m.transactional_id, flex);
  w.int32(m.transaction_timeout_ms);
  if (version >= 3) {
    w.int64(m.producer_id);
    w.int16(m.producer_epoch);
  }
  if (flex) w.empty_tagged_fields();
  return {};
}

Result<InitProducerIdResponse> decode_init_producer_id_response(std::span<const std::uint8_t> body,
                                                                std::int16_t version) {
  if (auto bad = check_version(ApiKey::InitProducerId, "InitProducerIdResponse", version)) return *bad;
  BufferReader r(body);
  InitProducerIdResponse m;
  m.throttle_time_ms = r.int32("ThrottleTimeMs");
  m.error_code = r.int16("ErrorCode");
  m.producer_id = r.int64("ProducerId");
  m.producer_epoch = r.int16("ProducerEpoch");
  if (version >= 2) r.skip_tagged_fields("TaggedFields");
  return finish_response(r, std::move(m));
}

}  // namespace sluice::protocol
