#pragma once
// The Kafka APIs a producer uses, the versions this codec encodes and
// decodes, and which versions are "flexible" (compact encodings, tagged
// fields, header v2/v1).
#include <cstdint>
#include <optional>
#include <span>

namespace sluice::protocol {

enum class ApiKey : std::int16_t {
  Produce = 0,
  Metadata = 3,
  SaslHandshake = 17,
  ApiVersions = 18,
  CreateTopics = 19,  // admin: Producer::create_topics
  InitProducerId = 22,
  SaslAuthenticate = 36,
};

struct VersionRange {
  std::int16_t min = 0;
  std::int16_t max = -1;  // max < min: empty
  bool contains(std::int16_t v) const noexcept { return v >= min && v <= max; }
  bool empty() const noexcept { return max < min; }
};

// The APIs Sluice speaks, in a fixed order (for iteration and diagnostics).
std::span<const ApiKey> known_apis() noexcept;
const char* api_name(ApiKey key) noexcept;
// Versions this codec can encode (requests) and decode (responses).
VersionRange supported_versions(ApiKey key) noexcept;
// First flexible version of each API, or nullopt if it has none.
std::optional<std::int16_t> first_flexible_version(ApiKey key) noexcept;
inline bool is_flexible(ApiKey key, std::int16_t version) noexcept {
  auto f = first_flexible_version(key);
  return f && version >= *f;
}
// Header versions: request v2 / response v1 for flexible bodies, except that
// the ApiVersions response always uses header v0.
inline std::int16_t request_header_version(ApiKey key, std::int16_t version) noexcept {
  return is_flexible(key, version) ? 2 : 1;
}
inline std::int16_t response_header_version(ApiKey key, std::int16_t version) noexcept {
  if (key == ApiKey::ApiVersions) return 0;
  return is_flexible(key, version) ? 1 : 0;
}

}  // namespace sluice::protocol
