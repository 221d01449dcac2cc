// BrokerConnection's SASL side against a scripted fake broker (fake_broker):
// the exchange after ApiVersions, the errors a user sees, and
// re-authentication (KIP-368) holding new requests back until the ones
// in flight are answered. One io_context on the test's thread; timers, not
// sleeps, pace the script. The setup deadline during the exchange is
// tested with a clock the test moves (connection_machine_sasl_test.cpp).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "fake_broker.hpp"
#include "io_wait.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"

using namespace sluice;
using namespace std::chrono_literals;
using protocol::ApiKey;
using protocol::kafka_errc;
using test::Bytes;
using test::FakeRequest;
using State = net::BrokerConnection::State;

namespace {

constexpr auto kHandshake = static_cast<std::int16_t>(ApiKey::SaslHandshake);
constexpr auto kAuthenticate = static_cast<std::int16_t>(ApiKey::SaslAuthenticate);
constexpr auto kMetadata = static_cast<std::int16_t>(ApiKey::Metadata);

// ApiVersions (v0-v2 form, what the fake is asked for... any version: flexible from v3).
Bytes api_versions_with_sasl(std::int16_t version) {
  auto key = [](ApiKey k) { return static_cast<std::int16_t>(k); };
  static const std::vector<test::FakeBroker::ApiRange> ranges = {
      {key(ApiKey::Produce), 3, 13},      {key(ApiKey::Metadata), 0, 13},        {key(ApiKey::SaslHandshake), 0, 1},
      {key(ApiKey::ApiVersions), 0, 4},   {key(ApiKey::SaslAuthenticate), 0, 2}};
  return test::FakeBroker::api_versions_body(version, 0, ranges);
}

// The request body after its header (v1, or v2 with tagged fields).
protocol::BufferReader body_reader(const FakeRequest& r, bool flexible_header) {
  protocol::BufferReader in(r.frame);
  in.int16("api_key");
  in.int16("api_version");
  in.int32("correlation_id");
  in.nullable_string("client_id", false);
  if (flexible_header) in.skip_tagged_fields("header");
  return in;
}

std::string handshake_mechanism(const FakeRequest& r) {
  auto in = body_reader(r, false);
  return in.string("mechanism", false);
}

std::string auth_bytes(const FakeRequest& r) {
  const bool flex = r.api_version >= 2;
  auto in = body_reader(r, flex);
  auto b = in.bytes("auth_bytes", flex);
  return std::string(b.begin(), b.end());
}

Bytes handshake_answer(std::int16_t error, std::vector<std::string> mechanisms) {
  Bytes out;
  protocol::BufferWriter w(out);
  w.int16(error);
  w.array_length(mechanisms.size(), false);
  for (const auto& m : mechanisms) w.string(m, false);
  return out;
}

Bytes authenticate_answer(std::int16_t version, std::int16_t error, const std::string& message, std::int64_t lifetime) {
  const bool flex = version >= 2;
  Bytes out;
  protocol::BufferWriter w(out);
  w.int16(error);
  w.nullable_string(message.empty() ? std::nullopt : std::optional<std::string_view>(message), flex);
  w.bytes({}, flex);
  if (version >= 1) w.int64(lifetime);
  if (flex) w.empty_tagged_fields();
  return out;
}

std::error_code metadata_all(protocol::BufferWriter& w, std::int16_t version) {
  return protocol::encode(protocol::MetadataRequest{}, w, version);
}

net::ConnectionOptions sasl_options(const std::string& password = "alice-secret") {
  net::ConnectionOptions o;
  o.security.protocol = net::SecurityProtocol::sasl_plaintext;
  o.security.sasl.username = "alice";
  o.security.sasl.password = password;
  return o;
}

struct Harness {
  boost::asio::io_context io;
  test::FakeBroker fake{io};
  std::shared_ptr<net::BrokerConnection> conn;
  std::vector<std::string> events;  // what the fake saw and the client got, in order

