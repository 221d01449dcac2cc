// net's names of security protocols and SASL mechanisms, for its messages.
#include "sluice/net/security.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace sluice::net;

TEST_CASE("net names protocols and mechanisms as Kafka spells them") {
  CHECK(std::string(to_string(SecurityProtocol::plaintext)) == "PLAINTEXT");
  CHECK(std::string(to_string(SecurityProtocol::ssl)) == "SSL");
  CHECK(std::string(to_string(SecurityProtocol::sasl_plaintext)) == "SASL_PLAINTEXT");
  CHECK(std::string(to_string(SecurityProtocol::sasl_ssl)) == "SASL_SSL");
  CHECK(std::string(to_string(SaslMechanismKind::plain)) == "PLAIN");
  CHECK(std::string(to_string(SaslMechanismKind::scram_sha_256)) == "SCRAM-SHA-256");
  CHECK(std::string(to_string(SaslMechanismKind::scram_sha_512)) == "SCRAM-SHA-512");
  CHECK(std::string(to_string(SaslMechanismKind::oauthbearer)) == "OAUTHBEARER");
}

TEST_CASE("which protocols use TLS and which SASL, as connections decide") {
  CHECK_FALSE(uses_tls(SecurityProtocol::plaintext));
  CHECK(uses_tls(SecurityProtocol::ssl));
  CHECK_FALSE(uses_tls(SecurityProtocol::sasl_plaintext));
  CHECK(uses_tls(SecurityProtocol::sasl_ssl));
  CHECK_FALSE(uses_sasl(SecurityProtocol::ssl));
  CHECK(uses_sasl(SecurityProtocol::sasl_plaintext));
  CHECK(uses_sasl(SecurityProtocol::sasl_ssl));
}
