// The security properties (docs/SECURITY.md): names and aliases, what
// SASL and TLS require, Java's truststore and JAAS forms, notices for
// settings a protocol does not use, and secrets never echoed in errors.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config_test_support.hpp"
#include "sluice/config.hpp"
#include "test_pki.hpp"

using sluice::Config;
using sluice::SaslMechanism;
using sluice::SecurityProtocol;
using sluice::test::contains;
using sluice::test::error_of;
using sluice::test::resolve;

namespace {

// A file with `text` in the temp directory, removed with the object (named
// after the process: CTest runs test cases as parallel processes).
struct TempFile {
  explicit TempFile(const std::string& text) {
    static int counter = 0;
    path = (std::filesystem::temp_directory_path() /
            ("sluice-cfg-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".txt"))
               .string();
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

}  // namespace

TEST_CASE("security defaults: PLAINTEXT, verification on, PLAIN") {
  const auto s = resolve({});
  CHECK(s.security.protocol == SecurityProtocol::plaintext);
  CHECK(s.security.tls.verify_certificate);
  CHECK(s.security.tls.verify_hostname);
  CHECK(s.security.tls.ca_location.empty());
  CHECK(s.security.sasl.mechanism == SaslMechanism::plain);
  CHECK(s.notices.empty());
}

TEST_CASE("SASL settings, with librdkafka's sasl.mechanisms alias and any-case protocol names") {
  const auto s = resolve({{"security.protocol", "sasl_plaintext"},
                          {"sasl.mechanisms", "SCRAM-SHA-512"},
                          {"sasl.username", "alice"},
                          {"sasl.password", "pw"}});
  CHECK(s.security.protocol == SecurityProtocol::sasl_plaintext);
  CHECK(s.security.sasl.mechanism == SaslMechanism::scram_sha_512);
  CHECK(s.security.sasl.username == "alice");
  CHECK(s.security.sasl.password == "pw");
}

TEST_CASE("SASL needs credentials") {
  auto e = error_of([] { resolve({{"security.protocol", "SASL_SSL"}, {"sasl.username", "alice"}}); });
  CHECK(e.property == "sasl.password");
  CHECK(contains(e.message, "sasl.username and sasl.password"));
  e = error_of([] { resolve({{"security.protocol", "SASL_PLAINTEXT"}}); });
  CHECK(e.property == "sasl.username");
}

TEST_CASE("unsupported mechanisms and protocols are refused by name") {
  auto e = error_of([] { Config().set("sasl.mechanism", "GSSAPI"); });
  CHECK(contains(e.message, "GSSAPI (Kerberos) is not supported"));
  e = error_of([] { Config().set("sasl.mechanism", "OAUTHBEARER2"); });
  CHECK(contains(e.message, "not a SASL mechanism Sluice implements"));
  e = error_of([] { Config().set("sasl.mechanism", "scram-sha-512"); });  // brokers' names are exact
  CHECK(e.property == "sasl.mechanism");
  e = error_of([] { Config().set("security.protocol", "TLS"); });
  CHECK(e.property == "security.protocol");
  CHECK(contains(e.message, "'TLS'"));
}

TEST_CASE("secrets are never echoed in errors") {
  const std::string secret = "hunter2\"unbalanced";
  auto e = error_of([&] {
    Config().set("sasl.jaas.config",
                 "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"" +
                     secret);
  });
  CHECK(e.property == "sasl.jaas.config");
  CHECK(contains(e.message, "(hidden)"));
  CHECK_FALSE(contains(e.message, "hunter2"));
  // A key password that does not open the key: the error names the property, not the value.
  TempFile junk("not a key");
  e = error_of([&] {
    resolve({{"security.protocol", "SSL"},
             {"ssl.certificate.location", junk.path},
             {"ssl.key.location", junk.path},
             {"ssl.key.password", secret}});
  });
  CHECK_FALSE(e.property.empty());
  CHECK_FALSE(contains(e.message, "hunter2"));
}

TEST_CASE("Java's truststore: PEM only") {
  auto e = error_of([] { Config().set("ssl.truststore.type", "JKS"); });
  CHECK(contains(e.message, "JKS/PKCS12 truststores are not supported: use PEM"));
  e = error_of([] { Config().set("ssl.truststore.type", "PKCS12"); });
  CHECK(contains(e.message, "JKS/PKCS12 truststores are not supported: use PEM"));
  e = error_of([] { resolve({{"security.protocol", "SSL"}, {"ssl.truststore.location", "/etc/ca.pem"}}); });
  CHECK(e.property == "ssl.truststore.location");
  CHECK(contains(e.message, "JKS/PKCS12 truststores are not supported: use PEM"));
  // ssl.truststore.location is ssl.ca.location: set both and it is a double name.
  e = error_of([] { Config::from_map({{"ssl.ca.location", "/a"}, {"ssl.truststore.location", "/b"}}); });
  CHECK(contains(e.message, "same property"));
}

TEST_CASE("TLS files are loaded when the producer is built: a missing CA is a ConfigError") {
  auto e = error_of([] { resolve({{"security.protocol", "SSL"}, {"ssl.ca.location", "/no/such/ca.pem"}}); });
  CHECK(e.property == "ssl.ca.location");
  CHECK(contains(e.message, "/no/such/ca.pem"));
  e = error_of([] {
    resolve({{"security.protocol", "SSL"},
             {"ssl.truststore.location", "/no/such/ca.pem"},
             {"ssl.truststore.type", "pem"}});
  });
  CHECK(e.property == "ssl.ca.location");
}

TEST_CASE("verification switches") {
  auto s = resolve({{"security.protocol", "SSL"},
                    {"enable.ssl.certificate.verification", "false"},
                    {"ssl.endpoint.identification.algorithm", "none"}});
  CHECK_FALSE(s.security.tls.verify_certificate);
  CHECK_FALSE(s.security.tls.verify_hostname);
  s = resolve({{"security.protocol", "SSL"}, {"ssl.endpoint.identification.algorithm", ""}});  // Java's "off"
  CHECK_FALSE(s.security.tls.verify_hostname);
  CHECK(s.security.tls.verify_certificate);
  CHECK(error_of([] { Config().set("ssl.endpoint.identification.algorithm", "http"); }).property ==
        "ssl.endpoint.identification.algorithm");
}

TEST_CASE("sasl.jaas.config gives the credentials, and must agree with the mechanism") {
  const std::string plain =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"pw\";";
  const std::string scram =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"pw\";";
  auto s = resolve({{"security.protocol", "SASL_SSL"}, {"sasl.jaas.config", plain}});
  CHECK(s.security.sasl.username == "alice");
  CHECK(s.security.sasl.password == "pw");
  s = resolve({{"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "SCRAM-SHA-256"}, {"sasl.jaas.config", scram}});
  CHECK(s.security.sasl.username == "alice");
  auto e = error_of([&] { resolve({{"security.protocol", "SASL_SSL"}, {"sasl.jaas.config", scram}}); });
  CHECK(e.property == "sasl.jaas.config");
  CHECK(contains(e.message, "ScramLoginModule"));
  e = error_of([&] {
    resolve({{"security.protocol", "SASL_SSL"}, {"sasl.jaas.config", plain}, {"sasl.username", "bob"}});
  });
  CHECK(e.property == "sasl.jaas.config");
  CHECK(contains(e.message, "set one of them"));
}

TEST_CASE("settings the protocol does not use are warnings, not silently dropped") {
  sluice::test::TestPki pki;
  const auto s = resolve({{"ssl.ca.location", pki.ca_cert()}, {"sasl.username", "alice"}});
  REQUIRE(s.warnings.size() == 2);
  CHECK(contains(s.warnings[0] + s.warnings[1], "ssl.ca.location is set but security.protocol=PLAINTEXT"));
  CHECK(contains(s.warnings[0] + s.warnings[1], "sasl.username is set but security.protocol=PLAINTEXT"));
  CHECK(s.notices.empty());
}

// Reported: `sluice-produce -X ssl.ca.location=/nonexistent` (PLAINTEXT)
// exited 0 without a word.
TEST_CASE("a TLS file that cannot be loaded is an error under PLAINTEXT too") {
  auto e = error_of([] { resolve({{"ssl.ca.location", "/nonexistent"}}); });
  CHECK(e.property == "ssl.ca.location");
  CHECK(contains(e.message, "'/nonexistent' does not exist"));
  e = error_of([] { resolve({{"ssl.keystore.location", "/nonexistent.p12"}}); });
  CHECK(e.property == "ssl.keystore.location");
}

TEST_CASE("PEM text, PKCS#12 keystores, CRLs, protocols and ciphers reach the TLS options") {
  sluice::test::TestPki pki;
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  auto client = pki.issue("client", sluice::test::TestPki::client_spec("alice"));
  auto s = resolve({{"security.protocol", "SSL"},
                    {"ssl.ca.pem", read(pki.ca_cert())},
                    {"ssl.certificate.pem", read(client.cert)},
                    {"ssl.keystore.key", read(client.key)},  // Java's name of ssl.key.pem
                    {"ssl.enabled.protocols", "TLSv1.3"},
                    {"ssl.cipher.suites", "TLS_AES_256_GCM_SHA384"}});
  CHECK(contains(s.security.tls.ca_pem, "BEGIN CERTIFICATE"));
  CHECK(contains(s.security.tls.certificate_pem, "BEGIN CERTIFICATE"));
  CHECK(contains(s.security.tls.key_pem, "PRIVATE KEY"));
  CHECK_FALSE(s.security.tls.tls12);
  CHECK(s.security.tls.tls13);
  CHECK(s.security.tls.cipher_suites == "TLS_AES_256_GCM_SHA384");
  const std::string p12 = pki.pkcs12("client-p12", client, "store-pw");
  s = resolve({{"security.protocol", "SSL"}, {"ssl.keystore.location", p12}, {"ssl.keystore.password", "store-pw"},
               {"ssl.keystore.type", "PKCS12"}});
  CHECK(s.security.tls.keystore_location == p12);
  auto e = error_of([&] {
    resolve({{"security.protocol", "SSL"}, {"ssl.keystore.location", p12}, {"ssl.keystore.password", "wrong-pw"}});
  });
  CHECK(e.property == "ssl.keystore.password");
  CHECK_FALSE(contains(e.message, "wrong-pw"));
  CHECK_FALSE(contains(e.message, "store-pw"));
  e = error_of([&] { resolve({{"security.protocol", "SSL"}, {"ssl.keystore.password", "x"}}); });
  CHECK(e.property == "ssl.keystore.password");
  e = error_of([&] { resolve({{"security.protocol", "SSL"}, {"ssl.ca.pem", "garbage"}}); });
  CHECK(e.property == "ssl.ca.pem");
}

TEST_CASE("password-typed properties are marked in the property table") {
  for (const auto& p : sluice::property_table()) {
    const std::string name = p.name;
    if (name == "sasl.password" || name == "ssl.key.password" || name == "sasl.jaas.config" ||
        name == "sasl.oauthbearer.client.secret") {
      CHECK(std::string(p.type) == "password");
    }
  }
}

// "sasl.password hunter2" is a property line in Java's grammar (a blank
// separates name and value): it sets the password, and no message shows it.
TEST_CASE("a whitespace-separated secret line is a property, never echoed") {
  TempFile file("bootstrap.servers=h:1\nsasl.password hunter2\n");
  const auto s = Config::from_properties_file(file.path).resolve();
  CHECK(s.security.sasl.password == "hunter2");
  REQUIRE(s.warnings.size() == 1);
  CHECK(contains(s.warnings[0], "sasl.password is set"));
  CHECK_FALSE(contains(s.warnings[0], "hunter2"));
}
