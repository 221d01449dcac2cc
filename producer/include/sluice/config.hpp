#pragma once
// Producer configuration by Kafka property names: the Java client's names,
// librdkafka's where they differ, and the Kafka 0.8 names, each an alias of
// one property with one default (docs/CONFIGURATION.md lists them).
// Every problem is a ConfigError naming the property, the value and what is
// accepted, thrown when the property is set or the producer is built.
#include "sluice/export.hpp"
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/security.hpp"

namespace sluice {

class SLUICE_API ConfigError : public std::invalid_argument {
 public:
  ConfigError(std::string property, const std::string& message)
      : std::invalid_argument(message), property_(std::move(property)) {}
  const std::string& property() const noexcept { return property_; }

 private:
  std::string property_;
};

// The resolved, typed settings (what the engine reads).
struct ProducerSettings {
  std::string bootstrap_servers;
  std::string client_id = "sluice";
  std::int16_t acks = -1;
  // linger.ms, to the microsecond (librdkafka takes fractions: 0.5).
  std::chrono::microseconds linger{5000};
  std::string compression = "none";  // none, gzip, snappy, lz4, zstd
  // compression.level / compression.<codec>.level; nullopt: the codec's default.
  std::optional<int> compression_level;
  std::size_t batch_size = 16384;
  std::int32_t batch_num_messages = 10000;
  std::size_t max_request_size = 1048576;
  std::int32_t max_in_flight = 5;
  std::int32_t retries = INT32_MAX;
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds delivery_timeout{120000};
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds max_block{60000};
  // How long send() may wait for buffer space: queue.enqueue.timeout.ms if
  // set (-1: kNoLimit), else max.block.ms.
  std::chrono::milliseconds enqueue_timeout{60000};
  // The periodic metadata refresh: metadata.max.age.ms, or
  // topic.metadata.refresh.interval.ms (-1: kNoLimit), the smaller of the
  // two when both are set.
  std::chrono::milliseconds metadata_max_age{300000};
  std::chrono::milliseconds metadata_max_idle{300000};
  std::chrono::milliseconds reconnect_backoff{50};
  std::chrono::milliseconds reconnect_backoff_max{1000};
  std::chrono::milliseconds retry_backoff_max{1000};
  bool enable_idempotence = true;   // effective value (after the conflict rules)
  bool sync = false;                // producer.type=sync
  // delivery.report.only.error: a send()'s callback runs for failed records
  // only (Producer::send says which calls it applies to).
  bool delivery_report_only_error = false;
  std::size_t buffer_memory = 33554432;
  std::size_t max_queued_records = 0;  // queue.buffering.max.messages; 0 = no limit
  std::string partitioner = "default";
  bool partitioner_ignore_keys = false;
  std::chrono::milliseconds statistics_interval{0};
  bool allow_auto_create_topics = true;
  int send_buffer_bytes = 131072;     // <= 0: the OS default
  bool socket_keepalive = false;      // socket.keepalive.enable: SO_KEEPALIVE
  int receive_buffer_bytes = 32768;
  std::chrono::milliseconds connections_max_idle{540000};  // 0: never
  std::size_t max_response_bytes = 100000000;
  bool rebootstrap = true;
  std::chrono::milliseconds rebootstrap_trigger{300000};
  // security.protocol, ssl.*, sasl.* (sluice/security.hpp, docs/SECURITY.md); holds secrets.
  SecuritySettings security;
  // log_level (syslog 0..7) when set; debug: the contexts asked for, as
  // bits of DebugContext (sluice/log.hpp; 0: none), docs/CONFIGURATION.md.
  std::optional<int> log_level;
  std::uint32_t debug_contexts = 0;
  // Settings the producer changed on its own (e.g. idempotence turned off
  // because a chosen setting contradicts it): logged once at start.
  std::vector<std::string> notices;
  // Settings that do nothing in this configuration (e.g. ssl.* under
  // PLAINTEXT): logged once at start as warnings.
  std::vector<std::string> warnings;

  // "No limit" for a duration: about 24.8 days (2^31-1 ms, Kafka's largest
  // int property), far past any deadline yet safe to add to a clock reading.
  static constexpr std::chrono::milliseconds kNoLimit{2147483647};
};

class SLUICE_API Config {
 public:
  Config() = default;
  // Builds from name/value pairs; throws ConfigError on the first problem.
  static Config from_map(const std::map<std::string, std::string>& properties);
  // Reads a Java .properties file (java.util.Properties' grammar: '=', ':'
  // or whitespace separators, # and ! comments, \ line continuations and
  // escapes). Throws ConfigError naming the file and line on a bad line.
  static Config from_properties_file(const std::string& path);

  // Sets one property (any of its names). Throws ConfigError for an unknown
  // name, a bad value, or a property already set under another name.
  Config& set(std::string_view name, std::string_view value);
  // Sets one property whichever of its names it was set under before: the
  // later setting wins (a command line's -X over its -F file). Same checks
  // as set() otherwise.
  Config& replace(std::string_view name, std::string_view value);

  // Checks cross-property rules (required properties, contradictions) and
  // returns the typed settings. Throws ConfigError.
  ProducerSettings resolve() const;

  // Canonical name -> value as set, for diagnostics. Holds secrets as set
  // (properties of type "password" in property_table(): sasl.password,
  // ssl.key.password, ssl.key.pem, ssl.keystore.password, sasl.jaas.config,
  // sasl.oauthbearer.client.secret):
  // never print those values.
  const std::map<std::string, std::string, std::less<>>& values() const noexcept { return values_; }

 private:
  Config& set(std::string_view name, std::string_view value, bool replacing);
  void resolve_timeouts(ProducerSettings& s) const;
  void resolve_compression(ProducerSettings& s) const;
  void resolve_idempotence(ProducerSettings& s) const;
  void resolve_security(ProducerSettings& s) const;
  void resolve_tls(ProducerSettings& s) const;
  void resolve_oauthbearer(ProducerSettings& s) const;  // config_oauth.cpp
  std::string value_of(std::string_view canonical) const;  // as set, or the default
  bool is_set(std::string_view canonical) const;
  const std::string& name_used(std::string_view canonical) const;  // for messages
  std::map<std::string, std::string, std::less<>> values_;      // canonical name -> value
  std::map<std::string, std::string, std::less<>> set_as_;      // canonical name -> name used
};

// One row of the property table, for docs and the tools' --help.
struct PropertyInfo {
  const char* name;
  std::vector<const char*> aliases;
  const char* type;
  const char* default_value;
  const char* accepted;
  const char* meaning;
  // The same setting's name in the Java client and in librdkafka ("" when
  // that client has no such setting), for docs/CONFIGURATION.md.
  const char* java = "";
  const char* librdkafka = "";
};
SLUICE_API const std::vector<PropertyInfo>& property_table();

}  // namespace sluice
