// BrokerConnection over TLS against an in-process TLS server (tls_fake_broker)
// with certificates made for each test (test_pki): verification of the
// chain, the name and the validity period; SNI; client certificates; and a
// TLS client meeting a plaintext broker (or the reverse) failing fast with a
// message that says what to change. One io_context on the test's thread.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "fake_broker.hpp"
#include "io_wait.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/metadata.hpp"
#include "test_pki.hpp"
#include "tls_fake_broker.hpp"

using namespace sluice;
using namespace std::chrono_literals;
using net::net_errc;
using State = net::BrokerConnection::State;

namespace {

net::ConnectionOptions tls_options(const std::string& ca) {
  net::ConnectionOptions o;
  o.security.protocol = net::SecurityProtocol::ssl;
  o.security.tls.ca_location = ca;
  return o;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using Pki = test::TestPki;

struct TlsHarness {
  boost::asio::io_context io;
  test::TestPki pki;
  test::TestPki::Issued server;
  std::optional<test::TlsFakeBroker> broker;

  explicit TlsHarness(test::TestPki::Spec spec = Pki::server_spec("localhost", {"DNS:localhost"}),
                      bool require_client_cert = false) {
    server = pki.issue("server", spec);
    broker.emplace(io, test::TlsFakeBroker::Options{server.cert, server.key, pki.ca_cert(), require_client_cert});
    broker->serve();
  }

  std::shared_ptr<net::BrokerConnection> connection(const net::ConnectionOptions& o, const std::string& host) {
    return std::make_shared<net::BrokerConnection>(io, 1, broker->address(host), o);
  }
};

}  // namespace

TEST_CASE("TLS: verified connection by host name, with SNI, carries requests both ways") {
  TlsHarness h;
  auto c = h.connection(tls_options(h.pki.ca_cert()), "localhost");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(ec.message() << " / " << c->failure_detail());
  REQUIRE_FALSE(ec);
  CHECK(c->state() == State::ready);
  CHECK(h.broker->sni() == "localhost");
  std::optional<std::string> body;
  c->send(
      protocol::ApiKey::Metadata,
      [](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(protocol::MetadataRequest{}, w, v); },
      true, [&](const net::RequestOutcome& out) {
        body = out.ec ? "error" : std::string(out.body.begin(), out.body.end());
      });
  REQUIRE(test::run_until(h.io, [&] { return body.has_value(); }));
  CHECK(*body == "pong");
  CHECK(h.broker->answered() == 2);
}

TEST_CASE("TLS: a gathered request of many pieces arrives intact through the TLS stream") {
  TlsHarness h;
  auto c = h.connection(tls_options(h.pki.ca_cert()), "localhost");
  REQUIRE_FALSE(test::connect_and_wait(h.io, c));
  // 100 external ranges (some over the 8 KiB Asio packs into one record)
  // between framing pieces: Asio's SSL stream writes them in several records.
  std::vector<std::vector<std::uint8_t>> external;
  std::vector<std::uint8_t> expected;
  for (std::size_t i = 0; i < 100; ++i) external.emplace_back(i % 10 == 0 ? 20000 + i : 50 + i, static_cast<std::uint8_t>(i));
  std::optional<std::string> body;
  c->send_gathered(
      protocol::ApiKey::Produce,
      [&](protocol::BufferWriter& w, std::int16_t, protocol::Splices& splices) {
        for (std::size_t i = 0; i < external.size(); ++i) {
          w.int32(static_cast<std::int32_t>(i));
          splices.push_back({w.size(), external[i]});
        }
        w.int8(-1);
        return std::error_code{};
      },
      true, [&](const net::RequestOutcome& out) {
        body = out.ec ? "error" : std::string(out.body.begin(), out.body.end());
      });
  for (std::size_t i = 0; i < external.size(); ++i) {
    const auto n = static_cast<std::uint32_t>(i);
    expected.insert(expected.end(), {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                                     static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    expected.insert(expected.end(), external[i].begin(), external[i].end());
  }
  expected.push_back(0xff);
  REQUIRE(test::run_until(h.io, [&] { return body.has_value(); }));
  CHECK(*body == "pong");
  const auto& got = h.broker->last_request();
  INFO("answered " << h.broker->answered());
  const std::size_t header = 2 + 2 + 4 + 2 + 6 + 1;  // Produce v13: header v2, client id "sluice"
  REQUIRE(got.size() == header + expected.size());
  CHECK(std::vector<std::uint8_t>(got.begin() + header, got.end()) == expected);
}

TEST_CASE("TLS: an IP literal is checked against the certificate's IP subjectAltName, without SNI") {
  TlsHarness h(Pki::server_spec("broker", {"IP:127.0.0.1"}));
  auto c = h.connection(tls_options(h.pki.ca_cert()), "127.0.0.1");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(c->failure_detail());
  REQUIRE_FALSE(ec);
  CHECK(h.broker->sni().empty());
}

TEST_CASE("TLS: a certificate from an untrusted CA fails verification, naming the broker") {
  TlsHarness h;
  auto c = h.connection(tls_options(h.pki.other_ca_cert()), "localhost");
  const auto ec = test::connect_and_wait(h.io, c);
  CHECK(ec == net_errc::certificate_verify_failed);
  const auto& detail = c->failure_detail();
  INFO(detail);
  CHECK(contains(detail, "certificate verify failed"));
  CHECK(contains(detail, h.broker->address("localhost").to_string()));
  CHECK(contains(detail, "ssl.ca.location"));
  CHECK(c->state() == State::closed);
  CHECK_FALSE(h.broker->handshake_done());
}

TEST_CASE("TLS: the broker's name must be in its certificate, and none turns the check off") {
  TlsHarness h;  // a certificate for DNS:localhost only
  SECTION("127.0.0.1 is not localhost") {
    auto c = h.connection(tls_options(h.pki.ca_cert()), "127.0.0.1");
    const auto ec = test::connect_and_wait(h.io, c);
    CHECK(ec == net_errc::certificate_verify_failed);
    INFO(c->failure_detail());
    CHECK(contains(c->failure_detail(), "IP address mismatch"));
    CHECK(contains(c->failure_detail(), "ssl.endpoint.identification.algorithm"));
  }
  SECTION("ssl.endpoint.identification.algorithm=none") {
    auto o = tls_options(h.pki.ca_cert());
    o.security.tls.verify_hostname = false;
    auto c = h.connection(o, "127.0.0.1");
    const auto ec = test::connect_and_wait(h.io, c);
    INFO(c->failure_detail());
    CHECK_FALSE(ec);
  }
}

TEST_CASE("TLS: a host name that is not in the certificate fails") {
  TlsHarness h(Pki::server_spec("broker", {"DNS:kafka.example.com", "IP:127.0.0.1"}));
  auto c = h.connection(tls_options(h.pki.ca_cert()), "localhost");
  CHECK(test::connect_and_wait(h.io, c) == net_errc::certificate_verify_failed);
  CHECK(contains(c->failure_detail(), "hostname mismatch"));
}

TEST_CASE("TLS: an expired certificate fails verification") {
  TlsHarness h(Pki::server_spec("localhost", {"DNS:localhost"}, -30, -1));
  auto c = h.connection(tls_options(h.pki.ca_cert()), "localhost");
  CHECK(test::connect_and_wait(h.io, c) == net_errc::certificate_verify_failed);
  CHECK(contains(c->failure_detail(), "certificate has expired"));
}

TEST_CASE("TLS: enable.ssl.certificate.verification=false accepts an untrusted, misnamed certificate") {
  TlsHarness h;
  auto o = tls_options(h.pki.other_ca_cert());
  o.security.tls.verify_certificate = false;
  auto c = h.connection(o, "127.0.0.1");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(c->failure_detail());
  CHECK_FALSE(ec);
}

TEST_CASE("TLS: ssl.ca.location may be a hashed directory") {
  TlsHarness h;
  auto c = h.connection(tls_options(h.pki.hashed_ca_dir()), "localhost");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(c->failure_detail());
  CHECK_FALSE(ec);
}

TEST_CASE("TLS: a broker that requires a client certificate") {
  TlsHarness h(Pki::server_spec("localhost", {"DNS:localhost"}), true);
  SECTION("without one, the connection fails and says which settings to set") {
    auto c = h.connection(tls_options(h.pki.ca_cert()), "localhost");
    const auto ec = test::connect_and_wait(h.io, c);
    CHECK(ec);
    INFO(ec.message() << " / " << c->failure_detail());
    CHECK(contains(c->failure_detail(), "ssl.certificate.location"));
  }
  SECTION("with an encrypted key and its password, it connects") {
    auto client = h.pki.issue("client", Pki::client_spec("alice", "key-pass"));
    auto o = tls_options(h.pki.ca_cert());
    o.security.tls.certificate_location = client.cert;
    o.security.tls.key_location = client.key;
    o.security.tls.key_password = "key-pass";
    auto c = h.connection(o, "localhost");
    const auto ec = test::connect_and_wait(h.io, c);
    INFO(c->failure_detail());
    CHECK_FALSE(ec);
    CHECK(h.broker->handshake_done());
  }
}

TEST_CASE("TLS: a CA file that does not exist fails the attempt before any traffic") {
  TlsHarness h;
  auto c = h.connection(tls_options(h.pki.dir() + "/missing.pem"), "localhost");
  CHECK(test::connect_and_wait(h.io, c) == net_errc::tls_setup_failed);
  CHECK(contains(c->failure_detail(), "ssl.ca.location"));
  CHECK(contains(c->failure_detail(), "missing.pem"));
}

TEST_CASE("TLS client at a plaintext broker: fails at once, pointing at security.protocol") {
  boost::asio::io_context io;
  test::TestPki pki;
  test::FakeBroker plain(io);
  // A Kafka plaintext listener reads the ClientHello as a 350 MB size prefix and drops the connection.
  plain.accept([&] { plain.read_bytes(5, [&] { plain.close(); }); });
  auto o = tls_options(pki.ca_cert());
  o.connect_timeout = 10s;
  auto c = std::make_shared<net::BrokerConnection>(io, 1, plain.address(), o);
  const auto start = std::chrono::steady_clock::now();
  CHECK(test::connect_and_wait(io, c) == net_errc::tls_handshake_failed);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  INFO(c->failure_detail());
  CHECK(contains(c->failure_detail(), "security.protocol"));
}

TEST_CASE("plaintext client at a TLS broker: fails at once, pointing at security.protocol") {
  TlsHarness h;
  net::ConnectionOptions o;
  o.connect_timeout = 10s;
  auto c = h.connection(o, "localhost");
  const auto start = std::chrono::steady_clock::now();
  const auto ec = test::connect_and_wait(h.io, c);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  INFO(ec.message() << " / " << c->failure_detail());
  CHECK((ec == net_errc::tls_expected || ec == net_errc::connection_closed));
  CHECK(contains(c->failure_detail(), "security.protocol"));
  CHECK(contains(c->failure_detail(), "SSL"));
}

TEST_CASE("plaintext client answered with a TLS alert: tls_expected at once, nothing allocated from it") {
  boost::asio::io_context io;
  test::FakeBroker tls_listener(io);
  // What a TLS listener sends for bytes that are not a ClientHello: a fatal
  // alert record (21, TLS 1.2, length 2, fatal, unexpected_message).
  tls_listener.accept([&] {
    tls_listener.read_bytes(4, [&] { tls_listener.write({0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a}); });
  });
  net::ConnectionOptions o;
  o.security.protocol = net::SecurityProtocol::sasl_plaintext;
  o.max_response_bytes = std::size_t{1} << 31;  // even a limit the alert's "size" fits under
  auto c = std::make_shared<net::BrokerConnection>(io, 1, tls_listener.address(), o);
  CHECK(test::connect_and_wait(io, c) == net_errc::tls_expected);
  INFO(c->failure_detail());
  CHECK(contains(c->failure_detail(), "SASL_SSL"));
  CHECK(contains(c->failure_detail(), tls_listener.address().to_string()));
}

TEST_CASE("TLS: ssl.crl.location: a revoked broker certificate fails, an unrevoked one connects") {
  TlsHarness h;
  SECTION("revoked") {
    auto o = tls_options(h.pki.ca_cert());
    o.security.tls.crl_location = h.pki.crl("revoked", {h.server.cert});
    auto c = h.connection(o, "localhost");
    const auto ec = test::connect_and_wait(h.io, c);
    INFO(c->failure_detail());
    CHECK(ec == net_errc::certificate_verify_failed);
    CHECK(contains(c->failure_detail(), "revoked"));
  }
  SECTION("not revoked") {
    auto other = h.pki.issue("other", Pki::server_spec("elsewhere", {"DNS:elsewhere"}));
    auto o = tls_options(h.pki.ca_cert());
    o.security.tls.crl_location = h.pki.crl("others", {other.cert});
    auto c = h.connection(o, "localhost");
    const auto ec = test::connect_and_wait(h.io, c);
    INFO(c->failure_detail());
    CHECK_FALSE(ec);
  }
}

TEST_CASE("TLS: a PKCS#12 keystore gives the client certificate, and in-memory PEM does too") {
  TlsHarness h(Pki::server_spec("localhost", {"DNS:localhost"}), true);
  auto client = h.pki.issue("client", Pki::client_spec("alice"));
  auto o = tls_options(h.pki.ca_cert());
  SECTION("PKCS#12") {
    o.security.tls.keystore_location = h.pki.pkcs12("client", client, "store-pw");
    o.security.tls.keystore_password = "store-pw";
  }
  SECTION("PEM text") {
    auto text = [](const std::string& path) {
      std::ifstream in(path);
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    o.security.tls.ca_location.clear();
    o.security.tls.ca_pem = text(h.pki.ca_cert());
    o.security.tls.certificate_pem = text(client.cert);
    o.security.tls.key_pem = text(client.key);
  }
  auto c = h.connection(o, "localhost");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(c->failure_detail());
  CHECK_FALSE(ec);
  CHECK(h.broker->handshake_done());
}

TEST_CASE("TLS: ssl.enabled.protocols and ssl.cipher.suites are what the handshake offers") {
  TlsHarness h;
  auto o = tls_options(h.pki.ca_cert());
  SECTION("TLS 1.2 only, one ECDSA cipher by its IANA name") {
    o.security.tls.tls13 = false;
    o.security.tls.cipher_suites = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
  }
  SECTION("TLS 1.3 only, one suite") {
    o.security.tls.tls12 = false;
    o.security.tls.cipher_suites = "TLS_CHACHA20_POLY1305_SHA256";
  }
  auto c = h.connection(o, "localhost");
  const auto ec = test::connect_and_wait(h.io, c);
  INFO(c->failure_detail());
  CHECK_FALSE(ec);
}

TEST_CASE("TLS: a TLS 1.2 cipher the broker's key cannot use fails the handshake") {
  TlsHarness h;  // the test PKI's keys are EC: an RSA-only cipher list has nothing in common
  auto o = tls_options(h.pki.ca_cert());
  o.security.tls.tls13 = false;
  o.security.tls.cipher_suites = "ECDHE-RSA-AES128-GCM-SHA256";
  auto c = h.connection(o, "localhost");
  CHECK(test::connect_and_wait(h.io, c));
}
