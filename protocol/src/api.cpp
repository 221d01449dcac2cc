#include "sluice/protocol/api.hpp"

#include <array>

namespace sluice::protocol {

namespace {
// New APIs go at the end: the response_header fuzz target picks an API by
// its index here, so existing seeds keep their meaning.
constexpr std::array kKnown{ApiKey::Produce,        ApiKey::Metadata,         ApiKey::SaslHandshake,
                            ApiKey::ApiVersions,    ApiKey::InitProducerId,   ApiKey::SaslAuthenticate,
                            ApiKey::CreateTopics};
}

std::span<const ApiKey> known_apis() noexcept { return kKnown; }

const char* api_name(ApiKey key) noexcept {
  switch (key) {
    case ApiKey::Produce: return "Produce";
    case ApiKey::Metadata: return "Metadata";
    case ApiKey::SaslHandshake: return "SaslHandshake";
    case ApiKey::ApiVersions: return "ApiVersions";
    case ApiKey::InitProducerId: return "InitProducerId";
    case ApiKey::SaslAuthenticate: return "SaslAuthenticate";
    case ApiKey::CreateTopics: return "CreateTopics";
  }
  return "Unknown";
}

VersionRange supported_versions(ApiKey key) noexcept {
  switch (key) {
    case ApiKey::Produce: return {3, 13};  // v0-v2 (magic 0/1) are rejected by 4.x brokers
    case ApiKey::Metadata: return {0, 13};
    case ApiKey::SaslHandshake: return {0, 1};
    case ApiKey::ApiVersions: return {0, 4};
    case ApiKey::InitProducerId: return {0, 5};
    case ApiKey::SaslAuthenticate: return {0, 2};
    case ApiKey::CreateTopics: return {2, 7};  // v0-v1 lack ThrottleTimeMs; 4.x brokers start at v2
  }
  return {};
}

std::optional<std::int16_t> first_flexible_version(ApiKey key) noexcept {
  switch (key) {
    case ApiKey::Produce: return 9;
    case ApiKey::Metadata: return 9;
    case ApiKey::SaslHandshake: return std::nullopt;
    case ApiKey::ApiVersions: return 3;
    case ApiKey::InitProducerId: return 2;
    case ApiKey::SaslAuthenticate: return 2;
    case ApiKey::CreateTopics: return 5;
  }
  return std::nullopt;
}

}  // namespace sluice::protocol
