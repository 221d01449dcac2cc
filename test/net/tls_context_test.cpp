// check_tls_options: CA stores, client certificates and keys are loaded the
// way connections load them, and each problem names the property to fix
// (never the key password).
#include <catch2/catch.hpp>
#include <fstream>
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

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("TLS options: PEM text in memory (ssl.ca.pem, ssl.certificate.pem, ssl.key.pem)") {
  test::TestPki pki;
  auto client = pki.issue("client", test::TestPki::client_spec("alice", "pw"));
  auto other = pki.issue("other", test::TestPki::client_spec("bob"));
  net::TlsOptions o;
  o.ca_pem = read_file(pki.ca_cert()) + read_file(pki.other_ca_cert());  // several CAs
  o.certificate_pem = read_file(client.cert);
  o.key_pem = read_file(client.key);
  o.key_password = "pw";
  CHECK_FALSE(net::check_tls_options(o));

  o.key_password = "nope";
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.key.password");
  CHECK_FALSE(contains(e->message, "nope"));
  o.key_password.clear();
  o.key_pem = read_file(other.key);
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.key.pem");
  CHECK(contains(e->message, "does not belong"));

  o.key_pem.clear();
  o.key_location = other.key;
  o.certificate_pem = read_file(other.cert);
  CHECK_FALSE(net::check_tls_options(o));  // PEM certificate with a key file: one source each

  o.certificate_location = other.cert;
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.certificate.pem");
  CHECK(contains(e->message, "both set"));

  net::TlsOptions bad;
  bad.ca_pem = "-----BEGIN NOTHING-----\n";
  e = net::check_tls_options(bad);
  REQUIRE(e);
  CHECK(e->property == "ssl.ca.pem");
  bad.ca_pem = read_file(pki.ca_cert());
  bad.ca_location = pki.ca_cert();
  e = net::check_tls_options(bad);
  REQUIRE(e);
  CHECK(contains(e->message, "set one"));
}

TEST_CASE("TLS options: PKCS#12 keystores") {
  test::TestPki pki;
  auto client = pki.issue("client", test::TestPki::client_spec("alice"));
  net::TlsOptions o;
  o.ca_location = pki.ca_cert();
  o.keystore_location = pki.pkcs12("client", client, "store-pw");
  o.keystore_password = "store-pw";
  CHECK_FALSE(net::check_tls_options(o));

  o.keystore_password = "wrong";
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.keystore.password");
  CHECK_FALSE(contains(e->message, "wrong"));
  CHECK_FALSE(contains(e->message, "store-pw"));

  o.keystore_password = "store-pw";
  o.keystore_location = client.cert;  // PEM, not PKCS#12
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.keystore.location");
  CHECK(contains(e->message, "not a PKCS#12 file"));

  o.keystore_location = pki.pkcs12("client2", client, "store-pw");
  o.certificate_location = client.cert;
  o.key_location = client.key;
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.keystore.location");
  CHECK(contains(e->message, "set one"));
}

TEST_CASE("TLS options: CRLs load, other files are refused") {
  test::TestPki pki;
  auto server = pki.issue("server", test::TestPki::server_spec("broker", {"DNS:localhost"}));
  net::TlsOptions o;
  o.ca_location = pki.ca_cert();
  o.crl_location = pki.crl("revoked", {server.cert});
  CHECK_FALSE(net::check_tls_options(o));
  o.crl_location = pki.ca_cert();  // a certificate, not a CRL
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.crl.location");
  o.crl_location = pki.dir() + "/none.crl";
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.crl.location");
}

TEST_CASE("TLS options: cipher suites by OpenSSL or IANA name, TLS 1.3 suites apart") {
  net::TlsOptions o;
  o.cipher_suites = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
  CHECK_FALSE(net::check_tls_options(o));
  o.cipher_suites = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256";  // Java's spelling
  CHECK_FALSE(net::check_tls_options(o));
  o.cipher_suites = "TLS_NO_SUCH_SUITE";
  auto e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.cipher.suites");
  CHECK(contains(e->message, "TLS_NO_SUCH_SUITE"));
  o.cipher_suites = "NOT-A-CIPHER";
  e = net::check_tls_options(o);
  REQUIRE(e);
  CHECK(e->property == "ssl.cipher.suites");
  o.cipher_suites.clear();
  o.tls12 = false;  // TLS 1.3 only
  CHECK_FALSE(net::check_tls_options(o));
}
