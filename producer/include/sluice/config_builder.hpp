#pragma once
// ConfigBuilder: the common properties with C++ types, for code that would
// rather not spell property names and values as strings. Each call sets the
// property through Config::set, so names, ranges and the one-name rule are
// checked in one place (a ConfigError at the call that breaks them);
// build() returns the Config, whose cross-property rules are checked when a
// Producer is made from it (Config::resolve).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sluice/config.hpp"

namespace sluice {

enum class Acks { none = 0, leader = 1, all = -1 };
enum class CompressionType { none, gzip, snappy, lz4, zstd };

class ConfigBuilder {
 public:
  using ms = std::chrono::milliseconds;

  ConfigBuilder& bootstrap_servers(std::string_view brokers) { return set("bootstrap.servers", brokers); }
  ConfigBuilder& client_id(std::string_view id) { return set("client.id", id); }
  ConfigBuilder& acks(Acks a) { return set("acks", std::to_string(static_cast<int>(a))); }
  ConfigBuilder& compression(CompressionType c) {
    static constexpr const char* names[] = {"none", "gzip", "snappy", "lz4", "zstd"};
    return set("compression.type", names[static_cast<int>(c)]);
  }
  // To the microsecond (linger.ms takes fractions: 500us is "0.500").
  ConfigBuilder& linger(std::chrono::microseconds t) {
    const auto us = t.count();
    std::string frac = std::to_string(us < 0 ? -(us % 1000) : us % 1000);
    return set("linger.ms", std::to_string(us / 1000) + "." + std::string(3 - frac.size(), '0') + frac);
  }
  ConfigBuilder& batch_size(std::size_t bytes) { return set("batch.size", std::to_string(bytes)); }
  ConfigBuilder& batch_num_messages(std::int32_t n) { return set("batch.num.messages", std::to_string(n)); }
  ConfigBuilder& max_request_size(std::size_t bytes) { return set("max.request.size", std::to_string(bytes)); }
  ConfigBuilder& max_in_flight(std::int32_t n) {
    return set("max.in.flight.requests.per.connection", std::to_string(n));
  }
  ConfigBuilder& retries(std::int32_t n) { return set("retries", std::to_string(n)); }
  ConfigBuilder& retry_backoff(ms t) { return set_ms("retry.backoff.ms", t); }
  ConfigBuilder& request_timeout(ms t) { return set_ms("request.timeout.ms", t); }
  ConfigBuilder& delivery_timeout(ms t) { return set_ms("delivery.timeout.ms", t); }
  ConfigBuilder& max_block(ms t) { return set_ms("max.block.ms", t); }
  ConfigBuilder& enable_idempotence(bool on) { return set("enable.idempotence", on ? "true" : "false"); }
  ConfigBuilder& buffer_memory(std::size_t bytes) { return set("buffer.memory", std::to_string(bytes)); }
  ConfigBuilder& sync(bool on) { return set("producer.type", on ? "sync" : "async"); }
  ConfigBuilder& partitioner(std::string_view name) { return set("partitioner", name); }
  ConfigBuilder& statistics_interval(ms t) { return set_ms("statistics.interval.ms", t); }
  // Any other property, by any of its names.
  ConfigBuilder& set(std::string_view name, std::string_view value) {
    config_.set(name, value);
    return *this;
  }

  // By value: `const Config& c = ConfigBuilder{}.bootstrap_servers(...).build();`
  // keeps its own copy alive (a reference into the temporary builder would
  // dangle at the end of that statement).
  Config build() const& { return config_; }
  Config build() && { return std::move(config_); }

 private:
  ConfigBuilder& set_ms(std::string_view name, ms t) { return set(name, std::to_string(t.count())); }
  Config config_;
};

}  // namespace sluice
