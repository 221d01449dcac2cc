// Conformance with the Java client (kafka-clients, the version in
// test/conformance/pom.xml), responses: Sluice must decode every response
// and response header Java writes, at every version it supports, to exactly
// the fields Java was given. The inputs mirror GoldenGenerator.java
// (conformance_golden.hpp says how to run these).
#include "conformance_golden.hpp"  // first: it configures Catch2
#include "decode_and_compare.hpp"

using namespace sluice::test::conformance;

namespace {

// ---- Expected responses ----

ApiVersionsResponse api_versions_response(const std::string& c, std::int16_t v) {
  ApiVersionsResponse m;
  if (c == "full") {
    m.error_code = 0;
    m.api_keys = {{0, 3, 13}, {3, 0, 13}, {18, 0, 4}, {22, 0, 6}};
    m.throttle_time_ms = v >= 1 ? 25 : 0;
    if (v >= 3) {
      m.supported_features = {{"metadata.version", 7, 27}, {"transaction.version", 0, 2}};
      m.finalized_features_epoch = 42;
      m.finalized_features = {{"metadata.version", 27, 7}};
      m.zk_migration_ready = true;
    }
  } else {  // error, unknowntags
    m.error_code = 35;
    m.api_keys = {{18, 0, 4}};
  }
  return m;
}

MetadataResponse::Partition mp(std::int16_t err, std::int32_t idx, std::int32_t leader, std::int32_t epoch,
                               std::vector<std::int32_t> replicas, std::vector<std::int32_t> isr,
                               std::vector<std::int32_t> offline) {
  return {err, idx, leader, epoch, std::move(replicas), std::move(isr), std::move(offline)};
}

MetadataResponse metadata_response(const std::string& c, std::int16_t v) {
  MetadataResponse m;
  using T = MetadataResponse::Topic;
  if (c == "full") {
    m.throttle_time_ms = v >= 3 ? 11 : 0;
    m.brokers = {{1, "broker-1.example.com", 9092, v >= 1 ? std::optional<std::string>("rack-a") : std::nullopt},
                 {2, "b2", 19092, std::nullopt}};
    if (v >= 2) m.cluster_id = "cluster-Xyz_123";
    m.controller_id = v >= 1 ? 2 : -1;
    m.topics.push_back(T{0, "orders", v >= 10 ? U_ORDERS : ZERO, false,
                         {mp(0, 0, 1, v >= 7 ? 5 : -1, {1, 2}, {1, 2}, {}),
                          mp(9, 1, 2, v >= 7 ? 7 : -1, {2, 1, 3}, {2}, v >= 5 ? std::vector{3} : std::vector<int>{})},
                         v >= 8 ? 0x00000BF8 : INT32_MIN});
    m.topics.push_back(T{0, "__consumer_offsets", v >= 10 ? U_CONSUMER : ZERO, v >= 1,
                         {mp(5, 0, -1, v >= 7 ? 0 : -1, {3}, {}, v >= 5 ? std::vector{3} : std::vector<int>{})},
                         v >= 8 ? 0 : INT32_MIN});
    m.topics.push_back(T{3, "missing-topic", ZERO, false, {}, INT32_MIN});
    if (v >= 12) m.topics.push_back(T{100, std::nullopt, U_GHOST, false, {}, INT32_MIN});
    m.cluster_authorized_operations = v >= 8 && v <= 10 ? 0x00001FF8 : INT32_MIN;
    m.error_code = 0;
  } else if (c == "minimal") {
    m.controller_id = -1;
    m.error_code = v >= 13 ? 129 : 0;
  } else if (c == "unknowntags") {
    m.brokers = {{1, "h", 9092, std::nullopt}};
    m.cluster_id = "c";
    m.controller_id = 1;
    m.topics.push_back(T{0, "orders", v >= 10 ? U_ORDERS : ZERO, false, {mp(0, 0, 1, 3, {1}, {1}, {})}, INT32_MIN});
  }
  return m;
}

ProduceResponse::Partition pr(std::int32_t index, std::int16_t err, std::int64_t base, std::int64_t append_time,
                              std::int64_t log_start) {
  ProduceResponse::Partition p;
  p.index = index;
  p.error_code = err;
  p.base_offset = base;
  p.log_append_time_ms = append_time;
  p.log_start_offset = log_start;
  return p;
}

ProduceResponse::Topic tr(const char* name, Uuid id, std::int16_t v, std::vector<ProduceResponse::Partition> ps) {
  ProduceResponse::Topic t;
  t.name = v < 13 ? name : "";
  t.topic_id = v >= 13 ? id : ZERO;
  t.partitions = std::move(ps);
  return t;
}

ProduceResponse produce_response(const std::string& c, std::int16_t v) {
  ProduceResponse m;
  if (c == "full") {
    auto p0 = pr(0, 0, 1234567890123LL, 1700000000123LL, v >= 5 ? 100 : -1);
    auto p3 = pr(3, 87, -1, -1, -1);
    if (v >= 8) {
      p3.record_errors = {{0, "bad key"}, {4, std::nullopt}};
      p3.error_message = "2 records invalid";
    }
    auto p1 = pr(1, 6, -1, -1, -1);
    if (v >= 8) p1.error_message = "Not leader";
    if (v >= 10) p1.current_leader = ProduceResponse::LeaderIdAndEpoch{3, 12};
    m.topics.push_back(tr("orders", U_ORDERS, v, {p0, p3}));
    m.topics.push_back(tr("payments", U_PAYMENTS, v, {p1}));
    m.throttle_time_ms = 7;
    if (v >= 10) {
      m.node_endpoints = {{3, "broker-3.example.com", 9093, "rack-c"}, {4, "b4", 9094, std::nullopt}};
    }
  } else if (c == "empty") {
    m.throttle_time_ms = 0;
  } else if (c == "unknowntags") {
    m.topics.push_back(tr("orders", U_ORDERS, v, {pr(0, 0, 42, -1, 0)}));
    m.throttle_time_ms = 1;
  }
  return m;
}

InitProducerIdResponse init_producer_id_response(const std::string& c) {
  if (c == "error") return {100, 53, -1, -1};
  return {0, 0, 4000000000123LL, 3};  // ok, unknowntags
}

SaslHandshakeResponse sasl_handshake_response(const std::string& c) {
  if (c == "ok") return {0, {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}};
  if (c == "unsupported") return {33, {"GSSAPI", "PLAIN"}};  // UNSUPPORTED_SASL_MECHANISM
  return {33, {}};                                          // empty
}

constexpr const char* kScramServerFinal = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
constexpr const char* kSaslFailedMessage =
    "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512";
constexpr std::int64_t kSessionLifetimeMs = 3'600'000;

SaslAuthenticateResponse sasl_authenticate_response(const std::string& c, std::int16_t v) {
  SaslAuthenticateResponse m;
  if (c == "ok" || c == "unknowntags") {
    m.error_code = 0;
    m.error_message = "";  // Java's default: empty, not null
    m.auth_bytes = bytes_of(kScramServerFinal);
    m.session_lifetime_ms = v >= 1 ? kSessionLifetimeMs : 0;
  } else if (c == "failed") {
    m.error_code = 58;  // SASL_AUTHENTICATION_FAILED
    m.error_message = kSaslFailedMessage;
  } else if (c == "nullmessage") {
    m.error_code = 58;
    m.error_message = std::nullopt;
  }
  return m;
}

// ---- Field-by-field comparison (expected = our input, actual = decoded) ----

// decode_and_compare.hpp's walker, with byte strings (AuthBytes) compared by
// check_opt_bytes, which names the first differing byte instead of printing
// both strings.
struct ConformanceLeaf {
  void operator()(const char* name, const Bytes& expected, const Bytes& actual) const {
    check_opt_bytes(name, expected, actual);
  }
  template <class M>
  void operator()(const char* name, const M& expected, const M& actual) const {
    sluice::test::CheckEqual{}(name, expected, actual);
  }
};

template <class T>
void compare(const T& expected, const T& actual) {
  sluice::test::compare_fields(expected, actual, ConformanceLeaf{});
}

CreateTopicsResponse create_topics_response(const std::string& c, std::int16_t v) {
  CreateTopicsResponse m;
  using Topic = CreateTopicsResponse::Topic;
  if (c == "ok" || c == "unknowntags") {
    m.throttle_time_ms = 25;
    Topic orders;
    orders.name = "orders";
    if (v >= 5) {
      orders.num_partitions = 3;
      orders.replication_factor = 2;
      orders.configs = std::vector<CreateTopicsResponse::Config>{
          {"cleanup.policy", std::string("delete"), false, 5, false}, {"sasl.secret", std::nullopt, true, 4, true}};
    }
    if (v >= 7) orders.topic_id = U_ORDERS;
    m.topics.push_back(orders);
  } else {  // errors
    Topic exists;
    exists.name = "payments.v2";
    exists.error_code = 36;
    exists.error_message = "Topic 'payments.v2' already exists.";
    Topic partitions;
    partitions.name = "metrics";
    partitions.error_code = 37;
    Topic name;
    name.name = "bad name!";
    name.error_code = 17;
    name.error_message = "";
    if (v >= 5) {
      exists.configs.emplace();
      partitions.topic_config_error_code = 29;  // configs withheld: null
      name.configs.emplace();                   // Java's default: empty
    }
    m.topics = {exists, partitions, name};
  }
  return m;
}

// Decodes Java's golden file with Sluice's decoder and compares every field.
template <class Decode, class Expected>
void check_response(const std::string& file, Decode&& decode, const Expected& expected) {
  INFO("golden " << file);
  auto java = golden(file);
  if (!java) return;
  auto decoded = decode(ByteView(*java));
  if (!decoded) {
    FAIL_CHECK(file << ": Sluice's decoder rejected Java's bytes: " << decoded.error().message());
    return;
  }
  compare(expected, decoded.value());
}


// Decodes every response golden of `key`, at every version, with
// `decode(bytes, version)` and compares every field with what
// `expected(case, version)` gave Java to encode.
template <class Decode, class Expected>
void check_responses(ApiKey key, Decode&& decode, Expected&& expected) {
  golden_dir();
  const Api& a = api(key);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(response_file(a, v, c), [&](ByteView b) { return decode(b, v); }, expected(c, v));
    }
  }
}

}  // namespace