  explicit Harness(net::ConnectionOptions o = sasl_options())
      : conn(std::make_shared<net::BrokerConnection>(io, 1, fake.address(), std::move(o))) {}

  // Answers ApiVersions (with SASL), then SaslHandshake with `handshake_error`.
  void script_handshake(std::int16_t handshake_error, std::function<void()> next) {
    fake.accept([this, handshake_error, next = std::move(next)] {
      fake.read_request([this, handshake_error, next](FakeRequest v) {
        fake.write(test::FakeBroker::response(v, api_versions_with_sasl(v.api_version)), [this, handshake_error, next] {
          read_handshake(handshake_error, next);
        });
      });
    });
  }

  void read_handshake(std::int16_t error, std::function<void()> next) {
    fake.read_request([this, error, next](FakeRequest h) {
      events.push_back("handshake v" + std::to_string(h.api_version) + " " +
                       (h.api_key == kHandshake ? handshake_mechanism(h) : "not a handshake"));
      fake.write(test::FakeBroker::response(h, handshake_answer(error, {"PLAIN", "SCRAM-SHA-512"})), next);
    });
  }

  // Reads SaslAuthenticate and answers it.
  void answer_authenticate(std::int16_t error, const std::string& message, std::int64_t lifetime,
                           std::function<void()> next) {
    fake.read_request([this, error, message, lifetime, next](FakeRequest a) {
      events.push_back(a.api_key == kAuthenticate ? "authenticate " + auth_bytes(a) : "not an authenticate");
      fake.write(test::FakeBroker::response(a, authenticate_answer(a.api_version, error, message, lifetime)), next);
    });
  }
};

}  // namespace

TEST_CASE("SASL PLAIN on connect: SaslHandshake v1, then SaslAuthenticate, then ready") {
  Harness h;
  h.script_handshake(0, [&] { h.answer_authenticate(0, "", 0, [] {}); });
  const auto ec = test::connect_and_wait(h.io, h.conn);
  INFO(ec.message() << " / " << h.conn->failure_detail());
  REQUIRE_FALSE(ec);
  CHECK(h.conn->state() == State::ready);
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0] == "handshake v1 PLAIN");
  CHECK(h.events[1] == std::string("authenticate \0alice\0alice-secret", 32));
  CHECK(h.conn->failure_detail().empty());
}

TEST_CASE("SASL: a wrong password is SASL_AUTHENTICATION_FAILED with the broker's words, not the password") {
  Harness h(sasl_options("wrong-password"));
  h.script_handshake(0, [&] {
    h.answer_authenticate(static_cast<std::int16_t>(kafka_errc::sasl_authentication_failed),
                          "Authentication failed: Invalid username or password", 0, [] {});
  });
  const auto ec = test::connect_and_wait(h.io, h.conn);
  CHECK(ec == kafka_errc::sasl_authentication_failed);
  CHECK(h.conn->state() == State::closed);
  const auto& d = h.conn->failure_detail();
  INFO(d);
  CHECK(d.find("Invalid username or password") != std::string::npos);
  CHECK(d.find(h.fake.address().to_string()) != std::string::npos);
  CHECK(d.find("wrong-password") == std::string::npos);
}

TEST_CASE("SASL: a mechanism the broker does not enable lists the ones it does") {
  auto o = sasl_options();
  o.security.sasl.mechanism = net::SaslMechanismKind::scram_sha_256;
  Harness h(o);
  h.script_handshake(static_cast<std::int16_t>(kafka_errc::unsupported_sasl_mechanism), [] {});
  const auto ec = test::connect_and_wait(h.io, h.conn);
  CHECK(ec == kafka_errc::unsupported_sasl_mechanism);
  CHECK(h.events == std::vector<std::string>{"handshake v1 SCRAM-SHA-256"});
  INFO(h.conn->failure_detail());
  CHECK(h.conn->failure_detail().find("PLAIN, SCRAM-SHA-512") != std::string::npos);
}

