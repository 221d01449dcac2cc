// SaslExchange: Kafka's framing of a SASL authentication (SaslHandshake,
// then SaslAuthenticate round trips) and the errors a user sees, with a
// scripted mechanism or the real ones. No sockets.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "sluice/net/sasl_plain.hpp"
#include "sluice/net/sasl_scram.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::net;
using namespace std::chrono_literals;
using sluice::protocol::kafka_errc;
using sluice::protocol::SaslAuthenticateResponse;
using sluice::protocol::SaslHandshakeResponse;
using Kind = SaslAction::Kind;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

SaslHandshakeResponse handshake_ok(std::vector<std::string> mechanisms = {"PLAIN", "SCRAM-SHA-512"}) {
  return SaslHandshakeResponse{0, std::move(mechanisms)};
}

SaslAuthenticateResponse authenticate_ok(const std::string& auth_bytes = {}, std::int64_t lifetime = 0) {
  SaslAuthenticateResponse r;
  r.auth_bytes = bytes(auth_bytes);
  r.session_lifetime_ms = lifetime;
  return r;
}

SaslExchange plain_exchange() {
  return SaslExchange(std::make_unique<SaslPlain>("alice", "alice-secret"), "broker-1.example:9093");
}

}  // namespace

TEST_CASE("SASL exchange: PLAIN is one SaslAuthenticate round trip, with the session lifetime") {
  auto x = plain_exchange();
  CHECK(std::string(x.mechanism_name()) == "PLAIN");
  auto a = x.on_handshake(handshake_ok());
  REQUIRE(a.kind == Kind::send_authenticate);
  CHECK(a.auth_bytes == bytes(std::string("\0alice\0alice-secret", 19)));
  auto done = x.on_authenticate(authenticate_ok("", 3600000));
  CHECK(done.kind == Kind::done);
  CHECK(done.session_lifetime == 3600000ms);
}

