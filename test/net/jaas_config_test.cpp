// Java's sasl.jaas.config lines: what is understood, and errors that never
// repeat the password.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/jaas_config.hpp"

using sluice::net::parse_jaas_config;

TEST_CASE("JAAS: PlainLoginModule and ScramLoginModule with username and password") {
  std::string error;
  auto plain = parse_jaas_config(
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cr;t\";",
      error);
  REQUIRE(plain);
  CHECK_FALSE(plain->scram);
  CHECK(plain->username == "alice");
  CHECK(plain->password == "s3cr;t");

  auto scram = parse_jaas_config(
      "  org.apache.kafka.common.security.scram.ScramLoginModule required\n"
      "    password=\"with \\\"quotes\\\" and \\\\\"   username=bob ;  ",
      error);
  REQUIRE(scram);
  CHECK(scram->scram);
  CHECK(scram->username == "bob");
  CHECK(scram->password == "with \"quotes\" and \\");
}

TEST_CASE("JAAS: what is refused, without echoing the password") {
  const std::string secret = "TOPSECRET";
  const std::string plain = "org.apache.kafka.common.security.plain.PlainLoginModule";
  for (const std::string& text :
       {"com.sun.security.auth.module.Krb5LoginModule required password=\"" + secret + "\";",
        std::string("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"),
        plain + " username=\"a\" password=\"" + secret + "\";",                 // no control flag
        plain + " required username=\"a\" password=\"" + secret + "\"",         // no ';'
        plain + " required username=\"a\" password=\"" + secret,                // quote not closed
        plain + " required username=\"a\";",                                      // no password
        plain + " required password=\"" + secret + "\";",                         // no username
        plain + " required username=\"a\" password=\"" + secret + "\" tokenauth=\"true\";",
        plain + " required username=\"a\" password" + secret + "=\"x\";",       // garbled
        plain + " required username=\"a\" password=\"" + secret + "\"; " + plain + " required;",
        std::string("")}) {
    INFO(text);
    std::string error;
    CHECK_FALSE(parse_jaas_config(text, error));
    CHECK_FALSE(error.empty());
    CHECK(error.find(secret) == std::string::npos);
  }
}
