// SASL OAUTHBEARER (RFC 7628): the initial response's exact bytes, the
// broker's error JSON answered with \x01, what the token and extensions
// may hold, and how a refusal reads through SaslExchange.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "sluice/net/sasl_oauthbearer.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::net;

namespace {
std::string text(const std::vector<std::uint8_t>& b) { return std::string(b.begin(), b.end()); }
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("OAUTHBEARER: the client's initial response, byte for byte") {
  SaslOAuthBearer m("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", {});
  CHECK(std::string(m.name()) == "OAUTHBEARER");
  auto first = m.start();
  REQUIRE_FALSE(first.error);
  CHECK_FALSE(first.done);
  CHECK(text(first.message) == "n,,\x01" "auth=Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\x01\x01");
  auto done = m.on_server_message({});
  CHECK(done.done);
  CHECK_FALSE(done.error);
  CHECK(done.message.empty());
}

TEST_CASE("OAUTHBEARER: extensions follow the token, each ended by the 0x01 separator") {
  SaslOAuthBearer m("abc=", {{"logicalCluster", "lkc-1"}, {"traceId", "a b"}});
  auto first = m.start();
  REQUIRE_FALSE(first.error);
  CHECK(text(first.message) == "n,,\x01" "auth=Bearer abc=\x01" "logicalCluster=lkc-1\x01" "traceId=a b\x01\x01");
}

TEST_CASE("OAUTHBEARER: the broker error JSON is answered with 0x01 and kept for the failure message") {
  SaslOAuthBearer m("tok", {}, "sluice-oauth-client");
  REQUIRE_FALSE(m.start().error);
  auto ack = m.on_server_message(bytes(R"({"status":"invalid_token"})"));
  REQUIRE_FALSE(ack.error);
  CHECK_FALSE(ack.done);
  CHECK(text(ack.message) == "\x01");
  CHECK(m.refusal_hint().find(R"(the broker's verdict: {"status":"invalid_token"})") != std::string::npos);
  CHECK(m.refusal_hint().find("sluice-oauth-client") != std::string::npos);
  // A broker that then answers again instead of failing: an error, not success.
  auto again = m.on_server_message({});
  CHECK(again.error == sasl_errc::server_error);
}

TEST_CASE("OAUTHBEARER: tokens and extensions RFC 7628 cannot carry are refused before sending") {
  for (const std::string bad : {"", "a b", "tok\x01", "=abc", "a=b"}) {
    SaslOAuthBearer m(bad, {});
    auto s = m.start();
    INFO(s.detail);
    CHECK(s.error == sasl_errc::invalid_token);
    CHECK(s.message.empty());
  }
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"auth", "x"}, {"a1", "x"}, {"", "x"},
                                   {"ok", std::string("v\x01", 2)}}) {
    SaslOAuthBearer m("tok", {{key, value}});
    CHECK(m.start().error == sasl_errc::invalid_token);
  }
  CHECK(oauthbearer_syntax_problem("a-b.c_d~e+f/g==", {{"abc", "x y\t"}}).empty());
}

TEST_CASE("OAUTHBEARER: started twice, or a message after the end, is out of turn") {
  SaslOAuthBearer m("tok", {});
  REQUIRE_FALSE(m.start().error);
  CHECK(m.start().error == sasl_errc::unexpected_message);
  REQUIRE(m.on_server_message({}).done);
  CHECK(m.on_server_message({}).error == sasl_errc::unexpected_message);
}

TEST_CASE("OAUTHBEARER through SaslExchange: a refusal names the broker, its verdict, and what to check") {
  SaslExchange ex(std::make_unique<SaslOAuthBearer>("tok", std::vector<std::pair<std::string, std::string>>{},
                                                    "sluice-oauth-client"),
                  "localhost:9093");
  sluice::protocol::SaslHandshakeResponse hs;
  hs.mechanisms = {"OAUTHBEARER"};
  auto a = ex.on_handshake(hs);
  REQUIRE(a.kind == SaslAction::Kind::send_authenticate);
  sluice::protocol::SaslAuthenticateResponse challenge;
  challenge.auth_bytes = bytes(R"({"status":"invalid_token"})");
  a = ex.on_authenticate(challenge);
  REQUIRE(a.kind == SaslAction::Kind::send_authenticate);
  CHECK(text(a.auth_bytes) == "\x01");
  sluice::protocol::SaslAuthenticateResponse refused;
  refused.error_code = static_cast<std::int16_t>(sluice::protocol::kafka_errc::sasl_authentication_failed);
  refused.error_message = "Authentication failed";
  a = ex.on_authenticate(refused);
  REQUIRE(a.kind == SaslAction::Kind::fail);
  CHECK(a.message.find("localhost:9093") != std::string::npos);
  CHECK(a.message.find("SASL_AUTHENTICATION_FAILED") != std::string::npos);
  CHECK(a.message.find("invalid_token") != std::string::npos);
  CHECK(a.message.find("sasl.password") == std::string::npos);  // not PLAIN's advice
  CHECK(a.message.find("tok") == a.message.find("token"));     // the token itself is not in it
}
