#include "sluice/protocol/version_picker.hpp"

#include <algorithm>

namespace sluice::protocol {

std::size_t NegotiatedVersions::slot(ApiKey key) noexcept {
  auto apis = known_apis();
  for (std::size_t i = 0; i < apis.size(); ++i) {
    if (apis[i] == key) return i;
  }
  return 0;
}

NegotiatedVersions::NegotiatedVersions(const ApiVersionsResponse& broker) {
  for (ApiKey key : known_apis()) {
    if (auto r = broker.range_of(key)) broker_[slot(key)] = *r;
  }
}

VersionRange NegotiatedVersions::broker_range(ApiKey key) const noexcept { return broker_[slot(key)]; }

std::optional<std::int16_t> NegotiatedVersions::version(ApiKey key) const noexcept {
  VersionRange ours = supported_versions(key);
  VersionRange theirs = broker_range(key);
  if (theirs.empty()) return std::nullopt;
  // Produce: ours starts at v3 — brokers still advertise v0-v2 but reject them.
  auto lo = std::max(ours.min, theirs.min);
  auto hi = std::min(ours.max, theirs.max);
  if (hi < lo) return std::nullopt;
  return hi;
}

std::string NegotiatedVersions::describe_mismatch(ApiKey key) const {
  VersionRange ours = supported_versions(key);
  VersionRange theirs = broker_range(key);
  std::string s = std::string(api_name(key)) + ": no common version (broker ";
  s += theirs.empty() ? std::string("does not support it") : std::to_string(theirs.min) + "-" + std::to_string(theirs.max);
  s += ", Sluice " + std::to_string(ours.min) + "-" + std::to_string(ours.max) + ")";
  return s;
}

std::string NegotiatedVersions::summary() const {
  std::string s;
  for (ApiKey key : known_apis()) {
    if (!s.empty()) s += ' ';
    s += api_name(key);
    auto v = version(key);
    s += v ? "=v" + std::to_string(*v) : std::string("=none");
  }
  return s;
}

}  // namespace sluice::protocol
