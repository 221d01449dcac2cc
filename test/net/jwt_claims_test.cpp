// decode_jwt_claims: exp, iat and sub from a JWT's payload; what is not a
// JWT, and every truncation of one, is an error without the token's text.
#include <catch2/catch.hpp>

#include "sluice/net/base64.hpp"
#include "sluice/net/jwt_claims.hpp"

using namespace sluice::net;

namespace {
std::string b64url(const std::string& s) {
  std::string out = base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}
std::string jwt(const std::string& payload) { return b64url(R"({"alg":"RS256"})") + "." + b64url(payload) + ".c2ln"; }
}  // namespace

TEST_CASE("JWT claims: exp, iat, sub") {
  std::string error;
  auto c = decode_jwt_claims(jwt(R"({"sub":"sluice-oauth-client","iat":1700000000,"exp":1700003600,"x":[1]})"), error);
  REQUIRE(c);
  CHECK(*c->exp == 1700003600);
  CHECK(*c->iat == 1700000000);
  CHECK(c->sub == "sluice-oauth-client");
  c = decode_jwt_claims(jwt(R"({"exp":1700003600.5})"), error);  // NumericDate may have a fraction
  REQUIRE(c);
  CHECK(*c->exp == 1700003600);
  c = decode_jwt_claims(jwt(R"({"sub":"x"})"), error);
  REQUIRE(c);
  CHECK_FALSE(c->exp);
}

TEST_CASE("JWT claims: not a JWT, a bad payload, a bad exp") {
  std::string error;
  CHECK_FALSE(decode_jwt_claims("opaque-token", error));
  CHECK(error.find("not a JWT") != std::string::npos);
  CHECK_FALSE(decode_jwt_claims("a.b.c.d", error));
  CHECK_FALSE(decode_jwt_claims("a.!!.c", error));
  CHECK(error.find("base64url") != std::string::npos);
  CHECK_FALSE(decode_jwt_claims("a." + b64url("[1]") + ".c", error));
  CHECK(error.find("JSON object") != std::string::npos);
  CHECK_FALSE(decode_jwt_claims(jwt(R"({"exp":"soon"})"), error));
  CHECK(error.find("exp") != std::string::npos);
}

TEST_CASE("JWT claims: every truncation of the payload is an error") {
  const std::string payload = b64url(R"({"sub":"sluice-oauth-client","exp":1700003600})");
  for (std::size_t n = 0; n < payload.size(); ++n) {
    std::string error;
    auto c = decode_jwt_claims("h." + payload.substr(0, n) + ".s", error);
    INFO("payload cut at " << n);
    CHECK_FALSE(c);  // the closing brace is in the last characters: no prefix is a JSON object
    CHECK_FALSE(error.empty());
  }
}
