// Config: setting properties by any of their names, checking each value
// against its row of the property table (config_properties.cpp), and
// reading .properties files (properties_file.cpp). resolve() is in
// config_resolve.cpp and config_security.cpp.
#include "sluice/config.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "config_properties.hpp"
#include "properties_file.hpp"
#include "jaas_config.hpp"
#include "security_names.hpp"
#include "sluice/partitioner/kind.hpp"

namespace sluice {

using detail::Kind;
using detail::Spec;

namespace {

std::string upper(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The built-in serializers of Kafka 0.8 and the Java client that write a
// string's or a byte array's bytes as they are: what Sluice does with the
// strings and byte views it is given.
bool builtin_serializer(std::string_view v) {
  static constexpr std::string_view names[] = {
      "kafka.serializer.StringEncoder",
      "kafka.serializer.DefaultEncoder",
      "org.apache.kafka.common.serialization.StringSerializer",
      "org.apache.kafka.common.serialization.ByteArraySerializer",
      "org.apache.kafka.common.serialization.ByteBufferSerializer",
      "org.apache.kafka.common.serialization.BytesSerializer",
  };
  for (auto n : names) {
    if (v == n) return true;
  }
  return false;
}

// Checks `value` against the row; throws ConfigError naming `name`.
void check_value(const Spec& s, std::string_view name, std::string_view value) {
  const bool secret = detail::is_secret(s);
  auto bad = [&](const std::string& why) {
    return ConfigError(std::string(name), "property '" + std::string(name) + "' has invalid value " +
                                              (secret ? std::string("(hidden)") : "'" + std::string(value) + "'") +
                                              ": " + why + " (accepted: " + s.info.accepted + ")");
  };
  switch (s.kind) {
    case Kind::string:
    case Kind::secret:
      return;
    case Kind::integer:
    case Kind::compression_level:
    case Kind::log_level: {
      auto v = detail::parse_int(value);
      if (!v) throw bad("not an integer");
      if (*v < s.min || *v > s.max) throw bad("out of range");
      return;
    }
    case Kind::decimal_ms: {
      auto us = detail::parse_decimal_ms(value);
      if (!us) throw bad("not a number of milliseconds");
      if (*us < s.min * 1000 || *us > s.max * 1000) throw bad("out of range");
      return;
    }
    case Kind::acks:
      if (value != "0" && value != "1" && value != "-1" && value != "all") throw bad("not an acks setting");
      return;
    case Kind::boolean:
      if (value != "true" && value != "false") throw bad("not a boolean");
      return;
    case Kind::producer_type:
      if (value != "sync" && value != "async") throw bad("not a producer type");
      return;
    case Kind::partitioner:
      if (!partitioner::partitioner_from_name(value) || value == "user") throw bad("not a partitioner name");
      return;
    case Kind::dns_lookup:
      if (value != "use_all_dns_ips") {
        throw bad(value == "resolve_canonical_bootstrap_servers_only"
                      ? "canonical-name resolution (for Kerberos) is not supported yet"
                      : "not a client.dns.lookup setting");
      }
      return;
    case Kind::recovery:
      if (value != "rebootstrap" && value != "none") throw bad("not a metadata recovery strategy");
      return;
    case Kind::rejected:
      throw ConfigError(std::string(name), "property 'transactional.id' is not supported yet: Sluice has no "
                                           "transactions; remove it (idempotence, on by default, still gives "
                                           "exactly-once writes per partition)");
    case Kind::serializer:
      if (!builtin_serializer(value)) {
        throw ConfigError(std::string(name),
                          "property '" + std::string(name) + "' names the class '" + std::string(value) +
                              "', which Sluice cannot load: only the built-in string and byte-array serializers "
                              "are accepted here (kafka.serializer.StringEncoder/DefaultEncoder, "
                              "org.apache.kafka.common.serialization.StringSerializer/ByteArraySerializer/"
                              "ByteBufferSerializer/BytesSerializer); for other types, use a C++ "
                              "sluice::Serializer (sluice/serializer.hpp) and remove this property");
      }
      return;
    case Kind::debug_contexts: {
      std::istringstream in{std::string(value)};
      std::string context;
      while (std::getline(in, context, ',')) {
        const auto b = context.find_first_not_of(' ');
        const auto e = context.find_last_not_of(' ');
        context = b == std::string::npos ? "" : context.substr(b, e - b + 1);
        if (!context.empty() && !detail::debug_context_known(context)) {
          throw bad("unknown debug context '" + context + "'");
        }
      }
      return;
    }
    case Kind::compression:
      if (value != "none" && value != "gzip" && value != "snappy" && value != "lz4" && value != "zstd") {
        throw bad("not a compression codec");
      }
      return;
    case Kind::security_protocol:
      if (!detail::security_protocol_from_name(value)) throw bad("not a security protocol");
      return;
    case Kind::truststore_type:
      if (upper(value) != "PEM") {
        throw bad(upper(value) == "JKS" || upper(value) == "PKCS12"
                      ? "JKS/PKCS12 truststores are not supported: use PEM (e.g. keytool -exportcert -rfc, or "
                        "openssl pkcs12 -nokeys, gives a PEM file for ssl.ca.location)"
                      : "not a truststore type");
      }
      return;
    case Kind::keystore_type:
      if (upper(value) != "PKCS12") {
        throw bad(upper(value) == "JKS" ? "JKS keystores are not supported: convert it with keytool "
                                          "-importkeystore -deststoretype PKCS12, or use ssl.certificate.location "
                                          "and ssl.key.location (PEM)"
                  : upper(value) == "PEM" ? "a PEM keystore is ssl.certificate.location and ssl.key.location (files) "
                                            "or ssl.keystore.certificate.chain and ssl.keystore.key (in memory)"
                                          : "not a keystore type");
      }
      return;
    case Kind::tls_protocols: {
      std::istringstream in{std::string(value)};
      std::string p;
      bool any = false;
      while (std::getline(in, p, ',')) {
        const auto b = p.find_first_not_of(' ');
        const auto e = p.find_last_not_of(' ');
        p = b == std::string::npos ? "" : p.substr(b, e - b + 1);
        if (p.empty()) continue;
        if (p != "TLSv1.2" && p != "TLSv1.3") {
          throw bad(p == "TLSv1" || p == "TLSv1.1" || p.starts_with("SSL")
                        ? "'" + p + "' is older than TLS 1.2, which Sluice does not offer"
                        : "unknown protocol '" + p + "'");
        }
        any = true;
      }
      if (!any) throw bad("no protocol named");
      return;
    }
    case Kind::endpoint_identification:
      if (value != "https" && value != "none" && !value.empty()) throw bad("not an endpoint identification algorithm");
      return;
    case Kind::sasl_mechanism:
      if (!detail::sasl_mechanism_from_name(value)) {
        throw bad(value == "GSSAPI" ? "GSSAPI (Kerberos) is not supported" : "not a SASL mechanism Sluice implements");
      }
      return;
    case Kind::oauthbearer_method:
      if (value != "default" && value != "oidc") throw bad("not an OAUTHBEARER method");
      return;
    case Kind::login_callback_handler:
      if (value != "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler" &&
          value != "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler") {
        throw bad("only Kafka's OIDC login callback handler is understood; for tokens of your own give "
                  "ProducerOptions::oauthbearer_token_provider");
      }
      return;
    case Kind::sasl_extensions: {
      std::string why;
      if (!detail::parse_sasl_extensions(value, why)) throw bad(why);
      return;
    }
    case Kind::jaas: {
      std::string why;
      if (!detail::parse_jaas_config(value, why)) throw bad(why);
      return;
    }
  }
}

}  // namespace

const std::vector<PropertyInfo>& property_table() {
  static const std::vector<PropertyInfo> table = [] {
    std::vector<PropertyInfo> t;
    for (const auto& s : detail::specs()) t.push_back(s.info);
    return t;
  }();
  return table;
}

Config& Config::set(std::string_view name, std::string_view value) { return set(name, value, false); }

Config& Config::replace(std::string_view name, std::string_view value) { return set(name, value, true); }

Config& Config::set(std::string_view name, std::string_view value, bool replacing) {
  const Spec* s = detail::find_spec(name);
  if (s == nullptr) {
    throw ConfigError(std::string(name), "unknown property '" + std::string(name) +
                                             "' (see docs/CONFIGURATION.md for the supported properties)");
  }
  std::string canonical = s->info.name;
  if (auto it = set_as_.find(canonical); !replacing && it != set_as_.end() && it->second != name) {
    throw ConfigError(std::string(name), "property '" + std::string(name) + "' is the same property as '" +
                                             it->second + "', which is already set: set it once");
  }
  check_value(*s, name, value);
  values_[canonical] = std::string(value);
  set_as_[canonical] = std::string(name);
  return *this;
}

std::string Config::value_of(std::string_view canonical) const {
  auto it = values_.find(canonical);
  return it == values_.end() ? std::string(detail::spec_of(canonical).info.default_value) : it->second;
}

bool Config::is_set(std::string_view canonical) const { return values_.find(canonical) != values_.end(); }

const std::string& Config::name_used(std::string_view canonical) const { return set_as_.find(canonical)->second; }

Config Config::from_map(const std::map<std::string, std::string>& properties) {
  Config c;
  for (const auto& [k, v] : properties) c.set(k, v);
  return c;
}

Config Config::from_properties_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("", "cannot read properties file '" + path + "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto parsed = detail::parse_properties(text);
  if (!parsed.ok()) {
    throw ConfigError(parsed.error_key, path + ":" + std::to_string(parsed.error_line) + ": " + parsed.error);
  }
  Config c;
  for (const auto& e : parsed.entries) {
    try {
      c.set(e.key, e.value);  // a name repeated in the file: the later line wins, as in Java
    } catch (const ConfigError& err) {
      throw ConfigError(err.property(), path + ":" + std::to_string(e.line) + ": " + err.what());
    }
  }
  return c;
}

}  // namespace sluice
