#pragma once
// What Config::resolve() refused, for the configuration tests
// (config_resolve_test.cpp, config_security_test.cpp, config_oauth_test.cpp):
// the property a ConfigError names and its message.
#include <functional>
#include <string>

#include "sluice/config.hpp"

namespace sluice::test {

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
