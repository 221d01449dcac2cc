// Requests: encoded at every supported version, key layouts checked byte by
// byte. Responses: hand-made bytes decoded; every version round-tripped
// through the schema-derived writers of test/fuzz/response_writers.hpp; every
// truncation and unsupported versions rejected cleanly; bytes after a
// complete response skipped and counted (refused for ApiVersions).
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "../fuzz/response_writers.hpp"
#include "decode_and_compare.hpp"
#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"

using namespace sluice::protocol;
using namespace sluice::fuzz;
using namespace sluice::test;

namespace {

template <class Request>
Bytes encoded(const Request& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  auto ec = encode(m, w, version);
  REQUIRE_FALSE(ec);
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes zeros(std::size_t n) { return Bytes(n, 0); }

const Uuid kTopicId{{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f}};

}  // namespace

// ---- requests --------------------------------------------------------------------

TEST_CASE("every request encodes at every supported version and refuses the others") {
  ApiVersionsRequest av;
  MetadataRequest md;
  md.topics = std::vector<MetadataRequest::Topic>{{kTopicId, std::string("events")}};
  InitProducerIdRequest ip;
  const Bytes batch{1, 2, 3};
  ProduceRequest pr;
  pr.topics = {{"events", kTopicId, {{0, batch}, {1, batch}}}};

  auto all_versions = [](ApiKey key, auto&& encode_at) {
    const auto range = supported_versions(key);
    for (std::int16_t v = range.min; v <= range.max; ++v) {
      INFO(api_name(key) << " v" << v);
      Bytes out;
      BufferWriter w(out);
      CHECK_FALSE(encode_at(w, v));
    }
    for (std::int16_t v : {static_cast<std::int16_t>(range.min - 1), static_cast<std::int16_t>(range.max + 1)}) {
      INFO(api_name(key) << " v" << v);
      Bytes out{0xaa};
      BufferWriter w(out);
      CHECK(encode_at(w, v) == codec_errc::unsupported_version);
      CHECK(out == Bytes{0xaa});  // nothing written
    }
  };
  all_versions(ApiKey::ApiVersions, [&](BufferWriter& w, std::int16_t v) { return encode(av, w, v); });
  all_versions(ApiKey::Metadata, [&](BufferWriter& w, std::int16_t v) { return encode(md, w, v); });
  all_versions(ApiKey::InitProducerId, [&](BufferWriter& w, std::int16_t v) { return encode(ip, w, v); });
  all_versions(ApiKey::Produce, [&](BufferWriter& w, std::int16_t v) { return encode(pr, w, v); });
}

TEST_CASE("ApiVersions request: empty before v3, then client software name and version") {
  ApiVersionsRequest m;
  m.client_software_version = "2.10.3";
  for (std::int16_t v = 0; v <= 2; ++v) CHECK(encoded(m, v).empty());
  const Bytes v3 = concat({{0x07}, str("sluice"), {0x07}, str("2.10.3"), {0x00}});
  CHECK(encoded(m, 3) == v3);
  CHECK(encoded(m, 4) == v3);
}

TEST_CASE("ApiVersions request: by default the client software is sluice at the project's version, in Kafka's pattern") {
  const ApiVersionsRequest m;
  CHECK(m.client_software_name == "sluice");
  // The project's version, read here from where it is defined.
  std::ifstream top(SLUICE_SOURCE_DIR "/CMakeLists.txt");
  const std::string text((std::istreambuf_iterator<char>(top)), std::istreambuf_iterator<char>());
  std::smatch project;
  REQUIRE(std::regex_search(text, project, std::regex(R"(project\(sluice VERSION ([0-9.]+))")));
  CHECK(m.client_software_version == project[1].str());
  CHECK(std::string(sluice_version()) == project[1].str());
  // What the broker checks (ApiVersionsRequest.isValid); anything else is
  // answered with INVALID_REQUEST.
  const std::regex kafka_pattern("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
  CHECK(std::regex_match(m.client_software_name, kafka_pattern));
  CHECK(std::regex_match(m.client_software_version, kafka_pattern));
  const std::string v(sluice_version());
  const Bytes v3 = concat({{static_cast<std::uint8_t>(v.size() + 1)}, str(v)});
  const Bytes out = encoded(m, 3);
  REQUIRE(out.size() == 1 + 6 + v3.size() + 1);
  CHECK(Bytes(out.begin() + 7, out.end() - 1) == v3);
}

TEST_CASE("Metadata request: null vs empty topics, and the booleans by version") {
  MetadataRequest all;  // topics nullopt = all topics
  MetadataRequest none;
  none.topics.emplace();  // empty list = no topics
  // v0 has no null: an empty array meant "all".
  CHECK(encoded(all, 0) == Bytes{0, 0, 0, 0});
  CHECK(encoded(none, 0) == Bytes{0, 0, 0, 0});
  CHECK(encoded(all, 1) == Bytes{0xff, 0xff, 0xff, 0xff});
  CHECK(encoded(none, 1) == Bytes{0, 0, 0, 0});
  CHECK(encoded(all, 4) == Bytes{0xff, 0xff, 0xff, 0xff, 0x01});  // + allow_auto_topic_creation
  CHECK(encoded(all, 8) == Bytes{0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00});  // + both authorized-ops flags
  // Flexible: compact null is 0, compact empty is 1; tagged section at the end.
  CHECK(encoded(all, 9) == Bytes{0x00, 0x01, 0x00, 0x00, 0x00});
  CHECK(encoded(none, 9) == Bytes{0x01, 0x01, 0x00, 0x00, 0x00});
  CHECK(encoded(all, 11) == Bytes{0x00, 0x01, 0x00, 0x00});  // cluster ops flag gone after v10

  MetadataRequest one;
  one.topics = std::vector<MetadataRequest::Topic>{{Uuid{}, std::string("a")}};
  one.allow_auto_topic_creation = false;
  one.include_topic_authorized_operations = true;
  CHECK(encoded(one, 0) == Bytes{0, 0, 0, 1, 0, 1, 'a'});
  CHECK(encoded(one, 9) == Bytes{0x02, 0x02, 'a', 0x00, 0x00, 0x00, 0x01, 0x00});
  CHECK(encoded(one, 10) == concat({{0x02}, zeros(16), {0x02, 'a', 0x00, 0x00, 0x00, 0x01, 0x00}}));
  CHECK(encoded(one, 12) == concat({{0x02}, zeros(16), {0x02, 'a', 0x00, 0x00, 0x01, 0x00}}));
  // v10+: by id, with a null name.
  MetadataRequest by_id;
  by_id.topics = std::vector<MetadataRequest::Topic>{{kTopicId, std::nullopt}};
  Bytes id(kTopicId.bytes.begin(), kTopicId.bytes.end());
  CHECK(encoded(by_id, 13) == concat({{0x02}, id, {0x00, 0x00, 0x01, 0x00, 0x00}}));
}

TEST_CASE("Produce request layout: v3 vs v9 (flexible) vs v13 (topic ids)") {
  const Bytes batch{0xb0, 0xb1, 0xb2};
  ProduceRequest m;
  m.acks = -1;
  m.timeout_ms = 30000;
  m.topics = {{"t", kTopicId, {{2, batch}}}};
  const Bytes v3 = concat({{0xff, 0xff},                  // transactional_id null
                           {0xff, 0xff},                  // acks -1
                           {0x00, 0x00, 0x75, 0x30},      // timeout 30000
                           {0, 0, 0, 1}, {0, 1, 't'},     // 1 topic "t"
                           {0, 0, 0, 1}, {0, 0, 0, 2},    // 1 partition, index 2
                           {0, 0, 0, 3}, batch});         // records
  CHECK(encoded(m, 3) == v3);
  CHECK(encoded(m, 8) == v3);
  const Bytes v9 = concat({{0x00},                        // compact null
                           {0xff, 0xff}, {0x00, 0x00, 0x75, 0x30},
                           {0x02}, {0x02, 't'},           // compact array, compact string
                           {0x02}, {0, 0, 0, 2},
                           {0x04}, batch,                 // compact bytes
                           {0x00}, {0x00}, {0x00}});      // partition, topic, top-level tags
  CHECK(encoded(m, 9) == v9);
  CHECK(encoded(m, 12) == v9);
  Bytes id(kTopicId.bytes.begin(), kTopicId.bytes.end());
  const Bytes v13 = concat({{0x00}, {0xff, 0xff}, {0x00, 0x00, 0x75, 0x30},
                            {0x02}, id,                   // topic id instead of the name
                            {0x02}, {0, 0, 0, 2}, {0x04}, batch, {0x00}, {0x00}, {0x00}});
  CHECK(encoded(m, 13) == v13);

  ProduceRequest txn;
  txn.transactional_id = "tx";
  txn.acks = 1;
  CHECK(encoded(txn, 3) == Bytes{0, 2, 't', 'x', 0, 1, 0, 0, 0x75, 0x30, 0, 0, 0, 0});
  CHECK(encoded(txn, 9) == Bytes{3, 't', 'x', 0, 1, 0, 0, 0x75, 0x30, 1, 0});
}

TEST_CASE("InitProducerId request by version") {
  InitProducerIdRequest m;  // idempotent only
  CHECK(encoded(m, 0) == Bytes{0xff, 0xff, 0x7f, 0xff, 0xff, 0xff});
  CHECK(encoded(m, 1) == Bytes{0xff, 0xff, 0x7f, 0xff, 0xff, 0xff});
  CHECK(encoded(m, 2) == Bytes{0x00, 0x7f, 0xff, 0xff, 0xff, 0x00});
  CHECK(encoded(m, 3) == concat({{0x00, 0x7f, 0xff, 0xff, 0xff}, Bytes(10, 0xff), {0x00}}));
  InitProducerIdRequest t;
  t.transactional_id = "tx";
  t.transaction_timeout_ms = 60000;
  t.producer_id = 5;
  t.producer_epoch = 1;
  CHECK(encoded(t, 5) == Bytes{0x03, 't', 'x', 0, 0, 0xea, 0x60, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1, 0});
}

// ---- responses: hand-made bytes ----------------------------------------------------

TEST_CASE("ApiVersions response v0 and v3 from hand-made bytes") {
  const Bytes v0{0x00, 0x00,                                   // error 0
                 0x00, 0x00, 0x00, 0x02,                       // 2 APIs
                 0x00, 0x12, 0x00, 0x00, 0x00, 0x03,           // ApiVersions 0-3
                 0x00, 0x03, 0x00, 0x00, 0x00, 0x0c};          // Metadata 0-12
  auto r = decode_api_versions_response(v0, 0);
  REQUIRE(r.ok());
  CHECK(r->error_code == 0);
  REQUIRE(r->api_keys.size() == 2);
  CHECK(r->range_of(ApiKey::ApiVersions)->max == 3);
  CHECK(r->range_of(ApiKey::Metadata)->max == 12);
  CHECK_FALSE(r->range_of(ApiKey::Produce).has_value());

  const Bytes v3{0x00, 0x00,
                 0x02, 0x00, 0x12, 0x00, 0x00, 0x00, 0x04, 0x00,  // 1 API, its tags
                 0x00, 0x00, 0x00, 0x0a,                          // throttle 10
                 0x02,                                            // 2 tagged fields
                 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x09,           // tag 1: finalized epoch 9
                 0x03, 0x01, 0x01};                               // tag 3: zk migration ready
  auto r3 = decode_api_versions_response(v3, 3);
  REQUIRE(r3.ok());
  CHECK(r3->throttle_time_ms == 10);
  CHECK(r3->finalized_features_epoch == 9);
  CHECK(r3->zk_migration_ready);
  CHECK(r3->supported_features.empty());
  // A known tag with a byte too many inside is an error.
  Bytes bad = v3;
  bad[bad.size() - 2] = 0x02;
  bad.push_back(0x00);
  auto rb = decode_api_versions_response(bad, 3);
  REQUIRE_FALSE(rb.ok());
  CHECK(rb.error().code == codec_errc::trailing_bytes);
}

TEST_CASE("Metadata response v1 from hand-made bytes") {
  const Bytes body{0, 0, 0, 1,                     // 1 broker
                   0, 0, 0, 1, 0, 1, 'h', 0, 0, 0x23, 0x84, 0xff, 0xff,  // node 1 "h":9092 rack null
                   0, 0, 0, 1,                     // controller 1
                   0, 0, 0, 1,                     // 1 topic
                   0, 0, 0, 1, 't', 0,             // error 0, "t", not internal
                   0, 0, 0, 1,                     // 1 partition
                   0, 0, 0, 0, 0, 0, 0, 0, 0, 1,   // error 0, index 0, leader 1
                   0, 0, 0, 1, 0, 0, 0, 1,         // replicas [1]
                   0, 0, 0, 1, 0, 0, 0, 1};        // isr [1]
  auto r = decode_metadata_response(body, 1);
  REQUIRE(r.ok());
  REQUIRE(r->brokers.size() == 1);
  CHECK(r->brokers[0].host == "h");
  CHECK(r->brokers[0].port == 9092);
  CHECK_FALSE(r->brokers[0].rack.has_value());
  CHECK(r->controller_id == 1);
  CHECK_FALSE(r->cluster_id.has_value());
  REQUIRE(r->topics.size() == 1);
  CHECK(r->topics[0].name == "t");
  REQUIRE(r->topics[0].partitions.size() == 1);
  CHECK(r->topics[0].partitions[0].leader_id == 1);
  CHECK(r->topics[0].partitions[0].leader_epoch == -1);
  CHECK(r->topics[0].partitions[0].isr_nodes == std::vector<std::int32_t>{1});
  // The same bytes are not a valid v0 body (v0 has no rack / controller / is_internal).
  CHECK_FALSE(decode_metadata_response(body, 0).ok());
}

TEST_CASE("Metadata response v12: null topic name, unknown tagged fields skipped") {
  Bytes id(kTopicId.bytes.begin(), kTopicId.bytes.end());
  const Bytes body = concat({{0, 0, 0, 0},                // throttle
                             {0x01},                      // no brokers
                             {0x00},                      // cluster id null
                             {0xff, 0xff, 0xff, 0xff},    // controller -1
                             {0x02},                      // 1 topic
                             {0x00, 0x64, 0x00}, id,      // error 100, name null, id
                             {0x00, 0x01},                // not internal, no partitions
                             {0x80, 0x00, 0x00, 0x00},    // topic authorized operations
                             {0x01, 0x07, 0x01, 0xee},    // topic tags: one unknown
                             {0x00}});                    // top-level tags
  auto r = decode_metadata_response(body, 12);
  REQUIRE(r.ok());
  REQUIRE(r->topics.size() == 1);
  CHECK_FALSE(r->topics[0].name.has_value());
  CHECK(r->topics[0].topic_id == kTopicId);
  CHECK(r->topics[0].error_code == 100);
  CHECK(r->topics[0].topic_authorized_operations == INT32_MIN);
  // Before v12 the name may not be null.
  auto r11 = decode_metadata_response(body, 11);
  REQUIRE_FALSE(r11.ok());
  CHECK(r11.error().code == codec_errc::negative_length);
  CHECK(std::string_view(r11.error().field) == "Topics.Name");
}

// The exact body librdkafka 2.16's mock cluster (mock_cluster_host on the
// confluent-kafka wheel's librdkafka) sent for a Metadata v13 request for
// topic "t" (captured from the socket; docs/COMPATIBILITY.md). Every field is
// where v13's schema puts it; then comes a second top-level tag section: its
// Metadata handler writes the tags and the mock's send path, told they are
// not written yet, appends another (the same at v9-v12). Kafka's Java client
// never looks past the last field, so neither does Sluice (finish_response).
TEST_CASE("Metadata response v13 as librdkafka 2.16's mock cluster writes it: the second tag section is skipped") {
  const Bytes id{0xed, 0x72, 0x25, 0x63, 0x5e, 0x51, 0x46, 0x85, 0xbf, 0x1a, 0x32, 0xbf, 0xa8, 0x4a, 0xc9, 0x8e};
  const Bytes body = concat({{0, 0, 0, 0},                                  // throttle
                             {0x02, 0, 0, 0, 1},                            // 1 broker: node 1
                             {0x0a}, str("127.0.0.1"), {0, 0, 0x9b, 0x1d},  // host, port 39709
                             {0x00, 0x00},                                  // rack null, broker tags
                             {0x18}, str("mockCluster187000000220"),        // cluster id
                             {0, 0, 0, 0},                                  // controller 0
                             {0x02, 0x00, 0x00, 0x02}, str("t"), id,        // 1 topic: error 0, "t", id
                             {0x00, 0x02},                                  // not internal, 1 partition
                             {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},  // error 0, index 0, leader 1, epoch 0
                             {0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 1, 0x01},    // replicas [1], isr [1], offline []
                             {0x00},                                        // partition tags
                             {0x80, 0, 0, 0, 0x00},                         // topic authorized operations, tags
                             {0x00, 0x00},                                  // error code 0 (v13)
                             {0x00},                                        // top-level tags
                             {0x00}});                                      // the mock's second tag section
  REQUIRE(body.size() == 111);
  auto r = decode_metadata_response(body, 13);
  REQUIRE(r.ok());
  CHECK(r.trailing_bytes_ignored() == 1);
  REQUIRE(r->brokers.size() == 1);
  CHECK(r->brokers[0].node_id == 1);
  CHECK(r->brokers[0].host == "127.0.0.1");
  CHECK(r->brokers[0].port == 39709);
  CHECK(r->cluster_id == "mockCluster187000000220");
  CHECK(r->controller_id == 0);
  REQUIRE(r->topics.size() == 1);
  CHECK(r->topics[0].name == "t");
  CHECK(Bytes(r->topics[0].topic_id.bytes.begin(), r->topics[0].topic_id.bytes.end()) == id);
  REQUIRE(r->topics[0].partitions.size() == 1);
  CHECK(r->topics[0].partitions[0].leader_id == 1);
  CHECK(r->topics[0].partitions[0].leader_epoch == 0);
  CHECK(r->topics[0].partitions[0].isr_nodes == std::vector<std::int32_t>{1});
  CHECK(r->error_code == 0);
  // Without the stray byte it is a whole v13 body; cut into the real
  // fields it still fails, naming the field.
  auto whole = decode_metadata_response(std::span<const std::uint8_t>(body).first(body.size() - 1), 13);
  REQUIRE(whole.ok());
  CHECK(whole.trailing_bytes_ignored() == 0);
  auto cut = decode_metadata_response(std::span<const std::uint8_t>(body).first(body.size() - 2), 13);
  REQUIRE_FALSE(cut.ok());
  CHECK(std::string_view(cut.error().field) == "TaggedFields");
}

TEST_CASE("Produce response v3 and v10 from hand-made bytes") {
  const Bytes v3{0, 0, 0, 1, 0, 1, 't',                 // 1 topic "t"
                 0, 0, 0, 1,                            // 1 partition
                 0, 0, 0, 0, 0, 0,                      // index 0, error 0
                 0, 0, 0, 0, 0, 0, 0, 5,                // base offset 5
                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // log append time -1
                 0, 0, 0, 0};                           // throttle 0
  auto r = decode_produce_response(v3, 3);
  REQUIRE(r.ok());
  REQUIRE(r->topics.size() == 1);
  CHECK(r->topics[0].name == "t");
  REQUIRE(r->topics[0].partitions.size() == 1);
  CHECK(r->topics[0].partitions[0].base_offset == 5);
  CHECK(r->topics[0].partitions[0].log_append_time_ms == -1);
  CHECK(r->topics[0].partitions[0].log_start_offset == -1);

  const Bytes v10{0x02, 0x02, 't',                         // 1 topic "t"
                  0x02, 0, 0, 0, 1, 0, 6,                  // 1 partition: index 1, NOT_LEADER
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // base offset -1
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // log append time -1
                  0, 0, 0, 0, 0, 0, 0, 0,                  // log start offset 0
                  0x01, 0x00,                              // no record errors, message null
                  0x01, 0x00, 0x09, 0, 0, 0, 2, 0, 0, 0, 7, 0x00,  // tag 0: leader 2 epoch 7
                  0x00,                                    // topic tags
                  0, 0, 0, 0,                              // throttle
                  0x01, 0x00, 0x0d, 0x02, 0, 0, 0, 2, 0x02, 'b', 0, 0, 0x23, 0x85, 0x00, 0x00};
                  // tag 0: one node endpoint 2 "b":9093 rack null
  auto r10 = decode_produce_response(v10, 10);
  REQUIRE(r10.ok());
  const auto& p = r10->topics.at(0).partitions.at(0);
  CHECK(p.error_code == 6);
  REQUIRE(p.current_leader.has_value());
  CHECK(p.current_leader->leader_id == 2);
  CHECK(p.current_leader->leader_epoch == 7);
  REQUIRE(r10->node_endpoints.size() == 1);
  CHECK(r10->node_endpoints[0].host == "b");
  CHECK(r10->node_endpoints[0].port == 9093);
  // v9 knows no tag 0: skipped, not decoded.
  auto r9 = decode_produce_response(v10, 9);
  REQUIRE(r9.ok());
  CHECK_FALSE(r9->topics.at(0).partitions.at(0).current_leader.has_value());
  CHECK(r9->node_endpoints.empty());
}

TEST_CASE("InitProducerId response v0 and v2 from hand-made bytes") {
  const Bytes v0{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0xa1, 0, 2};
  auto r = decode_init_producer_id_response(v0, 0);
  REQUIRE(r.ok());
  CHECK(r->producer_id == 4001);
  CHECK(r->producer_epoch == 2);
  Bytes v2 = v0;
  v2.push_back(0x00);
  CHECK(decode_init_producer_id_response(v2, 2).ok());
  CHECK_FALSE(decode_init_producer_id_response(v0, 2).ok());   // tags missing
  // v2's tag byte read at v1 is a byte after a v1 body: skipped, as any
  // response's trailing bytes (decode_support.hpp, finish_response).
  auto skipped = decode_init_producer_id_response(v2, 1);
  REQUIRE(skipped.ok());
  CHECK(skipped.trailing_bytes_ignored() == 1);
}

// ---- responses: every version, truncations, trailing bytes ----------------------

TEST_CASE("ApiVersions response: every version round-trips, cuts and trailing bytes fail (layouts are told apart by them)") {
  const auto sample = sample_api_versions_response();
  for (std::int16_t v = 0; v <= 4; ++v) {
    const Bytes body = write_api_versions_response(sample, v);
    auto r = decode_api_versions_response(body, v);
    REQUIRE(r.ok());
    REQUIRE(r->api_keys.size() == sample.api_keys.size());
    CHECK(r->range_of(ApiKey::Produce)->min == 3);
    CHECK(r->throttle_time_ms == (v >= 1 ? 7 : 0));
    if (v >= 3) {
      REQUIRE(r->supported_features.size() == 2);
      CHECK(r->supported_features[0].name == "metadata.version");
      CHECK(r->supported_features[0].max_version == 27);
      CHECK(r->finalized_features_epoch == 42);
      REQUIRE(r->finalized_features.size() == 1);
      CHECK(r->finalized_features[0].max_version_level == 27);
      CHECK(r->zk_migration_ready);
    }
    check_truncations_and_trailing<ApiVersionsResponse>(decode_api_versions_response, body, v, Trailing::refused);
  }
  check_unsupported<ApiVersionsResponse>(decode_api_versions_response, ApiKey::ApiVersions);
}

TEST_CASE("Metadata response: every version round-trips, cuts fail, trailing bytes are skipped and counted") {
  for (std::int16_t v = 0; v <= 13; ++v) {
    INFO("version " << v);
    const auto sample = sample_metadata_response(v);
    const Bytes body = write_metadata_response(sample, v);
    check_decodes_to<MetadataResponse>(decode_metadata_response, body, v, sample);
    check_truncations_and_trailing<MetadataResponse>(decode_metadata_response, body, v);
    check_truncations_and_trailing<MetadataResponse>(decode_metadata_response,
                                                     write_metadata_response(MetadataResponse{}, v), v);
  }
  check_unsupported<MetadataResponse>(decode_metadata_response, ApiKey::Metadata);
}

TEST_CASE("Produce response: every version round-trips, cuts fail, trailing bytes are skipped and counted") {
  for (std::int16_t v = 3; v <= 13; ++v) {
    INFO("version " << v);
    const auto sample = sample_produce_response(v);
    const Bytes body = write_produce_response(sample, v);
    check_decodes_to<ProduceResponse>(decode_produce_response, body, v, sample);
    check_truncations_and_trailing<ProduceResponse>(decode_produce_response, body, v);
  }
  check_unsupported<ProduceResponse>(decode_produce_response, ApiKey::Produce);
}

TEST_CASE("InitProducerId response: every version round-trips, cuts fail, trailing bytes are skipped and counted") {
  const auto sample = sample_init_producer_id_response();
  for (std::int16_t v = 0; v <= 5; ++v) {
    const Bytes body = write_init_producer_id_response(sample, v);
    auto r = decode_init_producer_id_response(body, v);
    REQUIRE(r.ok());
    CHECK(r->throttle_time_ms == 1);
    CHECK(r->producer_id == 4001);
    CHECK(r->producer_epoch == 2);
    check_truncations_and_trailing<InitProducerIdResponse>(decode_init_producer_id_response, body, v);
  }
  check_unsupported<InitProducerIdResponse>(decode_init_producer_id_response, ApiKey::InitProducerId);
}

TEST_CASE("array counts that cannot fit are rejected before allocating") {
  // Metadata v1: 0x7fffffff brokers in a 12-byte body.
  const Bytes huge{0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
  auto r = decode_metadata_response(huge, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == codec_errc::length_too_large);
  CHECK(std::string_view(r.error().field) == "Brokers");
  CHECK(r.error().offset == 0);
  // Negative (not -1) counts.
  const Bytes neg{0xff, 0xff, 0xff, 0xfe};
  auto p = decode_produce_response(neg, 3);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == codec_errc::negative_length);
  CHECK(std::string_view(p.error().field) == "Responses");
}
