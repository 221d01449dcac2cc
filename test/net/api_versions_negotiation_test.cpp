// The ApiVersions decision, fed the answers real servers give: librdkafka's
// mock cluster's (2.0.2) to a version it does not know, byte for byte as
// captured from rd_kafka_mock_cluster_new, and spec-shaped ones.
#include "sluice/net/api_versions_negotiation.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "sluice/net/frame_decoder.hpp"
#include "sluice/protocol/buffer_writer.hpp"

using namespace sluice;
using Bytes = std::vector<std::uint8_t>;

namespace {

// The mock's answer to ApiVersions v3 and v4, after the correlation id:
// ErrorCode 35 | a one-byte count 01 (written like a compact array's, but
// holding the count itself, not count+1) | ApiKey 18 MinVersion 0
// MaxVersion 2 (no per-entry tagged fields) | ThrottleTimeMs 0 | no
// top-level tagged fields. Neither v3's layout (01 = no entries, then 5
// bytes left over) nor v0's (int32 count 0x01001200) reads it whole.
const Bytes kMockUnsupported{0x00, 0x23, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};

// A v0 body: error, int32 count, {key, min, max}...
Bytes v0_body(std::int16_t error, std::vector<std::array<std::int16_t, 3>> apis) {
  Bytes b;
  protocol::BufferWriter w(b);
  w.int16(error);
  w.int32(static_cast<std::int32_t>(apis.size()));
  for (auto& a : apis) {
    w.int16(a[0]);
    w.int16(a[1]);
    w.int16(a[2]);
  }
  return b;
}

// By value: the step is a temporary in every call.
template <class T>
T as(net::ApiVersionsStep s) {
  REQUIRE(std::holds_alternative<T>(s));
  return std::get<T>(std::move(s));
}

}  // namespace

TEST_CASE("the mock cluster's UNSUPPORTED_VERSION answer leads to one retry at v0") {
  for (std::int16_t asked : {std::int16_t{4}, std::int16_t{3}}) {
    CHECK(as<net::ApiVersionsRetry>(net::next_api_versions_step(asked, kMockUnsupported)).version == 0);
  }
  SECTION("and the same bytes answering v0 end the exchange with a message naming both sides") {
    const auto f = as<net::ApiVersionsFail>(net::next_api_versions_step(0, kMockUnsupported));
    CHECK_FALSE(f.unsupported);
    CHECK_THAT(f.message, Catch::Contains("ApiVersions") && Catch::Contains("Sluice 0-4"));
  }
}

TEST_CASE("the mock's answer, cut at every byte or arriving in two pieces, is never taken as a list") {
  // Every prefix: a truncated answer must not be accepted; at v4 it retries at v0.
  for (std::size_t n = 0; n <= kMockUnsupported.size(); ++n) {
    std::span<const std::uint8_t> prefix(kMockUnsupported.data(), n);
    auto step = net::next_api_versions_step(4, prefix);
    CHECK_FALSE(std::holds_alternative<net::ApiVersionsAccept>(step));
  }
  // Framed and split at every byte, the frame decoder hands over the same
  // body and the decision is the same.
  Bytes frame{0, 0, 0, static_cast<std::uint8_t>(kMockUnsupported.size())};
  frame.insert(frame.end(), kMockUnsupported.begin(), kMockUnsupported.end());
  for (std::size_t split = 0; split <= frame.size(); ++split) {
    net::FrameDecoder d(1 << 20);
    int frames = 0;
    auto on = [&](std::span<const std::uint8_t> body) {
      ++frames;
      CHECK(as<net::ApiVersionsRetry>(net::next_api_versions_step(4, body)).version == 0);
    };
    std::span<const std::uint8_t> all(frame);
    REQUIRE_FALSE(d.feed(all.subspan(0, split), on));
    REQUIRE_FALSE(d.feed(all.subspan(split), on));
    CHECK(frames == 1);
  }
}

TEST_CASE("UNSUPPORTED_VERSION in v0's layout retries at the highest ApiVersions version the broker lists") {
  auto body = v0_body(35, {{18, 0, 2}});
  CHECK(as<net::ApiVersionsRetry>(net::next_api_versions_step(4, body)).version == 2);
  SECTION("its throttle time is ignored and no list means v0") {
    CHECK(as<net::ApiVersionsRetry>(net::next_api_versions_step(4, v0_body(35, {}))).version == 0);
  }
  SECTION("a broker listing more than Sluice speaks is asked at Sluice's newest, once") {
    CHECK(as<net::ApiVersionsRetry>(net::next_api_versions_step(4, v0_body(35, {{18, 0, 3}}))).version == 3);
    // It lists v4 yet rejected v4: asking v4 again would loop.
    CHECK(as<net::ApiVersionsFail>(net::next_api_versions_step(4, v0_body(35, {{18, 0, 9}}))).unsupported);
  }
  SECTION("never upwards or sideways: a rejection of the version it lists ends the exchange") {
    const auto f = as<net::ApiVersionsFail>(net::next_api_versions_step(2, body));
    CHECK(f.unsupported);
    CHECK_THAT(f.message, Catch::Contains("broker 0-2") && Catch::Contains("Sluice 0-4"));
    CHECK(as<net::ApiVersionsFail>(net::next_api_versions_step(0, v0_body(35, {}))).unsupported);
  }
}

TEST_CASE("a good answer is accepted in the layout asked or in v0's, any other error fails") {
  // The mock's own v0 answer (a part of it): Produce 0-7, Metadata 0-2, ApiVersions 0-2.
  auto body = v0_body(0, {{0, 0, 7}, {3, 0, 2}, {18, 0, 2}});
  const auto a = as<net::ApiVersionsAccept>(net::next_api_versions_step(0, body));
  REQUIRE(a.response.api_keys.size() == 3);
  CHECK(a.response.range_of(protocol::ApiKey::Metadata)->max == 2);
  // Asked at v2 the layout needs a throttle time; without it v0's is used.
  CHECK(as<net::ApiVersionsAccept>(net::next_api_versions_step(2, body)).response.api_keys.size() == 3);
  auto with_throttle = body;
  with_throttle.insert(with_throttle.end(), {0, 0, 0, 5});
  CHECK(as<net::ApiVersionsAccept>(net::next_api_versions_step(2, with_throttle)).response.throttle_time_ms == 5);
  const auto f = as<net::ApiVersionsFail>(net::next_api_versions_step(0, v0_body(42, {})));
  CHECK_FALSE(f.unsupported);
  CHECK_THAT(f.message, Catch::Contains("INVALID_REQUEST"));
}
