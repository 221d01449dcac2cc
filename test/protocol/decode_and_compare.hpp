#pragma once
// The decode-and-compare helper of the message tests (messages_test,
// create_topics_test, conformance_responses_test). Each response's fields are
// listed once, in a table per struct (named as in Kafka's JSON schema), and
// one walker checks every field of a decoded response against the expected
// one: a field added to a response is added to its table and then checked by
// every test that compares that response, instead of by whichever of the
// hand-written copies someone remembered.
//
// What the walker asserts, per field of the table:
//   a leaf (number, string, Uuid, optional or vector of those): CHECK a == e
//     (through `leaf`, so a test can compare bytes its own way);
//   a vector of structs: REQUIRE equal sizes, then each element, under
//     INFO("Name[i]");
//   an optional struct or optional vector: REQUIRE both null or both not,
//     then the value.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/sasl.hpp"

namespace sluice::test {

using namespace sluice::protocol;

template <class T>
using Decoder = Result<T> (*)(std::span<const std::uint8_t>, std::int16_t);

// ---- The tables ----------------------------------------------------------------

template <class S, class M>
struct Field {
  const char* name;
  M S::*member;
};
template <class S, class M>
Field(const char*, M S::*) -> Field<S, M>;

// fields(Table<T>{}): the tuple of T's fields, in schema order.
template <class T>
struct Table {};

inline auto fields(Table<ApiVersionsResponse::ApiVersion>) {
  using S = ApiVersionsResponse::ApiVersion;
  return std::tuple{Field{"ApiKey", &S::api_key}, Field{"MinVersion", &S::min_version},
                    Field{"MaxVersion", &S::max_version}};
}
inline auto fields(Table<ApiVersionsResponse::SupportedFeature>) {
  using S = ApiVersionsResponse::SupportedFeature;
  return std::tuple{Field{"Name", &S::name}, Field{"MinVersion", &S::min_version},
                    Field{"MaxVersion", &S::max_version}};
}
inline auto fields(Table<ApiVersionsResponse::FinalizedFeature>) {
  using S = ApiVersionsResponse::FinalizedFeature;
  return std::tuple{Field{"Name", &S::name}, Field{"MaxVersionLevel", &S::max_version_level},
                    Field{"MinVersionLevel", &S::min_version_level}};
}
inline auto fields(Table<ApiVersionsResponse>) {
  using S = ApiVersionsResponse;
  return std::tuple{Field{"ErrorCode", &S::error_code},
                    Field{"ThrottleTimeMs", &S::throttle_time_ms},
                    Field{"ApiKeys", &S::api_keys},
                    Field{"SupportedFeatures", &S::supported_features},
                    Field{"FinalizedFeaturesEpoch", &S::finalized_features_epoch},
                    Field{"FinalizedFeatures", &S::finalized_features},
                    Field{"ZkMigrationReady", &S::zk_migration_ready}};
}

inline auto fields(Table<MetadataResponse::Broker>) {
  using S = MetadataResponse::Broker;
  return std::tuple{Field{"NodeId", &S::node_id}, Field{"Host", &S::host}, Field{"Port", &S::port},
                    Field{"Rack", &S::rack}};
}
inline auto fields(Table<MetadataResponse::Partition>) {
  using S = MetadataResponse::Partition;
  return std::tuple{Field{"ErrorCode", &S::error_code},     Field{"PartitionIndex", &S::partition_index},
                    Field{"LeaderId", &S::leader_id},       Field{"LeaderEpoch", &S::leader_epoch},
                    Field{"ReplicaNodes", &S::replica_nodes}, Field{"IsrNodes", &S::isr_nodes},
                    Field{"OfflineReplicas", &S::offline_replicas}};
}
inline auto fields(Table<MetadataResponse::Topic>) {
  using S = MetadataResponse::Topic;
  return std::tuple{Field{"ErrorCode", &S::error_code},   Field{"Name", &S::name},
                    Field{"TopicId", &S::topic_id},       Field{"IsInternal", &S::is_internal},
                    Field{"TopicAuthorizedOperations", &S::topic_authorized_operations},
                    Field{"Partitions", &S::partitions}};
}
inline auto fields(Table<MetadataResponse>) {
  using S = MetadataResponse;
  return std::tuple{Field{"ThrottleTimeMs", &S::throttle_time_ms},
                    Field{"Brokers", &S::brokers},
                    Field{"ClusterId", &S::cluster_id},
                    Field{"ControllerId", &S::controller_id},
                    Field{"Topics", &S::topics},
                    Field{"ClusterAuthorizedOperations", &S::cluster_authorized_operations},
                    Field{"ErrorCode", &S::error_code}};
}

inline auto fields(Table<ProduceResponse::RecordError>) {
  using S = ProduceResponse::RecordError;
  return std::tuple{Field{"BatchIndex", &S::batch_index},
                    Field{"BatchIndexErrorMessage", &S::batch_index_error_message}};
}
inline auto fields(Table<ProduceResponse::LeaderIdAndEpoch>) {
  using S = ProduceResponse::LeaderIdAndEpoch;
  return std::tuple{Field{"LeaderId", &S::leader_id}, Field{"LeaderEpoch", &S::leader_epoch}};
}
inline auto fields(Table<ProduceResponse::Partition>) {
  using S = ProduceResponse::Partition;
  return std::tuple{Field{"Index", &S::index},
                    Field{"ErrorCode", &S::error_code},
                    Field{"BaseOffset", &S::base_offset},
                    Field{"LogAppendTimeMs", &S::log_append_time_ms},
                    Field{"LogStartOffset", &S::log_start_offset},
                    Field{"RecordErrors", &S::record_errors},
                    Field{"ErrorMessage", &S::error_message},
                    Field{"CurrentLeader", &S::current_leader}};
}
inline auto fields(Table<ProduceResponse::Topic>) {
  using S = ProduceResponse::Topic;
  return std::tuple{Field{"Name", &S::name}, Field{"TopicId", &S::topic_id},
                    Field{"PartitionResponses", &S::partitions}};
}
inline auto fields(Table<ProduceResponse::NodeEndpoint>) {
  using S = ProduceResponse::NodeEndpoint;
  return std::tuple{Field{"NodeId", &S::node_id}, Field{"Host", &S::host}, Field{"Port", &S::port},
                    Field{"Rack", &S::rack}};
}
inline auto fields(Table<ProduceResponse>) {
  using S = ProduceResponse;
  return std::tuple{Field{"Responses", &S::topics}, Field{"ThrottleTimeMs", &S::throttle_time_ms},
                    Field{"NodeEndpoints", &S::node_endpoints}};
}

inline auto fields(Table<InitProducerIdResponse>) {
  using S = InitProducerIdResponse;
  return std::tuple{Field{"ThrottleTimeMs", &S::throttle_time_ms}, Field{"ErrorCode", &S::error_code},
                    Field{"ProducerId", &S::producer_id}, Field{"ProducerEpoch", &S::producer_epoch}};
}

inline auto fields(Table<SaslHandshakeResponse>) {
  using S = SaslHandshakeResponse;
  return std::tuple{Field{"ErrorCode", &S::error_code}, Field{"Mechanisms", &S::mechanisms}};
}
inline auto fields(Table<SaslAuthenticateResponse>) {
  using S = SaslAuthenticateResponse;
  return std::tuple{Field{"ErrorCode", &S::error_code}, Field{"ErrorMessage", &S::error_message},
                    Field{"AuthBytes", &S::auth_bytes}, Field{"SessionLifetimeMs", &S::session_lifetime_ms}};
}

inline auto fields(Table<CreateTopicsResponse::Config>) {
  using S = CreateTopicsResponse::Config;
  return std::tuple{Field{"Name", &S::name}, Field{"Value", &S::value}, Field{"ReadOnly", &S::read_only},
                    Field{"ConfigSource", &S::config_source}, Field{"IsSensitive", &S::is_sensitive}};
}
inline auto fields(Table<CreateTopicsResponse::Topic>) {
  using S = CreateTopicsResponse::Topic;
  return std::tuple{Field{"Name", &S::name},
                    Field{"TopicId", &S::topic_id},
                    Field{"ErrorCode", &S::error_code},
                    Field{"ErrorMessage", &S::error_message},
                    Field{"TopicConfigErrorCode", &S::topic_config_error_code},
                    Field{"NumPartitions", &S::num_partitions},
                    Field{"ReplicationFactor", &S::replication_factor},
                    Field{"Configs", &S::configs}};
}
inline auto fields(Table<CreateTopicsResponse>) {
  using S = CreateTopicsResponse;
  return std::tuple{Field{"ThrottleTimeMs", &S::throttle_time_ms}, Field{"Topics", &S::topics}};
}

// ---- The walker ----------------------------------------------------------------

template <class T>
concept Tabled = requires { fields(Table<T>{}); };

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {
  using Element = T;
};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {
  using Value = T;
};

// A member holds structs somewhere inside (then it is walked, not compared
// with ==).
template <class M>
constexpr bool holds_structs() {
  if constexpr (Tabled<M>) return true;
  else if constexpr (IsVector<M>::value) return holds_structs<typename IsVector<M>::Element>();
  else if constexpr (IsOptional<M>::value) return holds_structs<typename IsOptional<M>::Value>();
  else return false;
}

// The default leaf comparison: the value itself, named in the failure.
struct CheckEqual {
  template <class M>
  void operator()(const char* name, const M& expected, const M& actual) const {
    INFO(name);
    CHECK(actual == expected);
  }
};

template <class T, class Leaf = CheckEqual>
void compare_fields(const T& expected, const T& actual, const Leaf& leaf = {});

template <class M, class Leaf>
void compare_field(const char* name, const M& expected, const M& actual, const Leaf& leaf) {
  if constexpr (!holds_structs<M>()) {
    leaf(name, expected, actual);
  } else if constexpr (Tabled<M>) {
    compare_fields(expected, actual, leaf);
  } else if constexpr (IsVector<M>::value) {
    INFO(name);
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      INFO(name << "[" << i << "]");
      compare_field(name, expected[i], actual[i], leaf);
    }
  } else {
    INFO(name);
    REQUIRE(actual.has_value() == expected.has_value());
    if (expected) compare_field(name, *expected, *actual, leaf);
  }
}

