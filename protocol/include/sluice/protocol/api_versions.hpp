#pragma once
// ApiVersions (key 18), v0-v4.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/result.hpp"

namespace sluice::protocol {

// The version of Sluice this layer was built as: PROJECT_VERSION of the top
// CMakeLists.txt, the one place it is defined (protocol/CMakeLists.txt hands
// it to api_versions.cpp). The same string as sluice::version(), which
// protocol/ cannot include (it depends on nothing of ours).
const char* sluice_version() noexcept;

struct ApiVersionsRequest {
  // v3+; both must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?, or the
  // broker answers INVALID_REQUEST.
  std::string client_software_name = "sluice";
  std::string client_software_version = sluice_version();
};

struct ApiVersionsResponse {
  struct ApiVersion {
    std::int16_t api_key = 0;
    std::int16_t min_version = 0;
    std::int16_t max_version = 0;
  };
  struct SupportedFeature {
    std::string name;
    std::int16_t min_version = 0;
    std::int16_t max_version = 0;
  };
  struct FinalizedFeature {
    std::string name;
    std::int16_t max_version_level = 0;
    std::int16_t min_version_level = 0;
  };
  std::int16_t error_code = 0;
  std::vector<ApiVersion> api_keys;
  std::int32_t throttle_time_ms = 0;                  // v1+
  std::vector<SupportedFeature> supported_features;   // tag 0, v3+
  std::int64_t finalized_features_epoch = -1;         // tag 1, v3+
  std::vector<FinalizedFeature> finalized_features;   // tag 2, v3+
  bool zk_migration_ready = false;                    // tag 3, v3+

  // The broker's range for `key`, if it supports it.
  std::optional<VersionRange> range_of(ApiKey key) const noexcept;
};

std::error_code encode(const ApiVersionsRequest& m, BufferWriter& w, std::int16_t version);
Result<ApiVersionsResponse> decode_api_versions_response(std::span<const std::uint8_t> body, std::int16_t version);

}  // namespace sluice::protocol