TEST_CASE("SASL exchange: SCRAM-SHA-256 runs both round trips and checks the server's proof") {
  SaslExchange x(std::make_unique<ScramClient>(ScramHash::sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO"), "b:1");
  auto first = x.on_handshake(handshake_ok({"SCRAM-SHA-256"}));
  REQUIRE(first.kind == Kind::send_authenticate);
  CHECK(first.auth_bytes == bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
  auto second = x.on_authenticate(
      authenticate_ok("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
  REQUIRE(second.kind == Kind::send_authenticate);
  auto done = x.on_authenticate(authenticate_ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", -5));
  CHECK(done.kind == Kind::done);
  CHECK(done.session_lifetime == 0ms);  // a negative lifetime means none
}

TEST_CASE("SASL exchange: a wrong server signature fails, naming the broker, without the password") {
  SaslExchange x(std::make_unique<ScramClient>(ScramHash::sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO"), "b:9093");
  REQUIRE(x.on_handshake(handshake_ok()).kind == Kind::send_authenticate);
  REQUIRE(x.on_authenticate(authenticate_ok("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")).kind ==
          Kind::send_authenticate);
  auto failed = x.on_authenticate(authenticate_ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  CHECK(failed.kind == Kind::fail);
  CHECK(failed.error == sasl_errc::server_signature_mismatch);
  CHECK(failed.message.find("b:9093") != std::string::npos);
  CHECK(failed.message.find("pencil") == std::string::npos);
}

TEST_CASE("SASL exchange: UNSUPPORTED_SASL_MECHANISM lists what the broker offers") {
  auto x = plain_exchange();
  auto a = x.on_handshake(
      SaslHandshakeResponse{static_cast<std::int16_t>(kafka_errc::unsupported_sasl_mechanism),
                            {"SCRAM-SHA-256", "SCRAM-SHA-512"}});
  CHECK(a.kind == Kind::fail);
  CHECK(a.error == kafka_errc::unsupported_sasl_mechanism);
  CHECK(a.message.find("broker-1.example:9093") != std::string::npos);
  CHECK(a.message.find("PLAIN") != std::string::npos);
  CHECK(a.message.find("SCRAM-SHA-256, SCRAM-SHA-512") != std::string::npos);
  CHECK(a.message.find("sasl.mechanism") != std::string::npos);
}

TEST_CASE("SASL exchange: SASL_AUTHENTICATION_FAILED carries the broker's message, never the password") {
  auto x = plain_exchange();
  REQUIRE(x.on_handshake(handshake_ok()).kind == Kind::send_authenticate);
  SaslAuthenticateResponse r;
  r.error_code = static_cast<std::int16_t>(kafka_errc::sasl_authentication_failed);
  r.error_message = "Authentication failed: Invalid username or password";
  auto a = x.on_authenticate(r);
  CHECK(a.kind == Kind::fail);
  CHECK(a.error == kafka_errc::sasl_authentication_failed);
  CHECK(a.message.find("SASL_AUTHENTICATION_FAILED") != std::string::npos);
  CHECK(a.message.find("Invalid username or password") != std::string::npos);
  CHECK(a.message.find("broker-1.example:9093") != std::string::npos);
  CHECK(a.message.find("sasl.password") != std::string::npos);  // the setting to check...
  CHECK(a.message.find("alice-secret") == std::string::npos);   // ...but not its value
}

TEST_CASE("SASL exchange: a handshake on a listener without SASL") {
  auto x = plain_exchange();
  auto a = x.on_handshake(SaslHandshakeResponse{static_cast<std::int16_t>(kafka_errc::illegal_sasl_state), {}});
  CHECK(a.kind == Kind::fail);
  CHECK(a.error == kafka_errc::illegal_sasl_state);
  CHECK(a.message.find("security.protocol") != std::string::npos);
}

TEST_CASE("SASL exchange: a broker message with control bytes is made printable") {
  auto x = plain_exchange();
  REQUIRE(x.on_handshake(handshake_ok()).kind == Kind::send_authenticate);
  SaslAuthenticateResponse r;
  r.error_code = static_cast<std::int16_t>(kafka_errc::sasl_authentication_failed);
  r.error_message = std::string("bad\n\x1b[31mred", 12);
  auto a = x.on_authenticate(r);
  CHECK(a.message.find('\n') == std::string::npos);
  CHECK(a.message.find('\x1b') == std::string::npos);
}

TEST_CASE("SASL exchange: answers out of turn are errors") {
  auto x = plain_exchange();
  CHECK(x.on_authenticate(authenticate_ok()).error == sasl_errc::unexpected_message);
  auto y = plain_exchange();
  REQUIRE(y.on_handshake(handshake_ok()).kind == Kind::send_authenticate);
  CHECK(y.on_handshake(handshake_ok()).error == sasl_errc::unexpected_message);
}

TEST_CASE("SASL exchange: a mechanism that cannot start fails at the handshake") {
  SaslExchange x(std::make_unique<SaslPlain>("", "pw"), "b:1");
  auto a = x.on_handshake(handshake_ok());
  CHECK(a.kind == Kind::fail);
  CHECK(a.error == sasl_errc::invalid_credentials);
  CHECK(a.message.find("sasl.username") != std::string::npos);
}

TEST_CASE("re-authentication is due at 85% to 95% of the session lifetime") {
  CHECK(reauthentication_delay(10000ms, 0.0) == 8500ms);
  CHECK(reauthentication_delay(10000ms, 0.5) == 9000ms);
  CHECK(reauthentication_delay(10000ms, 0.999) == 9499ms);
  CHECK(reauthentication_delay(10000ms, 7.0) == 9500ms);  // clamped
  CHECK(reauthentication_delay(10000ms, -1.0) == 8500ms);
  CHECK(reauthentication_delay(0ms, 0.5) == 0ms);
  CHECK(reauthentication_delay(-3ms, 0.5) == 0ms);
}
