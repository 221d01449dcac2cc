// make_sasl_mechanism: the configured mechanism, with the configured credentials.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/sasl_mechanism_factory.hpp"

using namespace sluice::net;

TEST_CASE("make_sasl_mechanism builds the configured mechanism") {
  SaslOptions o;
  o.username = "alice";
  o.password = "pw";
  o.mechanism = SaslMechanismKind::plain;
  auto plain = make_sasl_mechanism(o);
  CHECK(std::string(plain->name()) == "PLAIN");
  auto first = plain->start();
  CHECK(std::string(first.message.begin(), first.message.end()) == std::string("\0alice\0pw", 9));

  o.mechanism = SaslMechanismKind::scram_sha_256;
  auto s256 = make_sasl_mechanism(o);
  CHECK(std::string(s256->name()) == "SCRAM-SHA-256");
  auto f256 = s256->start();
  CHECK(std::string(f256.message.begin(), f256.message.end()).rfind("n,,n=alice,r=", 0) == 0);

  o.mechanism = SaslMechanismKind::scram_sha_512;
  CHECK(std::string(make_sasl_mechanism(o)->name()) == "SCRAM-SHA-512");
}

TEST_CASE("make_sasl_mechanism: OAUTHBEARER carries the token it is given, and needs one") {
  SaslOptions o;
  o.mechanism = SaslMechanismKind::oauthbearer;
  CHECK(make_sasl_mechanism(o) == nullptr);
  OAuthToken t;
  t.value = "abc";
  t.extensions = {{"k", "v"}};
  auto m = make_sasl_mechanism(o, &t);
  REQUIRE(m != nullptr);
  CHECK(std::string(m->name()) == "OAUTHBEARER");
  auto first = m->start();
  CHECK(std::string(first.message.begin(), first.message.end()) == "n,,\x01" "auth=Bearer abc\x01k=v\x01\x01");
}
