// check_tls_options: CA stores, client certificates and keys are loaded the
// way connections load them, and each problem names the property to fix
// (never the key password).
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/security.hpp"
#include "test_pki.hpp"

using namespace sluice;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("TLS options: good files load") {
  test::TestPki pki;
  auto client = pki.issue("client", test::TestPki::client_spec("alice", "pw"));
  net::TlsOptions o;
  o.ca_location = pki.ca_cert();
  CHECK_FALSE(net::check_tls_options(o));
  o.ca_location = pki.hashed_ca_dir();
  CHECK_FALSE(net::check_tls_options(o));
  o.certificate_location = client.cert;
  o.key_location = client.key;
  o.key_password = "pw";
  CHECK_FALSE(net::check_tls_options(o));
  o.ca_location.clear();  // the system's store
  CHECK_FALSE(net::check_tls_options(o));
}

TEST_CASE("TLS options: CA store problems name ssl.ca.location") {
  test::TestPki pki;
  net::TlsOptions o;
  o.ca_location = pki.dir() + "/nope.pem";
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.ca.location");
  CHECK(contains(e->message, "nope.pem"));
  o.ca_location = pki.write_file("junk.pem", "not a certificate\n");
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.ca.location");
  CHECK(contains(e->message, "PEM"));
}

TEST_CASE("TLS options: client certificate and key problems name the property, never the password") {
  test::TestPki pki;
  auto client = pki.issue("client", test::TestPki::client_spec("alice", "right-password"));
  auto other = pki.issue("other", test::TestPki::client_spec("bob"));
  net::TlsOptions o;
  o.ca_location = pki.ca_cert();

  o.certificate_location = client.cert;
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.key.location");

  o.key_location = client.key;
  e = net::check_tls_options(o);  // encrypted, no password
  REQUIRE(e);
  CHECK(e->property == "ssl.key.location");
  CHECK(contains(e->message, "ssl.key.password"));

  o.key_password = "wrong-password";
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.key.password");
  CHECK_FALSE(contains(e->message, "wrong-password"));

  o.key_password.clear();
  o.key_location = other.key;  // a key, but not this certificate's
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.key.location");
  INFO(e->message);
  CHECK(contains(e->message, "does not belong"));

  o.certificate_location.clear();
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.certificate.location");

  o.certificate_location = pki.dir() + "/absent.pem";
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.certificate.location");
}
