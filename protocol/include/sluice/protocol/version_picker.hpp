#pragma once
// Chooses, per API, the highest version both the broker (from its
// ApiVersions response) and this codec support.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"

namespace sluice::protocol {

class NegotiatedVersions {
 public:
  NegotiatedVersions() = default;
  explicit NegotiatedVersions(const ApiVersionsResponse& broker);

  // The version to use for `key`, or nullopt if there is none in common.
  std::optional<std::int16_t> version(ApiKey key) const noexcept;
  // The broker's advertised range (empty range if not advertised).
  VersionRange broker_range(ApiKey key) const noexcept;
  // "Produce: no common version (broker 0-2, Sluice 3-13)" — for errors.
  std::string describe_mismatch(ApiKey key) const;
  // "Produce=v12 Metadata=v13 ..." — for diagnostics.
  std::string summary() const;

 private:
  static std::size_t slot(ApiKey key) noexcept;
  std::array<VersionRange, 7> broker_{};  // one per known_apis() entry
};

}  // namespace sluice::protocol
