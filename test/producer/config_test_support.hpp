#pragma once
// What the configuration tests share (config_resolve_test.cpp,
// config_security_test.cpp, config_oauth_test.cpp, oauth_setup_test.cpp):
// a property map resolved with a bootstrap server, and what
// Config::resolve() refused (the property a ConfigError names, its message).
#include <functional>
#include <map>
#include <string>

#include "sluice/config.hpp"

namespace sluice::test {

// `properties` with bootstrap.servers=h:1 (replacing any given), resolved.
inline ProducerSettings resolve(std::map<std::string, std::string> properties) {
  properties["bootstrap.servers"] = "h:1";
  return Config::from_map(properties).resolve();
}

// The same over SASL_PLAINTEXT with OAUTHBEARER, unless `properties` name others.
inline ProducerSettings resolve_oauthbearer(std::map<std::string, std::string> properties) {
  properties.emplace("security.protocol", "SASL_PLAINTEXT");
  properties.emplace("sasl.mechanism", "OAUTHBEARER");
  return resolve(std::move(properties));
}

struct Failure {
  std::string property;
  std::string message;
};

// The ConfigError `f` throws; empty when it throws none.
inline Failure error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return {e.property(), e.what()};
  }
  return {};
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace sluice::test
