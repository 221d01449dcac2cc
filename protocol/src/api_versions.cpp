#include "sluice/protocol/api_versions.hpp"

#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"

// SLUICE_PROTOCOL_VERSION comes from protocol/CMakeLists.txt, for this file only.
#ifndef SLUICE_PROTOCOL_VERSION
#error "SLUICE_PROTOCOL_VERSION is not defined: protocol/CMakeLists.txt sets it from PROJECT_VERSION"
#endif

namespace sluice::protocol {

const char* sluice_version() noexcept { return SLUICE_PROTOCOL_VERSION; }

std::optional<VersionRange> ApiVersionsResponse::range_of(ApiKey key) const noexcept {
  for (const auto& a : api_keys) {
    if (a.api_key == static_cast<std::int16_t>(key)) return VersionRange{a.min_version, a.max_version};
  }
  return std::nullopt;
}

std::error_code encode(const ApiVersionsRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::ApiVersions).contains(version)) return codec_errc::unsupported_version;
  if (version >= 3) {
    w.string(m.client_software_name, true);
    w.string(m.client_software_version, true);
    w.empty_tagged_fields();
  }
  return {};
}

Result<ApiVersionsResponse> decode_api_versions_response(std::span<const std::uint8_t> body, std::int16_t version) {
  if (auto bad = check_version(ApiKey::ApiVersions, "ApiVersionsResponse", version)) return *bad;
  const bool flex = version >= 3;
  BufferReader r(body);
  ApiVersionsResponse m;
  m.error_code = r.int16("ErrorCode");
  std::size_t n = r.array_length("ApiKeys", flex, 6);
  m.api_keys.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    auto& a = m.api_keys.emplace_back();
    a.api_key = r.int16("ApiKeys.ApiKey");
    a.min_version = r.int16("ApiKeys.MinVersion");
    a.max_version = r.int16("ApiKeys.MaxVersion");
    if (flex) r.skip_tagged_fields("ApiKeys.TaggedFields");
  }
  if (version >= 1) m.throttle_time_ms = r.int32("ThrottleTimeMs");
  if (flex) {
    r.tagged_fields("TaggedFields", [&](std::uint32_t tag, BufferReader& t) {
      switch (tag) {
        case 0: {
          std::size_t k = t.array_length("SupportedFeatures", true, 6);
          for (std::size_t i = 0; i < k && t.ok(); ++i) {
            auto& f = m.supported_features.emplace_back();
            f.name = t.string("SupportedFeatures.Name", true);
            f.min_version = t.int16("SupportedFeatures.MinVersion");
            f.max_version = t.int16("SupportedFeatures.MaxVersion");
            t.skip_tagged_fields("SupportedFeatures.TaggedFields");
          }
          break;
        }
        case 1: m.finalized_features_epoch = t.int64("FinalizedFeaturesEpoch"); break;
        case 2: {
          std::size_t k = t.array_length("FinalizedFeatures", true, 6);
          for (std::size_t i = 0; i < k && t.ok(); ++i) {
            auto& f = m.finalized_features.emplace_back();
            f.name = t.string("FinalizedFeatures.Name", true);
            f.max_version_level = t.int16("FinalizedFeatures.MaxVersionLevel");
            f.min_version_level = t.int16("FinalizedFeatures.MinVersionLevel");
            t.skip_tagged_fields("FinalizedFeatures.TaggedFields");
          }
          break;
        }
        case 3: m.zk_migration_ready = t.boolean("ZkMigrationReady"); break;
        default: t.raw("UnknownTaggedField", t.remaining()); break;
      }
      if (t.ok() && !t.at_end()) t.fail(codec_errc::trailing_bytes, "TaggedFields");
    });
  }
  return finish_exact(r, std::move(m));
}

}  // namespace sluice::protocol
