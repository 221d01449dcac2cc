#include "sluice/config.hpp"

#include "sluice/net/jaas_config.hpp"
#include "sluice/net/security.hpp"
#include "sluice/partitioner/kind.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

namespace sluice {
namespace {

enum class Kind {
  string, integer, acks, compression, boolean, producer_type, partitioner, dns_lookup, recovery, rejected,
  // security (docs/SECURITY.md); `secret` values never appear in messages
  security_protocol, truststore_type, endpoint_identification, sasl_mechanism, secret, jaas
};

struct Spec {
  PropertyInfo info;
  Kind kind;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> table = {
      {{"bootstrap.servers", {"metadata.broker.list"}, "string", "", "host:port[,host:port...]",
        "Brokers to bootstrap from; any one that answers is enough."},
       Kind::string},
      {{"client.id", {}, "string", "sluice", "any string", "Sent to the broker in every request header."},
       Kind::string},
      {{"acks", {"request.required.acks"}, "int", "all", "0, 1, -1 or all",
        "How many replicas must acknowledge a write: 0 none, 1 the leader, all (-1) every in-sync replica."},
       Kind::acks},
      {{"compression.type", {"compression.codec"}, "string", "none", "none, gzip, snappy, lz4 or zstd",
        "Codec for record batches (zstd needs a broker that speaks Produce v7+)."},
       Kind::compression},
      {{"linger.ms", {"queue.buffering.max.ms"}, "int", "5", "0..900000",
        "How long a batch waits for more records before it is sent."},
       Kind::integer, 0, 900000},
      {{"batch.size", {}, "int", "16384", "1..2147483647",
        "A partition's batch is sent once it holds this many bytes."},
       Kind::integer, 1, INT32_MAX},
      {{"batch.num.messages", {}, "int", "10000", "1..1000000",
        "A partition's batch is sent once it holds this many records."},
       Kind::integer, 1, 1000000},
      {{"max.request.size", {"message.max.bytes"}, "int", "1048576", "1000..1000000000",
        "Largest request (and so largest record) the producer sends."},
       Kind::integer, 1000, 1000000000},
      {{"max.in.flight.requests.per.connection", {"max.in.flight"}, "int", "5", "1..1000000",
        "Requests sent to one broker without waiting for their answers."},
       Kind::integer, 1, 1000000},
      {{"retries", {"message.send.max.retries"}, "int", "2147483647", "0..2147483647",
        "How often a batch is resent after a retriable error (within delivery.timeout.ms)."},
       Kind::integer, 0, INT32_MAX},
      {{"retry.backoff.ms", {}, "int", "100", "1..300000", "Wait before resending a failed batch."},
       Kind::integer, 1, 300000},
      {{"request.timeout.ms", {}, "int", "30000", "1..2147483647",
        "How long to wait for a broker's answer before giving up on the request."},
       Kind::integer, 1, INT32_MAX},
      {{"delivery.timeout.ms", {"message.timeout.ms"}, "int", "120000", "1..2147483647",
        "Upper bound on the time from send() to a delivery report."},
       Kind::integer, 1, INT32_MAX},
      {{"socket.connection.setup.timeout.ms", {}, "int", "10000", "1..2147483647",
        "How long a TCP connect to a broker may take."},
       Kind::integer, 1, INT32_MAX},
      {{"max.block.ms", {}, "int", "60000", "0..2147483647",
        "How long send() may wait for metadata or buffer space."},
       Kind::integer, 0, INT32_MAX},
      {{"metadata.max.age.ms", {"topic.metadata.refresh.interval.ms"}, "int", "300000", "10..2147483647",
        "Metadata is refreshed at least this often, so new partitions and moved leaders are found."},
       Kind::integer, 10, INT32_MAX},
      {{"metadata.max.idle.ms", {}, "int", "300000", "5000..86400000",
        "A topic no record was sent to for this long is dropped from metadata requests (asked for again on its "
        "next record), so a deleted or misspelt topic is not asked for forever."},
       Kind::integer, 5000, 86400000},
      {{"reconnect.backoff.ms", {}, "int", "50", "0..3600000",
        "First wait before reconnecting to a broker after a failed attempt (then doubling, with jitter)."},
       Kind::integer, 0, 3600000},
      {{"reconnect.backoff.max.ms", {}, "int", "1000", "0..3600000",
        "Longest wait between reconnection attempts to one broker."},
       Kind::integer, 0, 3600000},
      {{"retry.backoff.max.ms", {}, "int", "1000", "1..300000",
        "Longest wait between retries of a batch (the wait doubles from retry.backoff.ms per attempt, with jitter)."},
       Kind::integer, 1, 300000},
      {{"enable.idempotence", {}, "bool", "true", "true or false",
        "Exactly-once, in-order writes per partition across retries (producer id and sequence numbers). "
        "Needs acks=all, retries > 0 and at most 5 requests in flight; left at its default, a contradicting "
        "setting turns it off with a notice, set to true it makes that setting an error."},
       Kind::boolean},
      {{"producer.type", {}, "string", "async", "async or sync",
        "sync: every send() waits for its delivery report (the Kafka 0.8 sync producer); async: send() returns at once."},
       Kind::producer_type},
      {{"buffer.memory", {}, "int", "33554432", "1024..9223372036854775807",
        "Bytes of records the producer holds before send() blocks (max.block.ms) or fails."},
       Kind::integer, 1024, INT64_MAX},
      {{"queue.buffering.max.messages", {}, "int", "0", "0..2147483647",
        "Records the producer holds before send() blocks or fails; 0 = no limit beyond buffer.memory."},
       Kind::integer, 0, INT32_MAX},
      {{"partitioner", {"partitioner.class"}, "string", "default",
        "default, uniform_sticky, round_robin, consistent, consistent_random, murmur2, murmur2_random, random, "
        "fnv1a, fnv1a_random, "
        "or the Java class names of the built-in partitioners",
        "How a record without an explicit partition gets one (docs/PARTITIONERS.md)."},
       Kind::partitioner},
      {{"partitioner.ignore.keys", {}, "bool", "false", "true or false",
        "Place keyed records like null-key records (sticky), ignoring the key."},
       Kind::boolean},
      {{"send.buffer.bytes", {"socket.send.buffer.bytes"}, "int", "131072", "-1..100000000",
        "TCP send buffer (SO_SNDBUF) per broker connection; -1 or 0: the OS default."},
       Kind::integer, -1, 100000000},
      {{"receive.buffer.bytes", {"socket.receive.buffer.bytes"}, "int", "32768", "-1..100000000",
        "TCP receive buffer (SO_RCVBUF) per broker connection; -1 or 0: the OS default."},
       Kind::integer, -1, 100000000},
      {{"connections.max.idle.ms", {}, "int", "540000", "0..2147483647",
        "A broker connection with nothing in flight for this long is closed (before the broker's own 600000 "
        "ms limit, so no request is written into a closing connection); 0 = never."},
       Kind::integer, 0, INT32_MAX},
      {{"receive.message.max.bytes", {}, "int", "100000000", "1000..2147483647",
        "Largest response accepted from a broker; a larger size prefix is a protocol error, never an allocation."},
       Kind::integer, 1000, INT32_MAX},
      {{"client.dns.lookup", {}, "string", "use_all_dns_ips", "use_all_dns_ips",
        "Every address a broker name resolves to is tried in turn, and names are resolved again on every "
        "reconnect."},
       Kind::dns_lookup},
      {{"metadata.recovery.strategy", {}, "string", "rebootstrap", "rebootstrap or none",
        "rebootstrap: when no known broker has been reachable for metadata.recovery.rebootstrap.trigger.ms, "
        "start again from bootstrap.servers (brokers' addresses may have changed)."},
       Kind::recovery},
      {{"metadata.recovery.rebootstrap.trigger.ms", {}, "int", "300000", "0..2147483647",
        "How long no broker may be reachable before re-bootstrapping (metadata.recovery.strategy=rebootstrap)."},
       Kind::integer, 0, INT32_MAX},
      {{"allow.auto.create.topics", {}, "bool", "true", "true or false",
        "Ask the broker to create a topic the producer sends to and the cluster does not know (when the broker's "
        "auto.create.topics.enable allows it). false: such records fail after max.block.ms with unknown_topic."},
       Kind::boolean},
      {{"statistics.interval.ms", {}, "int", "0", "0..86400000",
        "How often ProducerOptions::statistics_callback gets statistics_json(); 0 = never."},
       Kind::integer, 0, 86400000},
      {{"security.protocol", {}, "string", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (any case)",
        "How to talk to brokers: plain TCP or TLS, with or without SASL authentication (docs/SECURITY.md)."},
       Kind::security_protocol},
      {{"ssl.ca.location", {"ssl.truststore.location"}, "string", "", "a PEM file, or a directory hashed by "
        "`openssl rehash`; empty: the system's CA store",
        "CA certificates that sign the brokers' certificates. Java's ssl.truststore.location needs "
        "ssl.truststore.type=PEM."},
       Kind::string},
      {{"ssl.truststore.type", {}, "string", "", "PEM",
        "Format of ssl.truststore.location: only PEM (JKS and PKCS12 truststores are not supported)."},
       Kind::truststore_type},
      {{"enable.ssl.certificate.verification", {}, "bool", "true", "true or false",
        "Verify the broker's certificate chain and name. false lets anyone on the network path impersonate the "
        "broker; the producer logs a warning for every such connection."},
       Kind::boolean},
      {{"ssl.endpoint.identification.algorithm", {}, "string", "https", "https or none (empty means none, as in Java)",
        "https: the broker's certificate must name the host connected to (DNS or IP subjectAltName)."},
       Kind::endpoint_identification},
      {{"ssl.certificate.location", {}, "string", "", "a PEM file", "Client certificate (chain) for mutual TLS."},
       Kind::string},
      {{"ssl.key.location", {}, "string", "", "a PEM file", "Private key of ssl.certificate.location (PEM)."},
       Kind::string},
      {{"ssl.key.password", {}, "password", "", "any string",
        "Password of an encrypted ssl.key.location; never logged or echoed."},
       Kind::secret},
      {{"sasl.mechanism", {"sasl.mechanisms"}, "string", "PLAIN", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
        "SASL mechanism for SASL_PLAINTEXT / SASL_SSL (GSSAPI and OAUTHBEARER are not supported)."},
       Kind::sasl_mechanism},
      {{"sasl.username", {}, "string", "", "any string", "SASL user name."}, Kind::string},
      {{"sasl.password", {}, "password", "", "any string", "SASL password; never logged or echoed."},
       Kind::secret},
      {{"sasl.jaas.config", {}, "password", "",
        "Java's PlainLoginModule or ScramLoginModule line with username and password",
        "Java's form of the SASL credentials (instead of sasl.username / sasl.password); never logged or echoed."},
       Kind::jaas},
      {{"transactional.id", {}, "string", "", "(not supported yet)", "Transactions are not supported yet."},
       Kind::rejected},
      {{"serializer.class", {"key.serializer", "value.serializer", "key.serializer.class"}, "string", "",
        "(not a property here)", "Serializers are C++ types here (sluice/serializer.hpp), not class names."},
       Kind::rejected},
  };
  return table;
}

const Spec* find_spec(std::string_view name) {
  for (const auto& s : specs()) {
    if (name == s.info.name) return &s;
    for (const char* a : s.info.aliases) {
      if (name == a) return &s;
    }
  }
  return nullptr;
}

std::optional<std::int64_t> parse_int(std::string_view v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size()) return std::nullopt;
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::int64_t get_int(const std::map<std::string, std::string, std::less<>>& values, const Spec& s) {
  auto it = values.find(s.info.name);
  return *parse_int(it == values.end() ? s.info.default_value : it->second);
}

std::string upper(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<PropertyInfo>& property_table() {
  static const std::vector<PropertyInfo> table = [] {
    std::vector<PropertyInfo> t;
    for (const auto& s : specs()) t.push_back(s.info);
    return t;
  }();
  return table;
}

Config& Config::set(std::string_view name, std::string_view value) {
  const Spec* s = find_spec(name);
  if (s == nullptr) {
    throw ConfigError(std::string(name), "unknown property '" + std::string(name) +
                                             "' (see docs/CONFIGURATION.md for the supported properties)");
  }
  std::string canonical = s->info.name;
  if (auto it = set_as_.find(canonical); it != set_as_.end() && it->second != name) {
    throw ConfigError(std::string(name), "property '" + std::string(name) + "' is the same property as '" +
                                             it->second + "', which is already set: set it once");
  }
  const bool secret = s->kind == Kind::secret || s->kind == Kind::jaas;
  auto bad = [&](const std::string& why) {
    return ConfigError(std::string(name), "property '" + std::string(name) + "' has invalid value " +
                                              (secret ? std::string("(hidden)") : "'" + std::string(value) + "'") +
                                              ": " + why + " (accepted: " + s->info.accepted + ")");
  };
  switch (s->kind) {
    case Kind::string:
      break;
    case Kind::integer: {
      auto v = parse_int(value);
      if (!v) throw bad("not an integer");
      if (*v < s->min || *v > s->max) throw bad("out of range");
      break;
    }
    case Kind::acks:
      if (value != "0" && value != "1" && value != "-1" && value != "all") throw bad("not an acks setting");
      break;
    case Kind::boolean:
      if (value != "true" && value != "false") throw bad("not a boolean");
      break;
    case Kind::producer_type:
      if (value != "sync" && value != "async") throw bad("not a producer type");
      break;
    case Kind::partitioner:
      if (!partitioner::partitioner_from_name(value) || value == "user") throw bad("not a partitioner name");
      break;
    case Kind::dns_lookup:
      if (value != "use_all_dns_ips") {
        throw bad(value == "resolve_canonical_bootstrap_servers_only"
                      ? "canonical-name resolution (for Kerberos) is not supported yet"
                      : "not a client.dns.lookup setting");
      }
      break;
    case Kind::recovery:
      if (value != "rebootstrap" && value != "none") throw bad("not a metadata recovery strategy");
      break;
    case Kind::rejected:
      if (canonical == "transactional.id") {
        throw ConfigError(std::string(name), "property 'transactional.id' is not supported yet: Sluice has no "
                                             "transactions; remove it (idempotence, on by default, still gives "
                                             "exactly-once writes per partition)");
      }
      throw ConfigError(std::string(name), "property '" + std::string(name) + "' ('" + std::string(value) +
                                               "') names a Java class; Sluice has no class loading: keys and "
                                               "values are bytes, or C++ types through sluice::Serializer "
                                               "(sluice/serializer.hpp)");
    case Kind::compression:
      if (value != "none" && value != "gzip" && value != "snappy" && value != "lz4" && value != "zstd") {
        throw bad("not a compression codec");
      }
      break;
    case Kind::security_protocol:
      if (!net::security_protocol_from_name(value)) throw bad("not a security protocol");
      break;
    case Kind::truststore_type:
      if (upper(value) != "PEM") {
        throw bad(upper(value) == "JKS" || upper(value) == "PKCS12"
                      ? "JKS/PKCS12 truststores are not supported: use PEM (e.g. keytool -exportcert -rfc, or "
                        "openssl pkcs12 -nokeys, gives a PEM file for ssl.ca.location)"
                      : "not a truststore type");
      }
      break;
    case Kind::endpoint_identification:
      if (value != "https" && value != "none" && !value.empty()) throw bad("not an endpoint identification algorithm");
      break;
    case Kind::sasl_mechanism:
      if (!net::sasl_mechanism_from_name(value)) {
        throw bad(value == "GSSAPI" || value == "OAUTHBEARER" ? value == "GSSAPI"
                                                                    ? "GSSAPI (Kerberos) is not supported"
                                                                    : "OAUTHBEARER is not supported"
                                                              : "not a SASL mechanism Sluice implements");
      }
      break;
    case Kind::secret:
      break;
    case Kind::jaas: {
      std::string why;
      if (!net::parse_jaas_config(value, why)) throw bad(why);
      break;
    }
  }
  values_[canonical] = std::string(value);
  set_as_[canonical] = std::string(name);
  return *this;
}

Config Config::from_map(const std::map<std::string, std::string>& properties) {
  Config c;
  for (const auto& [k, v] : properties) c.set(k, v);
  return c;
}

Config Config::from_properties_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("", "cannot read properties file '" + path + "'");
  Config c;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    auto sep = t.find_first_of("=:");
    if (sep == std::string::npos) {
      // "sasl.password secret" must not put the secret into the message.
      const Spec* named = find_spec(t.substr(0, t.find_first_of(" \t")));
      const bool secret = named != nullptr && (named->kind == Kind::secret || named->kind == Kind::jaas);
      throw ConfigError("", path + ":" + std::to_string(number) + ": expected name=value, got " +
                                (secret ? "'" + std::string(named->info.name) + " (value hidden)'" : "'" + t + "'"));
    }
    try {
      c.set(trim(t.substr(0, sep)), trim(t.substr(sep + 1)));
    } catch (const ConfigError& e) {
      throw ConfigError(e.property(), path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return c;
}

// The Java client's rules: idempotence set to true explicitly makes a
// contradicting setting an error; left at its default, a contradicting
// setting the user chose turns idempotence off (with a notice).
void Config::resolve_idempotence(ProducerSettings& s) const {
  const auto set = [this](const char* n) { return values_.find(n) != values_.end(); };
  const bool explicit_setting = set("enable.idempotence");
  const bool wanted = !explicit_setting || values_.find("enable.idempotence")->second == "true";
  std::string conflict;
  if (s.acks != -1) conflict = "acks=" + std::to_string(s.acks) + " (needs all)";
  else if (s.max_in_flight > 5)
    conflict = "max.in.flight.requests.per.connection=" + std::to_string(s.max_in_flight) + " (needs at most 5)";
  else if (s.retries == 0)
    conflict = "retries=0 (needs retries > 0)";
  if (!wanted) {
    s.enable_idempotence = false;
  } else if (conflict.empty()) {
    s.enable_idempotence = true;
  } else if (explicit_setting) {
    throw ConfigError("enable.idempotence", "property 'enable.idempotence' is true but " + conflict +
                                                " contradicts it: change that setting or set enable.idempotence=false");
  } else {
    s.enable_idempotence = false;
    s.notices.push_back("idempotence turned off because " + conflict +
                        " was set; set enable.idempotence=false to silence this notice");
  }
}

// security.protocol with its ssl.* and sasl.* settings: what the protocol
// needs must be there (and loadable, for files); what it does not use is
// noted, not silently ignored.
void Config::resolve_security(ProducerSettings& s) const {
  auto str = [this](const char* n) {
    auto it = values_.find(n);
    return it == values_.end() ? std::string(find_spec(n)->info.default_value) : it->second;
  };
  const auto set = [this](const char* n) { return values_.find(n) != values_.end(); };
  auto& sec = s.security;
  sec.protocol = *net::security_protocol_from_name(str("security.protocol"));
  const std::string protocol = net::to_string(sec.protocol);
  sec.tls.ca_location = str("ssl.ca.location");
  if (auto it = set_as_.find("ssl.ca.location"); it != set_as_.end() && it->second == "ssl.truststore.location" &&
                                                  upper(str("ssl.truststore.type")) != "PEM") {
    throw ConfigError("ssl.truststore.location",
                      "property 'ssl.truststore.location' needs ssl.truststore.type=PEM: JKS/PKCS12 truststores are "
                      "not supported: use PEM (or set ssl.ca.location to a PEM file)");
  }
  sec.tls.verify_certificate = str("enable.ssl.certificate.verification") == "true";
  sec.tls.verify_hostname = str("ssl.endpoint.identification.algorithm") == "https";
  sec.tls.certificate_location = str("ssl.certificate.location");
  sec.tls.key_location = str("ssl.key.location");
  sec.tls.key_password = str("ssl.key.password");
  sec.sasl.mechanism = *net::sasl_mechanism_from_name(str("sasl.mechanism"));
  sec.sasl.username = str("sasl.username");
  sec.sasl.password = str("sasl.password");
  if (set("sasl.jaas.config")) {
    if (set("sasl.username") || set("sasl.password")) {
      throw ConfigError("sasl.jaas.config", "properties 'sasl.jaas.config' and 'sasl.username'/'sasl.password' both "
                                            "give SASL credentials: set one of them");
    }
    std::string why;
    auto jaas = net::parse_jaas_config(values_.find("sasl.jaas.config")->second, why);
    const bool scram = sec.sasl.mechanism != net::SaslMechanismKind::plain;
    if (jaas->scram != scram) {
      throw ConfigError("sasl.jaas.config", std::string("property 'sasl.jaas.config' names ") +
                                                (jaas->scram ? "ScramLoginModule" : "PlainLoginModule") +
                                                " but sasl.mechanism is " + net::to_string(sec.sasl.mechanism));
    }
    sec.sasl.username = std::move(jaas->username);
    sec.sasl.password = std::move(jaas->password);
  }
  if (net::uses_sasl(sec.protocol)) {
    if (sec.sasl.username.empty() || sec.sasl.password.empty()) {
      throw ConfigError(sec.sasl.username.empty() ? "sasl.username" : "sasl.password",
                        "security.protocol=" + protocol +
                            " needs SASL credentials: set sasl.username and sasl.password (or sasl.jaas.config)");
    }
  } else {
    for (const char* n : {"sasl.mechanism", "sasl.username", "sasl.password", "sasl.jaas.config"}) {
      if (set(n)) {
        s.notices.push_back(std::string(n) + " is set but security.protocol=" + protocol + " uses no SASL: ignored");
      }
    }
  }
  if (net::uses_tls(sec.protocol)) {
    if (auto e = net::check_tls_options(sec.tls)) {
      throw ConfigError(e->property, "property '" + e->property + "': " + e->message);
    }
  } else {
    for (const char* n : {"ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.key.password",
                          "enable.ssl.certificate.verification", "ssl.endpoint.identification.algorithm"}) {
      if (set(n)) {
        s.notices.push_back(std::string(n) + " is set but security.protocol=" + protocol + " uses no TLS: ignored");
      }
    }
  }
}

ProducerSettings Config::resolve() const {
  ProducerSettings s;
  auto spec = [](const char* n) { return *find_spec(n); };
  auto str = [&](const char* n) {
    auto it = values_.find(n);
    return it == values_.end() ? std::string(spec(n).info.default_value) : it->second;
  };
  auto ms = [&](const char* n) { return std::chrono::milliseconds(get_int(values_, spec(n))); };
  s.bootstrap_servers = str("bootstrap.servers");
  if (s.bootstrap_servers.empty()) {
    throw ConfigError("bootstrap.servers",
                      "property 'bootstrap.servers' (or 'metadata.broker.list') is required: the brokers to "
                      "connect to, e.g. localhost:9092");
  }
  s.client_id = str("client.id");
  std::string acks = str("acks");
  s.acks = static_cast<std::int16_t>(acks == "all" ? -1 : *parse_int(acks));
  s.linger = ms("linger.ms");
  s.compression = str("compression.type");
  s.batch_size = static_cast<std::size_t>(get_int(values_, spec("batch.size")));
  s.batch_num_messages = static_cast<std::int32_t>(get_int(values_, spec("batch.num.messages")));
  s.max_request_size = static_cast<std::size_t>(get_int(values_, spec("max.request.size")));
  s.max_in_flight = static_cast<std::int32_t>(get_int(values_, spec("max.in.flight.requests.per.connection")));
  s.retries = static_cast<std::int32_t>(get_int(values_, spec("retries")));
  s.retry_backoff = ms("retry.backoff.ms");
  s.request_timeout = ms("request.timeout.ms");
  s.delivery_timeout = ms("delivery.timeout.ms");
  s.connect_timeout = ms("socket.connection.setup.timeout.ms");
  s.max_block = ms("max.block.ms");
  s.metadata_max_age = ms("metadata.max.age.ms");
  s.metadata_max_idle = ms("metadata.max.idle.ms");
  s.reconnect_backoff = ms("reconnect.backoff.ms");
  s.reconnect_backoff_max = ms("reconnect.backoff.max.ms");
  if (s.reconnect_backoff_max < s.reconnect_backoff) s.reconnect_backoff_max = s.reconnect_backoff;
  s.retry_backoff_max = std::max(ms("retry.backoff.max.ms"), s.retry_backoff);
  s.sync = str("producer.type") == "sync";
  s.buffer_memory = static_cast<std::size_t>(get_int(values_, spec("buffer.memory")));
  s.max_queued_records = static_cast<std::size_t>(get_int(values_, spec("queue.buffering.max.messages")));
  s.partitioner = str("partitioner");
  s.partitioner_ignore_keys = str("partitioner.ignore.keys") == "true";
  s.statistics_interval = ms("statistics.interval.ms");
  s.allow_auto_create_topics = str("allow.auto.create.topics") == "true";
  s.send_buffer_bytes = static_cast<int>(get_int(values_, spec("send.buffer.bytes")));
  s.receive_buffer_bytes = static_cast<int>(get_int(values_, spec("receive.buffer.bytes")));
  s.connections_max_idle = ms("connections.max.idle.ms");
  s.max_response_bytes = static_cast<std::size_t>(get_int(values_, spec("receive.message.max.bytes")));
  s.rebootstrap = str("metadata.recovery.strategy") == "rebootstrap";
  s.rebootstrap_trigger = ms("metadata.recovery.rebootstrap.trigger.ms");
  resolve_security(s);
  resolve_idempotence(s);
  if (s.delivery_timeout < s.linger + s.request_timeout) {
    throw ConfigError("delivery.timeout.ms",
                      "property 'delivery.timeout.ms' (" + std::to_string(s.delivery_timeout.count()) +
                          ") must be at least linger.ms + request.timeout.ms (" +
                          std::to_string((s.linger + s.request_timeout).count()) + ")");
  }
  return s;
}

}  // namespace sluice
