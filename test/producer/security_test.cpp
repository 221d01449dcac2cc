// Names of security protocols and SASL mechanisms (sluice/security.hpp), as
// properties spell them.
#include "sluice/security.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "security_names.hpp"

using namespace sluice;
using sluice::detail::sasl_mechanism_from_name;
using sluice::detail::security_protocol_from_name;

TEST_CASE("security.protocol names, in any case") {
  CHECK(security_protocol_from_name("PLAINTEXT") == SecurityProtocol::plaintext);
  CHECK(security_protocol_from_name("ssl") == SecurityProtocol::ssl);
  CHECK(security_protocol_from_name("Sasl_Plaintext") == SecurityProtocol::sasl_plaintext);
  CHECK(security_protocol_from_name("sasl_ssl") == SecurityProtocol::sasl_ssl);
  CHECK_FALSE(security_protocol_from_name("TLS"));
  CHECK_FALSE(security_protocol_from_name(""));
  CHECK_FALSE(security_protocol_from_name("SASL_SSL "));
  for (auto p : {SecurityProtocol::plaintext, SecurityProtocol::ssl, SecurityProtocol::sasl_plaintext,
                 SecurityProtocol::sasl_ssl}) {
    CHECK(security_protocol_from_name(to_string(p)) == p);
  }
}

TEST_CASE("which protocols use TLS and which SASL") {
  CHECK_FALSE(uses_tls(SecurityProtocol::plaintext));
  CHECK(uses_tls(SecurityProtocol::ssl));
  CHECK_FALSE(uses_tls(SecurityProtocol::sasl_plaintext));
  CHECK(uses_tls(SecurityProtocol::sasl_ssl));
  CHECK_FALSE(uses_sasl(SecurityProtocol::plaintext));
  CHECK_FALSE(uses_sasl(SecurityProtocol::ssl));
  CHECK(uses_sasl(SecurityProtocol::sasl_plaintext));
  CHECK(uses_sasl(SecurityProtocol::sasl_ssl));
}

TEST_CASE("SASL mechanism names are exact, as brokers spell them") {
  CHECK(sasl_mechanism_from_name("PLAIN") == SaslMechanism::plain);
  CHECK(sasl_mechanism_from_name("SCRAM-SHA-256") == SaslMechanism::scram_sha_256);
  CHECK(sasl_mechanism_from_name("SCRAM-SHA-512") == SaslMechanism::scram_sha_512);
  CHECK_FALSE(sasl_mechanism_from_name("plain"));
  CHECK_FALSE(sasl_mechanism_from_name("GSSAPI"));
  CHECK(sasl_mechanism_from_name("OAUTHBEARER") == SaslMechanism::oauthbearer);
  CHECK_FALSE(sasl_mechanism_from_name("oauthbearer"));
  CHECK_FALSE(sasl_mechanism_from_name("SCRAM-SHA-1"));
  CHECK(std::string(to_string(SaslMechanism::scram_sha_512)) == "SCRAM-SHA-512");
}
