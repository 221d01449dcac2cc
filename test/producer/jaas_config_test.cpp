// Java's sasl.jaas.config lines: what is understood, and errors that never
// repeat the password.
#include <catch2/catch.hpp>
#include <string>

#include "jaas_config.hpp"

using sluice::detail::parse_jaas_config;

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

TEST_CASE("JAAS: OAuthBearerLoginModule with clientId, clientSecret, scope and extensions") {
  std::string why;
  auto j = parse_jaas_config(
      "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"sluice-oauth-client\" "
      "clientSecret=\"s\\\"cret\" scope=\"kafka\" extension_logicalCluster=\"lkc-1\";",
      why);
  REQUIRE(j);
  CHECK(j->oauthbearer);
  CHECK(j->client_id == "sluice-oauth-client");
  CHECK(j->client_secret == "s\"cret");
  CHECK(j->scope == "kafka");
  REQUIRE(j->extensions.size() == 1);
  CHECK(j->extensions[0] == std::pair<std::string, std::string>{"logicalCluster", "lkc-1"});
  // No option at all: tokens come from elsewhere (the application's provider).
  j = parse_jaas_config("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;", why);
  REQUIRE(j);
  CHECK(j->client_id.empty());
  // Java's unsecured-token options, and a secret without its id, are refused without echoing values.
  CHECK_FALSE(parse_jaas_config("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                                "unsecuredLoginStringClaim_sub=\"hunter2\";",
                                why));
  CHECK(why.find("hunter2") == std::string::npos);
  // Java's TLS settings of the token endpoint: refused, naming what to set instead.
  CHECK_FALSE(parse_jaas_config("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                                "clientId=\"c\" clientSecret=\"hunter2\" ssl.truststore.type=\"PEM\" "
                                "ssl.truststore.location=\"/etc/ca.pem\";",
                                why));
  CHECK(why.find("https.ca.location") != std::string::npos);
  CHECK(why.find("hunter2") == std::string::npos);
  CHECK_FALSE(parse_jaas_config("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                                "clientSecret=\"hunter2\";",
                                why));
  CHECK(why.find("go together") != std::string::npos);
}
