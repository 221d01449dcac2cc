#pragma once
// The property table behind sluice::Config (private to producer/src):
// every property with its aliases, the names the Java client and
// librdkafka give it, its type and what a value must look like.
// Parsing a value is config.cpp's; turning values into ProducerSettings is
// config_resolve.cpp's and config_security.cpp's. docs/CONFIGURATION.md
// lists the same rows (config_properties_test.cpp checks it).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "sluice/config.hpp"

namespace sluice::detail {

enum class Kind {
  string, integer, decimal_ms, acks, compression, compression_level, boolean, producer_type, partitioner,
  dns_lookup, recovery, rejected, serializer, log_level, debug_contexts,
  // security (docs/SECURITY.md); `secret` and `jaas` values never appear in messages
  security_protocol, truststore_type, keystore_type, endpoint_identification, sasl_mechanism, secret, jaas,
  tls_protocols, oauthbearer_method, login_callback_handler, sasl_extensions
};

struct Spec {
  PropertyInfo info;
  Kind kind;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

const std::vector<Spec>& specs();
// The row of `name` (the property's name or any alias), or null.
const Spec* find_spec(std::string_view name);
// The row of a canonical name that must exist (for resolve()).
const Spec& spec_of(std::string_view canonical);

bool is_secret(const Spec& s);

// A decimal number of milliseconds ("5", "0.5", "2.25") as microseconds,
// truncated to whole microseconds (librdkafka keeps linger.ms in µs the
// same way). Null for anything else (signs, exponents, empty parts).
std::optional<std::int64_t> parse_decimal_ms(std::string_view v);
std::optional<std::int64_t> parse_int(std::string_view v);

// sasl.oauthbearer.extensions: "key=value,key2=value2" (keys letters only,
// not "auth"). Null with `error` set otherwise.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_sasl_extensions(std::string_view v,
                                                                                       std::string& error);

// debug: librdkafka's context names, those that apply to a producer.
bool debug_context_applies(std::string_view context);
// The DebugContext bits of a context that applies ("all": every one), 0 otherwise.
std::uint32_t debug_context_bits(std::string_view context);
bool debug_context_known(std::string_view context);

}  // namespace sluice::detail