TEST_CASE("SASL re-authentication waits for requests in flight and holds new ones back") {
  Harness h;
  boost::asio::steady_timer pause(h.io);
  bool a_answered = false, b_answered = false;
  std::error_code a_ec, b_ec;
  bool held_back = false;
  // Session lifetime 1 ms: re-authentication is due almost at once, while
  // request A is in flight. The fake holds A's answer for 200 ms (a timer
  // armed after the re-authentication timer, so it fires after it); then
  // the client queues B, the fake answers A, and must next see the SASL
  // exchange and only then B.
  h.script_handshake(0, [&] {
    h.answer_authenticate(0, "", 1, [&] {
      h.fake.read_request([&](FakeRequest a) {
        h.events.push_back(a.api_key == kMetadata ? "A" : "not A");
        pause.expires_after(200ms);
        pause.async_wait([&, a](boost::system::error_code) {
          held_back = h.conn->reauthenticating();
          h.conn->send(ApiKey::Metadata, metadata_all, true, [&](const net::RequestOutcome& out) {
            b_answered = true;
            b_ec = out.ec;
            h.events.push_back("B answered");
          });
          h.fake.write(test::FakeBroker::response(a, Bytes{'a'}), [&] {
            h.read_handshake(0, [&] {
              h.answer_authenticate(0, "", 0, [&] {
                h.fake.read_request([&](FakeRequest b) {
                  h.events.push_back(b.api_key == kMetadata ? "B" : "not B");
                  h.fake.write(test::FakeBroker::response(b, Bytes{'b'}));
                });
              });
            });
          });
        });
      });
    });
  });
  std::optional<std::error_code> connected;
  h.conn->connect([&](std::error_code ec) {
    connected = ec;
    if (ec) return;
    h.conn->send(ApiKey::Metadata, metadata_all, true, [&](const net::RequestOutcome& out) {
      a_answered = true;
      a_ec = out.ec;
      h.events.push_back("A answered");
    });
  });
  REQUIRE(test::run_until(h.io, [&] { return b_answered; }));
  REQUIRE(connected);
  CHECK_FALSE(*connected);
  CHECK(held_back);
  CHECK_FALSE(a_ec);
  CHECK_FALSE(b_ec);
  const std::string plain_auth = std::string("authenticate \0alice\0alice-secret", 32);
  CHECK(h.events == std::vector<std::string>{"handshake v1 PLAIN", plain_auth, "A", "A answered",
                                             "handshake v1 PLAIN", plain_auth, "B", "B answered"});
  CHECK(h.conn->state() == State::ready);
  CHECK_FALSE(h.conn->reauthenticating());
}

TEST_CASE("SASL re-authentication refused: queued requests fail as not delivered, the connection closes") {
  Harness h;
  std::optional<net::RequestOutcome> queued;
  h.script_handshake(0, [&] {
    h.answer_authenticate(0, "", 1, [&] {
      // Re-authentication starts at once (nothing in flight).
      h.fake.read_request([&](FakeRequest hs) {
        h.events.push_back(hs.api_key == kHandshake ? "re-handshake" : "not a handshake");
        h.conn->send(ApiKey::Metadata, metadata_all, true, [&](const net::RequestOutcome& out) { queued = out; });
        h.fake.write(test::FakeBroker::response(hs, handshake_answer(0, {"PLAIN"})), [&] {
          h.answer_authenticate(static_cast<std::int16_t>(kafka_errc::sasl_authentication_failed),
                                "credentials were revoked", 0, [] {});
        });
      });
    });
  });
  REQUIRE_FALSE(test::connect_and_wait(h.io, h.conn));
  REQUIRE(test::run_until(h.io, [&] { return queued.has_value(); }));
  CHECK(queued->ec == kafka_errc::sasl_authentication_failed);
  CHECK_FALSE(queued->maybe_delivered);
  CHECK(h.conn->state() == State::closed);
  CHECK(h.conn->failure_detail().find("credentials were revoked") != std::string::npos);
  CHECK(h.fake.bytes_received() > 0);
}