TEST_CASE("conformance: response headers decode as Java writes them", "[conformance]") {
  golden_dir();
  for (const auto& a : kApis) {
    for (std::int16_t v = a.min; v <= a.max; ++v) {
      std::string file = response_header_file(a, v);
      INFO("golden " << file);
      auto java = golden(file);
      if (!java) continue;
      BufferReader r(*java);
      ResponseHeader h = decode_response_header(r, a.key, v);
      CHECK(r.ok());
      CHECK(r.at_end());
      CHECK(h.correlation_id == correlation_id(a.key, v));
      CHECK(peek_correlation_id(*java) == correlation_id(a.key, v));
    }
  }
}

TEST_CASE("conformance: ApiVersions responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::ApiVersions, [](ByteView b, std::int16_t v) { return decode_api_versions_response(b, v); },
      [](const std::string& c, std::int16_t v) { return api_versions_response(c, v); });
}

TEST_CASE("conformance: Metadata responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::Metadata, [](ByteView b, std::int16_t v) { return decode_metadata_response(b, v); },
      [](const std::string& c, std::int16_t v) { return metadata_response(c, v); });
}

TEST_CASE("conformance: Produce responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::Produce, [](ByteView b, std::int16_t v) { return decode_produce_response(b, v); },
      [](const std::string& c, std::int16_t v) { return produce_response(c, v); });
}

TEST_CASE("conformance: InitProducerId responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::InitProducerId, [](ByteView b, std::int16_t v) { return decode_init_producer_id_response(b, v); },
      [](const std::string& c, std::int16_t) { return init_producer_id_response(c); });
}

TEST_CASE("conformance: SaslHandshake responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::SaslHandshake, [](ByteView b, std::int16_t v) { return decode_sasl_handshake_response(b, v); },
      [](const std::string& c, std::int16_t) { return sasl_handshake_response(c); });
}

TEST_CASE("conformance: SaslAuthenticate responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::SaslAuthenticate, [](ByteView b, std::int16_t v) { return decode_sasl_authenticate_response(b, v); },
      [](const std::string& c, std::int16_t v) { return sasl_authenticate_response(c, v); });
}

TEST_CASE("conformance: CreateTopics responses written by Java decode", "[conformance]") {
  check_responses(
      ApiKey::CreateTopics, [](ByteView b, std::int16_t v) { return decode_create_topics_response(b, v); },
      [](const std::string& c, std::int16_t v) { return create_topics_response(c, v); });
}
