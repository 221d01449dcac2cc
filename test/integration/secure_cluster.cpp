// Helpers for the tests against a secure cluster. See secure_cluster.hpp.
#include "secure_cluster.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster_control.hpp"

namespace sluice::test {

SecureInfo::SecureInfo(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) kv_[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

std::string SecureInfo::at(const std::string& key) const {
  auto it = kv_.find(key);
  if (it == kv_.end()) FAIL("secure-info has no '" << key << "': is tools/kafka-local's --secure mode up to date?");
  return it->second;
}

std::string SecureInfo::first(const std::string& key) const {
  const std::string list = at(key);
  return list.substr(0, list.find(','));
}

SecureInfo secure_info_or_fail() {
  if (const char* v = std::getenv("SLUICE_SECURE_INFO"); v != nullptr && *v != '\0') {
    const std::string value = v;
    if (value.find('=') != std::string::npos) return SecureInfo(value);
    std::ifstream in(value);
    if (!in) FAIL("SLUICE_SECURE_INFO=" << value << " is neither key=value text nor a readable file");
    std::stringstream text;
    text << in.rdbuf();
    return SecureInfo(text.str());
  }
  auto r = cluster::kafka_local({"secure-info"});
  if (!r.ok()) {
    FAIL("these tests need a secure Kafka cluster: start one with `tools/kafka-local --base N start --secure` and "
         "export SLUICE_KAFKA_BASE=N (or SLUICE_SECURE_INFO=<its secure-info file>). `"
         << r.command << "` said: " << r.output);
  }
  return SecureInfo(r.output);
}

std::map<std::string, std::string> sasl_ssl(const SecureInfo& info, const std::string& mechanism,
                                            const std::string& user, const std::string& password) {
  return {{"bootstrap.servers", info.at("bootstrap.sasl_ssl")},
          {"security.protocol", "SASL_SSL"},
          {"ssl.ca.location", info.at("ca.file")},
          {"sasl.mechanism", mechanism},
          {"sasl.username", user},
          {"sasl.password", password}};
}

sluice::ProducerOptions LogCapture::options() {
  sluice::ProducerOptions o;
  o.log_level = sluice::LogLevel::debug;
  o.log_sink = [this](sluice::LogLevel level, std::string_view message) {
    std::lock_guard lock(mu_);
    lines_.emplace_back(message);
    levels_.push_back(level);
  };
  return o;
}

std::string LogCapture::all() const {
  std::string out;
  for (const auto& l : lines()) out += l + "\n";
  return out;
}

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

std::size_t LogCapture::count(sluice::LogLevel level, const std::string& part) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (std::size_t i = 0; i < lines_.size(); ++i) n += levels_[i] == level && lines_[i].find(part) != std::string::npos;
  return n;
}

bool LogCapture::wait_for(const std::string& part, std::chrono::milliseconds limit) const {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (contains(part)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return contains(part);
}

}  // namespace sluice::test
