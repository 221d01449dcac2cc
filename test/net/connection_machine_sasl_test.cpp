// ConnectionMachine's SASL steps (connection_machine_sasl.cpp) with a clock
// the test moves: the exchange after ApiVersions, OAUTHBEARER's token step,
// the setup deadline, and KIP-368 re-authentication draining the requests
// in flight and holding new ones back. The rig (connection_machine_rig.hpp)
// plays the driver.
#include <catch2/catch.hpp>

#include "connection_machine_rig.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

constexpr auto kHandshake = static_cast<std::int16_t>(ApiKey::SaslHandshake);
constexpr auto kAuthenticate = static_cast<std::int16_t>(ApiKey::SaslAuthenticate);
constexpr auto kMetadata = static_cast<std::int16_t>(ApiKey::Metadata);

net::ConnectionOptions plain_options() {
  net::ConnectionOptions o;
  o.security.protocol = net::SecurityProtocol::sasl_plaintext;
  o.security.sasl.username = "alice";
  o.security.sasl.password = "alice-secret";
  return o;
}

// Answers the SaslHandshake and SaslAuthenticate the rig's last writes are.
void answer_handshake(Rig& r, std::int16_t error = 0) {
  REQUIRE(r.written.back().api_key == kHandshake);
  r.write_done();
  r.answer(r.written.back(), handshake_answer(error));
}
void answer_authenticate(Rig& r, std::int64_t lifetime_ms, std::int16_t error = 0) {
  REQUIRE(r.written.back().api_key == kAuthenticate);
  r.write_done();
  r.answer(r.written.back(), authenticate_answer(r.written.back().api_version, error, lifetime_ms));
}

}  // namespace

TEST_CASE("machine SASL: PLAIN after ApiVersions, ready once authenticated") {
  Rig r(plain_options());
  r.connect_ok(sasl_ranges());
  CHECK(r.connect_calls == 0);
  CHECK(r.written.back().api_key == kHandshake);
  CHECK(r.written.back().api_version == 1);
  answer_handshake(r);
  CHECK(r.connect_calls == 0);
  answer_authenticate(r, 0);
  CHECK(r.connected == std::optional<std::error_code>(std::error_code{}));
  CHECK(r.m.state() == ConnectionState::ready);
  CHECK_FALSE(r.m.reauthenticating());
}

TEST_CASE("machine SASL: a refused authentication fails connect with the broker's words") {
  Rig r(plain_options());
  r.connect_ok(sasl_ranges());
  answer_handshake(r);
  answer_authenticate(r, 0, static_cast<std::int16_t>(protocol::kafka_errc::sasl_authentication_failed));
  CHECK(r.connected == std::optional<std::error_code>(protocol::kafka_errc::sasl_authentication_failed));
  CHECK(r.m.failure_detail().find("refused") != std::string::npos);
  CHECK(r.m.failure_detail().find("alice-secret") == std::string::npos);
}

TEST_CASE("machine SASL: a broker without SaslHandshake v1 fails with sasl_unavailable") {
  Rig r(plain_options());
  r.connect_ok();  // FakeBroker's own ranges: no SASL keys
  CHECK(r.connected == std::optional<std::error_code>(net::net_errc::sasl_unavailable));
}

// sasl_test: "a broker that never answers the handshake hits the connection setup timeout".
TEST_CASE("machine SASL: a handshake never answered hits the connection setup deadline") {
  auto o = plain_options();
  o.connect_timeout = 300ms;
  Rig r(o);
  r.connect_ok(sasl_ranges());
  r.write_done();
  r.advance(299ms);
  CHECK(r.connect_calls == 0);
  r.advance(1ms);
  CHECK(r.connected == std::optional<std::error_code>(net::net_errc::connect_timeout));
}

TEST_CASE("machine SASL: OAUTHBEARER asks for a token first, and a missing token fails with the source's words") {
  auto o = plain_options();
  o.security.sasl.mechanism = net::SaslMechanismKind::oauthbearer;
  o.security.sasl.oauthbearer.token_source = std::make_shared<UnusedTokenSource>();
  Rig r(o);
  r.connect_ok(sasl_ranges());
  CHECK(r.log.back() == "fetch token");
  CHECK(r.written.back().api_key == static_cast<std::int16_t>(ApiKey::ApiVersions));  // nothing sent meanwhile
  SECTION("a token") {
    net::OAuthToken token;
    token.value = "header.payload.signature";
    r.feed(ev::TokenReady{net::OAuthTokenResult{token, {}, {}}});
    CHECK(r.written.back().api_key == kHandshake);
    CHECK(std::string(r.written.back().frame.end() - 11, r.written.back().frame.end()) == "OAUTHBEARER");
  }
  SECTION("no token") {
    r.feed(ev::TokenReady{net::OAuthTokenResult{std::nullopt, {}, "the token endpoint said 401"}});
    CHECK(r.connected == std::optional<std::error_code>(net::sasl_errc::oauth_token_unavailable));
    CHECK(r.m.failure_detail().find("401") != std::string::npos);
  }
}

// sasl_test: "SASL re-authentication waits for requests in flight and holds new ones back".
TEST_CASE("machine SASL: re-authentication at 85-95% of the session waits for requests in flight, holds new ones") {
  Rig r(plain_options());
  r.connect_ok(sasl_ranges());
  answer_handshake(r);
  const auto authenticated_at = r.now;
  answer_authenticate(r, 10000);  // a 10 s session
  REQUIRE(r.timer);
  CHECK(*r.timer >= authenticated_at + 8500ms);
  CHECK(*r.timer <= authenticated_at + 9500ms);
  Call a, b;
  r.send(a);
  r.write_done();
  r.advance(9500ms);  // due: A is in flight, so nothing is written yet
  CHECK(r.m.reauthenticating());
  CHECK(r.written.back().api_key == kMetadata);
  r.send(b);  // held back
  CHECK(r.written.back().api_key == kMetadata);
  CHECK(r.m.in_flight() == 2);
  r.answer(r.written.back(), Bytes{'a'});
  CHECK(a.body == Bytes{'a'});
  answer_handshake(r);  // the exchange starts once A is answered
  CHECK(b.count == 0);
  answer_authenticate(r, 0);
  CHECK_FALSE(r.m.reauthenticating());
  REQUIRE(r.written.back().api_key == kMetadata);  // then B goes out
  r.write_done();
  r.answer(r.written.back(), Bytes{'b'});
  CHECK(b.body == Bytes{'b'});
  CHECK_FALSE(b.ec);
  CHECK(r.m.state() == ConnectionState::ready);
}

// sasl_test: "SASL re-authentication refused: queued requests fail as not delivered".
TEST_CASE("machine SASL: re-authentication refused fails the held requests as not delivered") {
  Rig r(plain_options());
  r.connect_ok(sasl_ranges());
  answer_handshake(r);
  answer_authenticate(r, 1000);
  r.advance(1000ms);  // nothing in flight: the exchange starts at once
  REQUIRE(r.written.back().api_key == kHandshake);
  Call held;
  r.send(held);
  answer_handshake(r);
  answer_authenticate(r, 0, static_cast<std::int16_t>(protocol::kafka_errc::sasl_authentication_failed));
  CHECK(held.count == 1);
  CHECK(held.ec == protocol::kafka_errc::sasl_authentication_failed);
  CHECK_FALSE(held.maybe_delivered);
  CHECK(r.m.state() == ConnectionState::closed);
}
