#pragma once
// The ApiVersions exchange as a pure decision, without I/O: given the version
// Sluice asked at and the response body it got, accept the broker's list,
// ask again at another version, or give up with a message. Servers answer a
// version they do not know in differing layouts (v0's by the spec; librdkafka's
// mock cluster mixes a one-byte count with v0 entries), so the decision is
// kept here where every byte of such an answer can be tested.
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "sluice/protocol/api_versions.hpp"

namespace sluice::net {

struct ApiVersionsAccept {
  protocol::ApiVersionsResponse response;  // error_code 0
};
struct ApiVersionsRetry {
  std::int16_t version;  // always below the version just asked: the exchange ends
};
struct ApiVersionsFail {
  bool unsupported;     // no version in common (else: an answer that makes no sense)
  std::string message;  // names the API and both sides' versions; the caller adds the broker
};
using ApiVersionsStep = std::variant<ApiVersionsAccept, ApiVersionsRetry, ApiVersionsFail>;

// What to do after asking ApiVersions at `asked` and getting `body` (the
// response after the correlation id).
ApiVersionsStep next_api_versions_step(std::int16_t asked, std::span<const std::uint8_t> body);

}  // namespace sluice::net
