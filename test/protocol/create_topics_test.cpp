// CreateTopics (key 19), v2-v7: request layouts byte by byte, responses
// round-tripped through a writer that follows Kafka's schema, every cut
// (split at every byte) and bad input rejected as a value, never a crash.
#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "decode_and_compare.hpp"
#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/version_picker.hpp"

using namespace sluice::protocol;
using namespace sluice::test;

namespace {

using Span = std::span<const std::uint8_t>;

Bytes encoded(const CreateTopicsRequest& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  REQUIRE_FALSE(encode(m, w, version));
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }

const Uuid kTopicId{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

// The response as a broker writes it (Kafka's CreateTopicsResponse.json):
// TopicConfigErrorCode is tagged field 0 of a topic, written when non-zero.
Bytes write_response(const CreateTopicsResponse& m, std::int16_t version) {
  const bool flex = version >= 5;
  Bytes out;
  BufferWriter w(out);
  w.int32(m.throttle_time_ms);
  w.array_length(m.topics.size(), flex);
  for (const auto& t : m.topics) {
    w.string(t.name, flex);
    if (version >= 7) w.uuid(t.topic_id);
    w.int16(t.error_code);
    w.nullable_string(t.error_message, flex);
    if (version >= 5) {
      w.int32(t.num_partitions);
      w.int16(t.replication_factor);
      if (!t.configs) {
        w.nullable_array_length(std::nullopt, true);
      } else {
        w.array_length(t.configs->size(), true);
        for (const auto& c : *t.configs) {
          w.string(c.name, true);
          w.nullable_string(c.value, true);
          w.boolean(c.read_only);
          w.int8(c.config_source);
          w.boolean(c.is_sensitive);
          w.empty_tagged_fields();
        }
      }
    }
    if (flex) {
      if (t.topic_config_error_code != 0) {
        w.uvarint(1);  // one tagged field
        w.uvarint(0);  // tag 0
        w.uvarint(2);  // its size
        w.int16(t.topic_config_error_code);
      } else {
        w.empty_tagged_fields();
      }
    }
  }
  if (flex) w.empty_tagged_fields();
  return out;
}

// What a version carries of `full` (fields a version lacks at their defaults).
CreateTopicsResponse sample(std::int16_t version) {
  CreateTopicsResponse m;
  m.throttle_time_ms = 7;
  m.topics.reserve(3);  // the references below stay valid
  auto& ok = m.topics.emplace_back();
  ok.name = "orders";
  auto& exists = m.topics.emplace_back();
  exists.name = "payments";
  exists.error_code = 36;  // TOPIC_ALREADY_EXISTS
  exists.error_message = "Topic 'payments' already exists.";
  auto& hidden = m.topics.emplace_back();
  hidden.name = "metrics";
  if (version >= 5) {
    ok.num_partitions = 3;
    ok.replication_factor = 2;
    ok.configs = std::vector<CreateTopicsResponse::Config>{
        {"cleanup.policy", std::string("delete"), false, 5, false},
        {"sasl.secret", std::nullopt, true, 4, true}};
    exists.configs = std::vector<CreateTopicsResponse::Config>{};
    hidden.topic_config_error_code = 29;  // TOPIC_AUTHORIZATION_FAILED: configs withheld
  }
  if (version >= 7) ok.topic_id = kTopicId;
  return m;
}

}  // namespace

TEST_CASE("CreateTopics is registered for version negotiation at v2-v7, flexible from v5") {
  CHECK(std::string(api_name(ApiKey::CreateTopics)) == "CreateTopics");
  CHECK(static_cast<int>(ApiKey::CreateTopics) == 19);
  CHECK(supported_versions(ApiKey::CreateTopics).min == 2);
  CHECK(supported_versions(ApiKey::CreateTopics).max == 7);
  CHECK_FALSE(is_flexible(ApiKey::CreateTopics, 4));
  CHECK(is_flexible(ApiKey::CreateTopics, 5));
  CHECK(request_header_version(ApiKey::CreateTopics, 5) == 2);
  CHECK(response_header_version(ApiKey::CreateTopics, 4) == 0);

  auto negotiated = [](std::int16_t lo, std::int16_t hi) {
    ApiVersionsResponse broker;
    broker.api_keys.push_back({static_cast<std::int16_t>(ApiKey::CreateTopics), lo, hi});
    return NegotiatedVersions(broker).version(ApiKey::CreateTopics);
  };
  CHECK(negotiated(0, 7) == std::optional<std::int16_t>(7));   // Kafka 4.x: 2-7
  CHECK(negotiated(0, 9) == std::optional<std::int16_t>(7));   // a newer broker: our maximum
  CHECK(negotiated(0, 4) == std::optional<std::int16_t>(4));   // an older one: its maximum
  CHECK(negotiated(0, 1) == std::nullopt);                     // nothing in common
  CHECK(NegotiatedVersions(ApiVersionsResponse{}).version(ApiKey::CreateTopics) == std::nullopt);
}

TEST_CASE("CreateTopics request: classic layout (v2-v4), byte by byte") {
  CreateTopicsRequest m;
  m.topics.push_back({"t", 3, -1, {}, {{"retention.ms", std::string("1000")}, {"x", std::nullopt}}});
  m.timeout_ms = 5000;
  const Bytes topic = concat({{0, 1}, str("t"), {0, 0, 0, 3}, {0xff, 0xff}, {0, 0, 0, 0},  // no assignments
                              {0, 0, 0, 2},                                                // two configs
                              {0, 12}, str("retention.ms"), {0, 4}, str("1000"),
                              {0, 1}, str("x"), {0xff, 0xff}});
  const Bytes expected = concat({{0, 0, 0, 1}, topic, {0, 0, 0x13, 0x88}, {0}});
  for (std::int16_t v = 2; v <= 4; ++v) {
    INFO("v" << v);
    CHECK(encoded(m, v) == expected);
  }
  m.validate_only = true;
  CHECK(encoded(m, 2).back() == 1);
}

TEST_CASE("CreateTopics request: flexible layout (v5-v7) with assignments") {
  CreateTopicsRequest m;
  CreateTopicsRequest::Topic t;
  t.name = "ab";
  t.assignments = {{0, {1, 2}}};
  t.configs = {{"k", std::string("v")}};
  m.topics.push_back(t);
  m.timeout_ms = 1;
  const Bytes expected = concat({{2},                                          // one topic
                                 {3}, str("ab"), {0xff, 0xff, 0xff, 0xff}, {0xff, 0xff},
                                 {2, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0},  // assignment + tags
                                 {2, 2}, str("k"), {2}, str("v"), {0},         // config + tags
                                 {0},                                          // topic tags
                                 {0, 0, 0, 1}, {0}, {0}});                     // timeout, validate, tags
  for (std::int16_t v = 5; v <= 7; ++v) {
    INFO("v" << v);
    CHECK(encoded(m, v) == expected);
  }
}

TEST_CASE("CreateTopics request: versions outside v2-v7 are refused, nothing written") {
  CreateTopicsRequest m;
  m.topics.push_back({"t", 1, 1, {}, {}});
  for (std::int16_t v : {std::int16_t{-1}, std::int16_t{0}, std::int16_t{1}, std::int16_t{8}}) {
    INFO("v" << v);
    Bytes out{0xaa};
    BufferWriter w(out);
    CHECK(encode(m, w, v) == codec_errc::unsupported_version);
    CHECK(out == Bytes{0xaa});
  }
}

TEST_CASE("CreateTopics response v2 from hand-made bytes") {
  const Bytes body = concat({{0, 0, 0, 9},                                           // throttle
                             {0, 0, 0, 2},                                           // two topics
                             {0, 1}, str("a"), {0, 0}, {0xff, 0xff},                 // ok, null message
                             {0, 1}, str("b"), {0, 37}, {0, 3}, str("bad")});        // INVALID_PARTITIONS
  auto r = decode_create_topics_response(body, 2);
  REQUIRE(r.ok());
  CHECK(r->throttle_time_ms == 9);
  REQUIRE(r->topics.size() == 2);
  CHECK(r->topics[0].name == "a");
  CHECK(r->topics[0].error_code == 0);
  CHECK(r->topics[0].error_message == std::nullopt);
  CHECK(r->topics[0].num_partitions == -1);  // not in v2
  CHECK(r->topics[1].error_code == 37);
  CHECK(r->topics[1].error_message == std::optional<std::string>("bad"));
  CHECK_FALSE(r->topics[1].configs.has_value());
}

TEST_CASE("CreateTopics response: every version round-trips") {
  for (std::int16_t v = 2; v <= 7; ++v) {
    INFO("v" << v);
    const auto m = sample(v);
    check_decodes_to<CreateTopicsResponse>(decode_create_topics_response, write_response(m, v), v, m);
  }
}

TEST_CASE("CreateTopics response: split at every byte fails cleanly, trailing bytes are skipped and counted") {
  for (std::int16_t v = 2; v <= 7; ++v) {
    const Bytes body = write_response(sample(v), v);
    check_truncations_and_trailing<CreateTopicsResponse>(decode_create_topics_response, body, v);
    // The rest alone (the other half of each split) is no response either,
    // unless it happens to be one: it must not crash.
    for (std::size_t k = 0; k < body.size(); ++k) (void)decode_create_topics_response(Span(body).subspan(k), v);
  }
}

TEST_CASE("CreateTopics response: bad input is an error naming the field") {
  SECTION("unsupported versions") {
    for (std::int16_t v :
         {std::int16_t{-1}, std::int16_t{0}, std::int16_t{1}, std::int16_t{8}, std::int16_t{INT16_MAX}}) {
      auto r = decode_create_topics_response(Bytes(64, 0), v);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == codec_errc::unsupported_version);
    }
  }
  SECTION("a topic count larger than the body is refused before allocating") {
    const Bytes body = concat({{0, 0, 0, 0}, {0x7f, 0xff, 0xff, 0xff}});
    auto r = decode_create_topics_response(body, 2);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.error().field) == "Topics");
    const Bytes flex = concat({{0, 0, 0, 0}, {0xff, 0xff, 0xff, 0xff, 0x07}, {0}});
    auto f = decode_create_topics_response(flex, 5);
    REQUIRE_FALSE(f.ok());
    CHECK(std::string(f.error().field) == "Topics");
  }
  SECTION("a null topic name") {
    const Bytes body = concat({{0, 0, 0, 0}, {0, 0, 0, 1}, {0xff, 0xff}, {0, 0}, {0xff, 0xff}});
    auto r = decode_create_topics_response(body, 3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::negative_length);
    CHECK(std::string(r.error().field) == "Topics.Name");
  }
  SECTION("a config count larger than the body") {
    const Bytes body = concat({{0, 0, 0, 0}, {2}, {2}, str("a"), {0, 0}, {0}, {0, 0, 0, 1}, {0, 1},
                               {0x7f}, {0}, {0}});
    auto r = decode_create_topics_response(body, 5);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.error().field) == "Topics.Configs");
  }
  SECTION("a TopicConfigErrorCode tag of the wrong size") {
    for (std::uint8_t size : {std::uint8_t{1}, std::uint8_t{3}}) {
      Bytes body = concat({{0, 0, 0, 0}, {2}, {2}, str("a"), {0, 0}, {0}, {0, 0, 0, 1}, {0, 1}, {0},
                           {1, 0, size}});
      body.insert(body.end(), size, 0);
      body.push_back(0);  // response tags
      auto r = decode_create_topics_response(body, 5);
      REQUIRE_FALSE(r.ok());
      INFO(r.error().message());
      CHECK(std::string(r.error().field).find("TopicConfigErrorCode") != std::string::npos);
    }
  }
  SECTION("unknown tagged fields are skipped") {
    const Bytes body = concat({{0, 0, 0, 0}, {2}, {2}, str("a"), {0, 0}, {0}, {0, 0, 0, 1}, {0, 1}, {0},
                               {2, 0, 2, 0, 29, 5, 1, 0xee}, {1, 9, 0}});
    auto r = decode_create_topics_response(body, 5);
    REQUIRE(r.ok());
    CHECK(r->topics[0].topic_config_error_code == 29);
    CHECK_FALSE(r->topics[0].configs.has_value());
  }
  SECTION("a boolean that is neither 0 nor 1") {
    const Bytes body = concat({{0, 0, 0, 0}, {2}, {2}, str("a"), {0, 0}, {0}, {0, 0, 0, 1}, {0, 1},
                               {2, 2}, str("k"), {0}, {7}, {0}, {0}, {0}, {0}, {0}});
    auto r = decode_create_topics_response(body, 5);
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.error().field) == "Topics.Configs.ReadOnly");
  }
}
