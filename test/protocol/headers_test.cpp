#include "sluice/protocol/headers.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string_view>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/buffer_writer.hpp"

using namespace sluice::protocol;

namespace {
Bytes request_header(ApiKey key, std::int16_t version, std::int32_t correlation_id,
                     std::optional<std::string_view> client_id) {
  Bytes out;
  BufferWriter w(out);
  encode_request_header(RequestHeader{key, version, correlation_id, client_id}, w);
  return out;
}
}  // namespace

TEST_CASE("request header v1: key, version, correlation id, int16-length client id, no tags") {
  CHECK(request_header(ApiKey::Metadata, 8, 42, "cli") ==
        Bytes{0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x03, 'c', 'l', 'i'});
  CHECK(request_header(ApiKey::Produce, 8, -1, std::nullopt) ==
        Bytes{0x00, 0x00, 0x00, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  CHECK(request_header(ApiKey::ApiVersions, 2, 1, "") == Bytes{0x00, 0x12, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0x00});
}

TEST_CASE("request header v2 adds an empty tagged section, client id stays a non-compact string") {
  CHECK(request_header(ApiKey::Metadata, 9, 42, "cli") ==
        Bytes{0x00, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x03, 'c', 'l', 'i', 0x00});
  CHECK(request_header(ApiKey::ApiVersions, 3, 7, std::nullopt) ==
        Bytes{0x00, 0x12, 0x00, 0x03, 0, 0, 0, 7, 0xff, 0xff, 0x00});
  CHECK(request_header(ApiKey::InitProducerId, 2, 7, "x") == Bytes{0x00, 0x16, 0x00, 0x02, 0, 0, 0, 7, 0, 1, 'x', 0});
  CHECK(request_header(ApiKey::InitProducerId, 1, 7, "x") == Bytes{0x00, 0x16, 0x00, 0x01, 0, 0, 0, 7, 0, 1, 'x'});
}

TEST_CASE("header versions follow each API's first flexible version") {
  struct Row {
    ApiKey key;
    std::optional<std::int16_t> first_flexible;
  };
  const Row rows[] = {{ApiKey::Produce, 9},        {ApiKey::Metadata, 9},         {ApiKey::SaslHandshake, std::nullopt},
                      {ApiKey::ApiVersions, 3},    {ApiKey::InitProducerId, 2},   {ApiKey::SaslAuthenticate, 2}};
  for (const auto& row : rows) {
    INFO(api_name(row.key));
    CHECK(first_flexible_version(row.key) == row.first_flexible);
    const auto range = supported_versions(row.key);
    REQUIRE_FALSE(range.empty());
    for (std::int16_t v = range.min; v <= range.max; ++v) {
      INFO("version " << v);
      const bool flexible = row.first_flexible && v >= *row.first_flexible;
      CHECK(is_flexible(row.key, v) == flexible);
      CHECK(request_header_version(row.key, v) == (flexible ? 2 : 1));
      // ApiVersions answers with header v0 whatever the version.
      const std::int16_t expected = row.key == ApiKey::ApiVersions ? 0 : (flexible ? 1 : 0);
      CHECK(response_header_version(row.key, v) == expected);
      // The encoded header has the tagged byte exactly when v2.
      const Bytes h = request_header(row.key, v, 1, "id");
      CHECK(h.size() == (flexible ? 13u : 12u));  // 2 + 2 + 4 + (2 + "id")
    }
  }
}

TEST_CASE("response header v0 is the correlation id alone") {
  const Bytes frame{0x00, 0x00, 0x01, 0x02, 0x99};
  BufferReader r(frame);
  auto h = decode_response_header(r, ApiKey::Metadata, 8);
  REQUIRE(r.ok());
  CHECK(h.correlation_id == 0x102);
  CHECK(r.position() == 4);
}

TEST_CASE("response header v1 reads (and skips) a tagged section") {
  SECTION("empty") {
    const Bytes frame{0x00, 0x00, 0x00, 0x07, 0x00, 0x99};
    BufferReader r(frame);
    auto h = decode_response_header(r, ApiKey::Metadata, 9);
    REQUIRE(r.ok());
    CHECK(h.correlation_id == 7);
    CHECK(r.position() == 5);
  }
  SECTION("an unknown tag") {
    const Bytes frame{0x00, 0x00, 0x00, 0x07, 0x01, 0x05, 0x02, 0xaa, 0xbb, 0x99};
    BufferReader r(frame);
    decode_response_header(r, ApiKey::Produce, 9);
    REQUIRE(r.ok());
    CHECK(r.position() == 9);
  }
  SECTION("tagged section missing") {
    const Bytes frame{0x00, 0x00, 0x00, 0x07};
    BufferReader r(frame);
    decode_response_header(r, ApiKey::InitProducerId, 2);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(std::string_view(r.error().field) == "ResponseHeader.TaggedFields");
    CHECK(r.error().offset == 4);
  }
  SECTION("a tag whose size runs past the frame") {
    const Bytes frame{0x00, 0x00, 0x00, 0x07, 0x01, 0x05, 0x09, 0xaa};
    BufferReader r(frame);
    decode_response_header(r, ApiKey::Produce, 10);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::length_too_large);
    CHECK(std::string_view(r.error().field) == "ResponseHeader.TaggedFields");
    CHECK(r.error().offset == 5);
  }
}

TEST_CASE("the ApiVersions response header is v0 even for flexible versions") {
  for (std::int16_t v = 0; v <= 4; ++v) {
    const Bytes frame{0x00, 0x00, 0x00, 0x2a, 0x00, 0x00};  // body starts with ErrorCode 0
    BufferReader r(frame);
    auto h = decode_response_header(r, ApiKey::ApiVersions, v);
    REQUIRE(r.ok());
    CHECK(h.correlation_id == 42);
    CHECK(r.position() == 4);  // the body's first byte is not taken for tags
  }
}

TEST_CASE("a truncated correlation id is an error, peek_correlation_id needs 4 bytes") {
  const Bytes frame{0x00, 0x00, 0x01};
  BufferReader r(frame);
  decode_response_header(r, ApiKey::Metadata, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == codec_errc::truncated);
  CHECK(std::string_view(r.error().field) == "ResponseHeader.CorrelationId");
  CHECK(r.error().offset == 0);
  CHECK_FALSE(peek_correlation_id(frame).has_value());
  CHECK_FALSE(peek_correlation_id({}).has_value());
  const Bytes four{0xff, 0xff, 0xff, 0xfe, 0x01};
  CHECK(peek_correlation_id(four) == -2);
}
