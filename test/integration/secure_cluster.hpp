#pragma once
// What the tests against `tools/kafka-local start --secure` share: the
// cluster's description (`tools/kafka-local secure-info`, key=value lines),
// the SASL_SSL properties of a user, and a capture of everything a producer
// logs. Without a secure cluster, secure_info_or_fail() fails the test,
// saying how to start one.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sluice.hpp"

namespace sluice::test {

class SecureInfo {
 public:
  explicit SecureInfo(const std::string& text);
  // The value of `key`; fails the test when secure-info has none.
  std::string at(const std::string& key) const;
  // The first broker of a listener's bootstrap list (host:port).
  std::string first(const std::string& key) const;

 private:
  std::map<std::string, std::string> kv_;
};

// SLUICE_SECURE_INFO (a file, or the text itself), else `tools/kafka-local
// secure-info` for the cluster of SLUICE_KAFKA_BASE.
SecureInfo secure_info_or_fail();

// bootstrap.sasl_ssl with the cluster's CA, `mechanism`, `user` and `password`.
std::map<std::string, std::string> sasl_ssl(const SecureInfo& info, const std::string& mechanism,
                                            const std::string& user, const std::string& password);

// Everything the producer logs (every level), for checking what a user would read.
class LogCapture {
 public:
  sluice::ProducerOptions options();
  std::string all() const;
  std::vector<std::string> lines() const;
  // The lines logged at `level` that contain `part`.
  std::size_t count(sluice::LogLevel level, const std::string& part) const;
  bool contains(const std::string& part) const { return all().find(part) != std::string::npos; }
  // Polls until a line contains `part`, or `limit` passes.
  bool wait_for(const std::string& part, std::chrono::milliseconds limit) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::vector<sluice::LogLevel> levels_;  // lines_[i]'s level
};

}  // namespace sluice::test
