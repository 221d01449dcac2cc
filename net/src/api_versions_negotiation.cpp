#include "sluice/net/api_versions_negotiation.hpp"

#include <algorithm>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::net {

namespace {

constexpr std::int16_t kUnsupportedVersion = 35;

std::string ours() {
  const auto r = protocol::supported_versions(protocol::ApiKey::ApiVersions);
  return "Sluice " + std::to_string(r.min) + "-" + std::to_string(r.max);
}

}  // namespace

ApiVersionsStep next_api_versions_step(std::int16_t asked, std::span<const std::uint8_t> body) {
  // The layout of the version asked, else v0's (what the spec says a broker
  // answers a version it does not know with). Each decoder accepts only a
  // layout that consumes the whole body, so a misread never passes as a list.
  auto resp = protocol::decode_api_versions_response(body, asked);
  if (!resp && asked > 0) resp = protocol::decode_api_versions_response(body, 0);
  if (!resp) {
    // Unreadable at both: every server answers v0 in v0's layout, so ask
    // once more there before giving up (librdkafka's mock cluster needs it).
    if (asked > 0) return ApiVersionsRetry{0};
    return ApiVersionsFail{false, "ApiVersions: the broker's v0 answer cannot be parsed (" + resp.error().message() +
                           "; " + ours() + ")"};
  }
  if (resp->error_code == kUnsupportedVersion) {
    // The throttle time of this answer is ignored: it is no real response.
    const auto theirs = resp->range_of(protocol::ApiKey::ApiVersions);
    const std::int16_t next = theirs ? std::min(theirs->max, protocol::supported_versions(protocol::ApiKey::ApiVersions).max)
                                     : std::int16_t{0};
    // Only downwards: a server that keeps rejecting ends the exchange at v0.
    if (next < asked && next >= 0) return ApiVersionsRetry{next};
    std::string range = theirs ? "broker " + std::to_string(theirs->min) + "-" + std::to_string(theirs->max)
                               : std::string("broker lists none");
    return ApiVersionsFail{true, "ApiVersions: v" + std::to_string(asked) + " rejected as UNSUPPORTED_VERSION (" + range +
                           ", " + ours() + ")"};
  }
  if (resp->error_code != 0) {
    return ApiVersionsFail{false, "ApiVersions v" + std::to_string(asked) + " failed: " +
                           protocol::kafka_error_info(resp->error_code).name};
  }
  return ApiVersionsAccept{std::move(*resp)};
}

}  // namespace sluice::net
