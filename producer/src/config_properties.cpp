#include "config_properties.hpp"

#include <algorithm>
#include <cctype>
#include "sluice/log.hpp"

#include <charconv>

namespace sluice::detail {

namespace {
constexpr std::int64_t kInt32Max = INT32_MAX;
}

// Row order is docs/CONFIGURATION.md's. Each row: name, aliases, type,
// default, accepted, meaning, Java's name, librdkafka's name.
const std::vector<Spec>& specs() {
  static const std::vector<Spec> table = {
      {{"bootstrap.servers", {"metadata.broker.list"}, "string", "", "host[:port][,host[:port]...] (port 9092 if left out)",
        "Brokers to bootstrap from; any one that answers is enough.", "bootstrap.servers", "bootstrap.servers"},
       Kind::string},
      {{"client.id", {}, "string", "sluice", "any string", "Sent to the broker in every request header.", "client.id",
        "client.id"},
       Kind::string},
      {{"acks", {"request.required.acks"}, "int", "all", "0, 1, -1 or all",
        "How many replicas must acknowledge a write: 0 none, 1 the leader, all (-1) every in-sync replica.", "acks",
        "acks"},
       Kind::acks},
      {{"compression.type", {"compression.codec"}, "string", "none", "none, gzip, snappy, lz4 or zstd",
        "Codec for record batches (zstd needs a broker that speaks Produce v7+).", "compression.type",
        "compression.type"},
       Kind::compression},
      {{"compression.level", {}, "int", "-1", "-1 (the codec's default), else the codec's range",
        "Level of the codec in compression.type: gzip 1..9, lz4 1..17, zstd -131072..22 (Kafka's ranges).", "",
        "compression.level"},
       Kind::compression_level, -131072, 22},
      {{"compression.gzip.level", {}, "int", "-1", "-1 or 1..9", "Level when compression.type=gzip.",
        "compression.gzip.level", ""},
       Kind::compression_level, -1, 9},
      {{"compression.lz4.level", {}, "int", "9", "1..17",
        "Level when compression.type=lz4 (9: lz4's fast compressor, as Kafka).", "compression.lz4.level", ""},
       Kind::compression_level, 1, 17},
      {{"compression.zstd.level", {}, "int", "3", "-131072..22", "Level when compression.type=zstd.",
        "compression.zstd.level", ""},
       Kind::compression_level, -131072, 22},
      {{"linger.ms", {"queue.buffering.max.ms"}, "decimal", "5", "0..900000, fractions to the microsecond (0.5)",
        "How long a batch waits for more records before it is sent.", "linger.ms", "linger.ms"},
       Kind::decimal_ms, 0, 900000},
      {{"batch.size", {}, "int", "16384", "1..2147483647", "A partition's batch is sent once it holds this many bytes.",
        "batch.size", "batch.size"},
       Kind::integer, 1, kInt32Max},
      {{"batch.num.messages", {}, "int", "10000", "1..1000000",
        "A partition's batch is sent once it holds this many records.", "", "batch.num.messages"},
       Kind::integer, 1, 1000000},
      {{"max.request.size", {"message.max.bytes"}, "int", "1048576", "1000..1000000000",
        "Largest request (and so largest record) the producer sends.", "max.request.size", "message.max.bytes"},
       Kind::integer, 1000, 1000000000},
      {{"max.in.flight.requests.per.connection", {"max.in.flight"}, "int", "5", "1..1000000",
        "Requests sent to one broker without waiting for their answers.", "max.in.flight.requests.per.connection",
        "max.in.flight.requests.per.connection"},
       Kind::integer, 1, 1000000},
      {{"retries", {"message.send.max.retries"}, "int", "2147483647", "0..2147483647",
        "How often a batch is resent after a retriable error (within delivery.timeout.ms).", "retries", "retries"},
       Kind::integer, 0, kInt32Max},
      {{"retry.backoff.ms", {}, "int", "100", "1..300000", "Wait before resending a failed batch.", "retry.backoff.ms",
        "retry.backoff.ms"},
       Kind::integer, 1, 300000},
      {{"request.timeout.ms", {}, "int", "30000", "1..2147483647",
        "How long to wait for a broker's answer before giving up on the request.", "request.timeout.ms",
        "request.timeout.ms"},
       Kind::integer, 1, kInt32Max},
      {{"delivery.timeout.ms", {"message.timeout.ms"}, "int", "120000", "0..2147483647 (0: no limit)",
        "Upper bound on the time from send() to a delivery report.", "delivery.timeout.ms", "message.timeout.ms"},
       Kind::integer, 0, kInt32Max},
      {{"socket.connection.setup.timeout.ms", {}, "int", "10000", "1..2147483647",
        "How long a TCP connect to a broker may take.", "socket.connection.setup.timeout.ms",
        "socket.connection.setup.timeout.ms"},
       Kind::integer, 1, kInt32Max},
      {{"max.block.ms", {}, "int", "60000", "0..2147483647", "How long send() may wait for metadata or buffer space.",
        "max.block.ms", ""},
       Kind::integer, 0, kInt32Max},
      {{"queue.enqueue.timeout.ms", {}, "int", "(max.block.ms)", "-1 (block), 0 (fail at once) or 1..2147483647",
        "How long send() may wait for buffer space (Kafka 0.8's name); metadata waits stay max.block.ms.", "", ""},
       Kind::integer, -1, kInt32Max},
      {{"metadata.max.age.ms", {}, "int", "300000", "10..2147483647",
        "Metadata is refreshed at least this often, so new partitions and moved leaders are found.",
        "metadata.max.age.ms", ""},
       Kind::integer, 10, kInt32Max},
      {{"topic.metadata.refresh.interval.ms", {}, "int", "(metadata.max.age.ms)", "-1 (no periodic refresh) or 10..3600000",
        "librdkafka's periodic metadata refresh interval (see docs/CONFIGURATION.md for how it meets metadata.max.age.ms).",
        "", "topic.metadata.refresh.interval.ms"},
       Kind::integer, -1, 3600000},
      {{"metadata.max.idle.ms", {}, "int", "300000", "5000..86400000",
        "A topic no record was sent to for this long is dropped from metadata requests.", "metadata.max.idle.ms", ""},
       Kind::integer, 5000, 86400000},
      {{"reconnect.backoff.ms", {}, "int", "50", "0..3600000",
        "First wait before reconnecting to a broker after a failed attempt (then doubling, with jitter).",
        "reconnect.backoff.ms", "reconnect.backoff.ms"},
       Kind::integer, 0, 3600000},
      {{"reconnect.backoff.max.ms", {}, "int", "1000", "0..3600000",
        "Longest wait between reconnection attempts to one broker.", "reconnect.backoff.max.ms",
        "reconnect.backoff.max.ms"},
       Kind::integer, 0, 3600000},
      {{"retry.backoff.max.ms", {}, "int", "1000", "1..300000",
        "Longest wait between retries of a batch (doubling from retry.backoff.ms, with jitter).",
        "retry.backoff.max.ms", "retry.backoff.max.ms"},
       Kind::integer, 1, 300000},
      {{"enable.idempotence", {}, "bool", "true", "true or false",
        "Exactly-once, in-order writes per partition across retries (producer id and sequence numbers).",
        "enable.idempotence", "enable.idempotence"},
       Kind::boolean},
      {{"producer.type", {}, "string", "async", "async or sync",
        "sync: every send() waits for its delivery report (the Kafka 0.8 sync producer).", "", ""},
       Kind::producer_type},
      {{"buffer.memory", {}, "int", "33554432", "1024..9223372036854775807",
        "Bytes of records the producer holds before send() blocks or fails.", "buffer.memory", ""},
       Kind::integer, 1024, INT64_MAX},
      {{"queue.buffering.max.kbytes", {}, "int", "(buffer.memory / 1024)", "1..2147483647",
        "buffer.memory in KiB, librdkafka's name.", "", "queue.buffering.max.kbytes"},
       Kind::integer, 1, kInt32Max},
      {{"queue.buffering.max.messages", {}, "int", "0", "0..2147483647",
        "Records the producer holds before send() blocks or fails; 0 = no limit beyond buffer.memory.", "",
        "queue.buffering.max.messages"},
       Kind::integer, 0, kInt32Max},
      {{"partitioner", {"partitioner.class"}, "string", "default",
        "default, uniform_sticky, round_robin, consistent, consistent_random, murmur2, murmur2_random, random, "
        "fnv1a, fnv1a_random, or the Java class names of the built-in partitioners",
        "How a record without an explicit partition gets one (docs/PARTITIONERS.md).", "partitioner.class",
        "partitioner"},
       Kind::partitioner},
      {{"partitioner.ignore.keys", {}, "bool", "false", "true or false",
        "Place keyed records like null-key records (sticky), ignoring the key.", "partitioner.ignore.keys", ""},
       Kind::boolean},
      {{"send.buffer.bytes", {"socket.send.buffer.bytes"}, "int", "131072", "-1..100000000",
        "TCP send buffer (SO_SNDBUF) per broker connection; -1 or 0: the OS default.", "send.buffer.bytes",
        "socket.send.buffer.bytes"},
       Kind::integer, -1, 100000000},
      {{"receive.buffer.bytes", {"socket.receive.buffer.bytes"}, "int", "32768", "-1..100000000",
        "TCP receive buffer (SO_RCVBUF) per broker connection; -1 or 0: the OS default.", "receive.buffer.bytes",
        "socket.receive.buffer.bytes"},
       Kind::integer, -1, 100000000},
      {{"socket.keepalive.enable", {}, "bool", "false", "true or false",
        "TCP keep-alives (SO_KEEPALIVE) on broker connections.", "", "socket.keepalive.enable"},
       Kind::boolean},
      {{"connections.max.idle.ms", {}, "int", "540000", "0..2147483647",
        "A broker connection with nothing in flight for this long is closed; 0 = never.", "connections.max.idle.ms",
        "connections.max.idle.ms"},
       Kind::integer, 0, kInt32Max},
      {{"receive.message.max.bytes", {}, "int", "100000000", "1000..2147483647",
        "Largest response accepted from a broker; a larger size prefix is a protocol error.", "",
        "receive.message.max.bytes"},
       Kind::integer, 1000, kInt32Max},
      {{"client.dns.lookup", {}, "string", "use_all_dns_ips", "use_all_dns_ips",
        "Every address a broker name resolves to is tried in turn, resolved again on every reconnect.",
        "client.dns.lookup", ""},
       Kind::dns_lookup},
      {{"metadata.recovery.strategy", {}, "string", "rebootstrap", "rebootstrap or none",
        "rebootstrap: when no known broker has been reachable for a while, start again from bootstrap.servers.",
        "metadata.recovery.strategy", "metadata.recovery.strategy"},
       Kind::recovery},
      {{"metadata.recovery.rebootstrap.trigger.ms", {}, "int", "300000", "0..2147483647",
        "How long no broker may be reachable before re-bootstrapping.", "metadata.recovery.rebootstrap.trigger.ms",
        "metadata.recovery.rebootstrap.trigger.ms"},
       Kind::integer, 0, kInt32Max},
      {{"allow.auto.create.topics", {}, "bool", "true", "true or false",
        "Ask the broker to create a topic it does not know (when its auto.create.topics.enable allows).",
        "allow.auto.create.topics", "allow.auto.create.topics"},
       Kind::boolean},
      {{"statistics.interval.ms", {}, "int", "0", "0..86400000",
        "How often ProducerOptions::statistics_callback gets statistics_json(); 0 = never.", "",
        "statistics.interval.ms"},
       Kind::integer, 0, 86400000},
      {{"log_level", {}, "int", "6", "0..7 (syslog levels)",
        "Most verbose level logged (3 error .. 7 debug); see docs/CONFIGURATION.md for the default sink.", "",
        "log_level"},
       Kind::log_level, 0, 7},
      {{"debug", {}, "string", "", "comma-separated librdkafka debug contexts (generic, broker, topic, metadata, "
        "feature, queue, msg, protocol, security, eos, admin, conf, all, ...)",
        "Turns debug output on (docs/CONFIGURATION.md says which contexts apply).", "", "debug"},
       Kind::debug_contexts},
      {{"delivery.report.only.error", {}, "bool", "false", "true or false",
        "true: a send()'s delivery callback runs for failed records only (futures, send_sync, bulk sends and "
        "flush are unchanged).", "",
        "delivery.report.only.error"},
       Kind::boolean},
      {{"security.protocol", {}, "string", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (any case)",
        "How to talk to brokers: plain TCP or TLS, with or without SASL (docs/SECURITY.md).", "security.protocol",
        "security.protocol"},
       Kind::security_protocol},
      {{"ssl.ca.location", {"ssl.truststore.location"}, "string", "",
        "a PEM file, or a directory hashed by `openssl rehash`; empty: the system's CA store",
        "CA certificates that sign the brokers' certificates.", "ssl.truststore.location", "ssl.ca.location"},
       Kind::string},
      {{"ssl.ca.pem", {"ssl.truststore.certificates"}, "string", "", "PEM text of one or more CA certificates",
        "CA certificates in memory, instead of ssl.ca.location.", "ssl.truststore.certificates", "ssl.ca.pem"},
       Kind::string},
      {{"ssl.truststore.type", {}, "string", "", "PEM", "Format of ssl.truststore.location: only PEM.",
        "ssl.truststore.type", ""},
       Kind::truststore_type},
      {{"ssl.crl.location", {}, "string", "", "a PEM file of CRLs",
        "Certificate revocation lists: a revoked broker certificate fails the handshake.", "", "ssl.crl.location"},
       Kind::string},
      {{"enable.ssl.certificate.verification", {}, "bool", "true", "true or false",
        "Verify the broker's certificate chain and name; false logs a warning for every such connection.", "",
        "enable.ssl.certificate.verification"},
       Kind::boolean},
      {{"ssl.endpoint.identification.algorithm", {}, "string", "https", "https or none (empty means none, as in Java)",
        "https: the broker's certificate must name the host connected to.", "ssl.endpoint.identification.algorithm",
        "ssl.endpoint.identification.algorithm"},
       Kind::endpoint_identification},
      {{"ssl.enabled.protocols", {}, "string", "TLSv1.2,TLSv1.3", "TLSv1.2 and/or TLSv1.3, comma-separated",
        "TLS versions offered to brokers.", "ssl.enabled.protocols", ""},
       Kind::tls_protocols},
      {{"ssl.cipher.suites", {}, "string", "", "OpenSSL cipher names or IANA suite names, ',' or ':' separated",
        "Cipher suites offered (TLS 1.3 suites and TLS 1.2 ciphers alike); empty: OpenSSL's defaults.",
        "ssl.cipher.suites", "ssl.cipher.suites"},
       Kind::string},
      {{"ssl.certificate.location", {}, "string", "", "a PEM file", "Client certificate (chain) for mutual TLS.", "",
        "ssl.certificate.location"},
       Kind::string},
      {{"ssl.certificate.pem", {"ssl.keystore.certificate.chain"}, "string", "", "PEM text",
        "Client certificate (chain) in memory, instead of ssl.certificate.location.", "ssl.keystore.certificate.chain",
        "ssl.certificate.pem"},
       Kind::string},
      {{"ssl.key.location", {}, "string", "", "a PEM file", "Private key of the client certificate (PEM).", "",
        "ssl.key.location"},
       Kind::string},
      {{"ssl.key.pem", {"ssl.keystore.key"}, "password", "", "PEM text",
        "Private key in memory, instead of ssl.key.location; never logged or echoed.", "ssl.keystore.key", "ssl.key.pem"},
       Kind::secret},
      {{"ssl.key.password", {}, "password", "", "any string",
        "Password of an encrypted client key; never logged or echoed.", "ssl.key.password", "ssl.key.password"},
       Kind::secret},
      {{"ssl.keystore.location", {}, "string", "", "a PKCS#12 file (.p12, .pfx)",
        "Client certificate, its chain and key in one PKCS#12 file.", "ssl.keystore.location",
        "ssl.keystore.location"},
       Kind::string},
      {{"ssl.keystore.type", {}, "string", "PKCS12", "PKCS12", "Format of ssl.keystore.location: only PKCS12.",
        "ssl.keystore.type", ""},
       Kind::keystore_type},
      {{"ssl.keystore.password", {}, "password", "", "any string",
        "Password of ssl.keystore.location; never logged or echoed.", "ssl.keystore.password",
        "ssl.keystore.password"},
       Kind::secret},
      {{"sasl.mechanism", {"sasl.mechanisms"}, "string", "PLAIN", "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER",
        "SASL mechanism for SASL_PLAINTEXT / SASL_SSL (GSSAPI is not supported).", "sasl.mechanism",
        "sasl.mechanisms"},
       Kind::sasl_mechanism},
      {{"sasl.username", {}, "string", "", "any string", "SASL user name.", "", "sasl.username"}, Kind::string},
      {{"sasl.password", {}, "password", "", "any string", "SASL password; never logged or echoed.", "",
        "sasl.password"},
       Kind::secret},
      {{"sasl.jaas.config", {}, "password", "",
        "Java's PlainLoginModule or ScramLoginModule line with username and password, or OAuthBearerLoginModule "
        "with clientId, clientSecret, scope",
        "Java's form of the SASL credentials; never logged or echoed.", "sasl.jaas.config", ""},
       Kind::jaas},
      {{"sasl.oauthbearer.method", {}, "string", "default", "default or oidc",
        "OAUTHBEARER tokens from OIDC client credentials (oidc) or from the application's token provider "
        "(default). Java chooses OIDC by setting sasl.oauthbearer.token.endpoint.url.",
        "", "sasl.oauthbearer.method"},
       Kind::oauthbearer_method},
      {{"sasl.oauthbearer.token.endpoint.url", {}, "string", "", "an http:// or https:// URL",
        "OIDC token endpoint (client-credentials grant); https is verified with https.ca.*.",
        "sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.token.endpoint.url"},
       Kind::string},
      {{"https.ca.location", {}, "string", "",
        "a PEM file, or a directory hashed by `openssl rehash`; empty: the system's CA store",
        "CA certificates that verify an https token endpoint (not the brokers: ssl.ca.location).", "",
        "https.ca.location"},
       Kind::string},
      {{"https.ca.pem", {}, "string", "", "PEM text of one or more CA certificates",
        "CA certificates of the https token endpoint in memory, instead of https.ca.location.", "", "https.ca.pem"},
       Kind::string},
      {{"sasl.oauthbearer.client.id", {}, "string", "", "any string",
        "OIDC client id (Java: clientId in sasl.jaas.config).", "", "sasl.oauthbearer.client.id"},
       Kind::string},
      {{"sasl.oauthbearer.client.secret", {}, "password", "", "any string",
        "OIDC client secret (Java: clientSecret in sasl.jaas.config); never logged or echoed.", "",
        "sasl.oauthbearer.client.secret"},
       Kind::secret},
      {{"sasl.oauthbearer.scope", {}, "string", "", "space-separated scopes; empty: the endpoint's default",
        "Scope asked for with each token (Java: scope in sasl.jaas.config).", "", "sasl.oauthbearer.scope"},
       Kind::string},
      {{"sasl.oauthbearer.extensions", {}, "string", "", "key=value pairs, comma-separated (keys: letters only)",
        "SASL extensions sent with the token (Java: extension_<key> in sasl.jaas.config).", "",
        "sasl.oauthbearer.extensions"},
       Kind::sasl_extensions},
      {{"sasl.oauthbearer.clock.skew.seconds", {}, "int", "30", "0..3600",
        "A token that expired longer ago than this is refused before it is sent.",
        "sasl.oauthbearer.clock.skew.seconds", ""},
       Kind::integer, 0, 3600},
      {{"sasl.login.callback.handler.class", {}, "string", "",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler (or its 3.x name in .secured)",
        "Java's OIDC login handler: accepted (Sluice's OIDC client is built in); other classes are refused.",
        "sasl.login.callback.handler.class", ""},
       Kind::login_callback_handler},
      {{"transactional.id", {}, "string", "", "(not supported yet)", "Transactions are not supported yet.",
        "transactional.id", "transactional.id"},
       Kind::rejected},
      {{"key.serializer", {}, "string", "", "a built-in string or bytes serializer class name",
        "Accepted for the built-in string/bytes classes: keys are sent as given.", "key.serializer", ""},
       Kind::serializer},
      {{"value.serializer", {}, "string", "", "a built-in string or bytes serializer class name",
        "Accepted for the built-in string/bytes classes: values are sent as given.", "value.serializer", ""},
       Kind::serializer},
      {{"serializer.class", {}, "string", "", "kafka.serializer.StringEncoder or DefaultEncoder",
        "Kafka 0.8's value encoder: accepted for the built-in ones.", "", ""},
       Kind::serializer},
      {{"key.serializer.class", {}, "string", "", "kafka.serializer.StringEncoder or DefaultEncoder",
        "Kafka 0.8's key encoder: accepted for the built-in ones.", "", ""},
       Kind::serializer},
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

const Spec& spec_of(std::string_view canonical) { return *find_spec(canonical); }

bool is_secret(const Spec& s) { return s.kind == Kind::secret || s.kind == Kind::jaas; }

std::optional<std::int64_t> parse_int(std::string_view v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) return std::nullopt;
  return out;
}

std::optional<std::int64_t> parse_decimal_ms(std::string_view v) {
  const auto dot = v.find('.');
  const std::string_view whole = v.substr(0, dot);
  if (whole.empty() || whole.find_first_not_of("0123456789") != std::string_view::npos || whole.size() > 12) {
    return std::nullopt;
  }
  std::int64_t us = *parse_int(whole) * 1000;
  if (dot != std::string_view::npos) {
    const std::string_view frac = v.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    std::int64_t scale = 100;
    for (std::size_t i = 0; i < frac.size() && i < 3; ++i, scale /= 10) us += (frac[i] - '0') * scale;
  }
  return us;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_sasl_extensions(std::string_view v,
                                                                                       std::string& error) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= v.size() && !v.empty()) {
    const auto comma = std::min(v.find(',', pos), v.size());
    const std::string_view item = v.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    bool letters = !key.empty();
    for (char c : key) letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (eq == std::string_view::npos || !letters || key == "auth") {
      error = "each item must be key=value with a key of letters only, not 'auth' (RFC 7628)";
      return std::nullopt;
    }
    out.emplace_back(std::string(key), std::string(item.substr(eq + 1)));
  }
  return out;
}

namespace {
// librdkafka's debug contexts (CONFIGURATION.md); the first group concerns a producer.
constexpr std::string_view kProducerContexts[] = {"generic", "broker", "topic",  "metadata", "feature", "queue",
                                                  "msg",     "protocol", "security", "eos",   "admin",   "conf",
                                                  "all"};
constexpr std::string_view kOtherContexts[] = {"cgrp",   "fetch", "interceptor", "plugin",
                                               "consumer", "mock", "assignor",    "telemetry"};
}  // namespace

bool debug_context_applies(std::string_view context) {
  for (auto c : kProducerContexts) {
    if (c == context) return true;
  }
  return false;
}

std::uint32_t debug_context_bits(std::string_view context) {
  if (context == "all") return kAllDebugContexts;
  for (std::uint32_t bit = 1; bit & kAllDebugContexts; bit <<= 1) {
    if (context == to_string(static_cast<DebugContext>(bit))) return bit;
  }
  return 0;
}

bool debug_context_known(std::string_view context) {
  if (debug_context_applies(context)) return true;
  for (auto c : kOtherContexts) {
    if (c == context) return true;
  }
  return false;
}

}  // namespace sluice::detail