// Every field of `actual` (decoded) against `expected` (what was encoded).
template <class T, class Leaf>
void compare_fields(const T& expected, const T& actual, const Leaf& leaf) {
  std::apply([&](const auto&... f) { (compare_field(f.name, expected.*f.member, actual.*f.member, leaf), ...); },
             fields(Table<T>{}));
}

// ---- Decode, then compare ------------------------------------------------------

// `body` decodes at `version`, to every field of `expected`.
template <class T, class Leaf = CheckEqual>
void check_decodes_to(Decoder<T> decode, std::span<const std::uint8_t> body, std::int16_t version,
                      const T& expected, const Leaf& leaf = {}) {
  INFO("version " << version);
  auto r = decode(body, version);
  REQUIRE(r.ok());
  compare_fields(expected, r.value(), leaf);
}

// What a decoder does with bytes after a complete message: responses skip
// and count them (decode_support.hpp, finish_response: as Kafka's Java
// client); ApiVersions refuses them (its callers tell layouts apart by what
// consumes the whole body).
enum class Trailing { ignored, refused };

// Every cut of a valid body is an error naming a field inside the cut. Bytes
// after the body (1, 2 and 17 of them): `ignored` decodes to the same fields
// with their count in trailing_bytes_ignored(); `refused` is trailing_bytes at
// the end of the body.
template <class T>
void check_truncations_and_trailing(Decoder<T> decode, const Bytes& body, std::int16_t version,
                                    Trailing trailing = Trailing::ignored) {
  INFO("version " << version << ", body " << body.size() << " bytes");
  auto whole = decode(body, version);
  REQUIRE(whole.ok());
  CHECK(whole.trailing_bytes_ignored() == 0);
  for (std::size_t k = 0; k < body.size(); ++k) {
    auto r = decode(std::span<const std::uint8_t>(body).first(k), version);
    if (r.ok()) FAIL("decoded from the first " << k << " bytes");
    const DecodeError& e = r.error();
    if (e.code == codec_errc::ok || e.field == nullptr || *e.field == '\0' || e.offset > k) {
      FAIL("cut at " << k << ": bad error " << e.message());
    }
  }
  for (std::size_t extra : {std::size_t{1}, std::size_t{2}, std::size_t{17}}) {
    INFO(extra << " byte(s) after the body");
    Bytes longer = body;
    longer.insert(longer.end(), extra, extra == 1 ? 0x00 : 0xab);
    auto r = decode(longer, version);
    if (trailing == Trailing::ignored) {
      REQUIRE(r.ok());
      CHECK(r.trailing_bytes_ignored() == extra);
      compare_fields(whole.value(), r.value(), CheckEqual{});
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == codec_errc::trailing_bytes);
      CHECK(r.error().offset == body.size());
    }
  }
}

// Versions just outside the supported range (and -1, INT16_MAX) are refused
// as unsupported_version, naming the message.
template <class T>
void check_unsupported(Decoder<T> decode, ApiKey key) {
  const auto range = supported_versions(key);
  for (std::int16_t v : {static_cast<std::int16_t>(range.min - 1), static_cast<std::int16_t>(range.max + 1),
                         std::int16_t{-1}, std::int16_t{INT16_MAX}}) {
    if (range.contains(v)) continue;
    INFO(api_name(key) << " version " << v);
    auto r = decode(Bytes(64, 0), v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::unsupported_version);
    CHECK(std::string_view(r.error().field).size() > 0);
  }
}

}  // namespace sluice::test
