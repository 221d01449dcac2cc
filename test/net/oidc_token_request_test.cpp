// One OIDC token request without I/O: URLs, the request's bytes (Basic
// auth, form body), and the answer read in any pieces (split at every
// byte) and judged: a token with its JWT exp, 401 as a refused client
// naming the endpoint, client id and secret property, errors otherwise.
#include <catch2/catch.hpp>

#include "sluice/net/base64.hpp"
#include "sluice/net/oidc_token_request.hpp"
#include "sluice/net/sasl_error.hpp"

using namespace sluice::net;
using namespace std::chrono_literals;

namespace {

std::string b64url(const std::string& s) {
  std::string out = base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

const WallClock::time_point now = WallClock::time_point(std::chrono::seconds(1'700'000'000));
const std::string kJwt = b64url(R"({"alg":"RS256"})") + "." +
                         b64url(R"({"sub":"sluice-oauth-client","iat":1700000000,"exp":1700003600})") + ".c2ln";

OidcOptions options() {
  OidcOptions o;
  o.token_endpoint_url = "http://127.0.0.1:30280/token";
  o.client_id = "sluice-oauth-client";
  o.client_secret = "s3cret&=+ x";
  o.scope = "kafka kafka.produce";
  return o;
}

std::string http(unsigned status, const std::string& reason, const std::string& body) {
  return "HTTP/1.0 " + std::to_string(status) + " " + reason + "\r\nServer: x\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string kOk =
    http(200, "OK", R"({"access_token":")" + kJwt + R"(","token_type":"Bearer","expires_in":3600,"scope":"kafka"})");

}  // namespace

TEST_CASE("token URL: scheme, host, port, target") {
  std::string error;
  auto u = parse_http_url("http://127.0.0.1:30280/token", error);
  REQUIRE(u);
  CHECK_FALSE(u->tls);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == "30280");
  CHECK(u->target == "/token");
  u = parse_http_url("https://idp.example.com", error);
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->port == "443");
  CHECK(u->target == "/");
  u = parse_http_url("https://[::1]:8443/oauth2/token?tenant=a", error);
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->port == "8443");
  CHECK(u->target == "/oauth2/token?tenant=a");
  for (const char* bad : {"ftp://x/", "http://", "http://user:pw@host/", "http://h:0/", "http://h:65536/",
                          "http://h:x/", "http://h/#frag", "http://[::1/"}) {
    INFO(bad);
    CHECK_FALSE(parse_http_url(bad, error));
    CHECK_FALSE(error.empty());
    CHECK(error.find("pw") == std::string::npos);
  }
}

TEST_CASE("token request: POST, Basic auth of the form-encoded id and secret, client_credentials and scope") {
  std::string error;
  const auto u = *parse_http_url("http://127.0.0.1:30280/token", error);
  const std::string r = token_request_bytes(u, options());
  CHECK(r.rfind("POST /token HTTP/1.1\r\nHost: 127.0.0.1:30280\r\n", 0) == 0);
  const std::string credentials = "sluice-oauth-client:s3cret%26%3D%2B+x";
  const std::string basic =
      base64_encode({reinterpret_cast<const std::uint8_t*>(credentials.data()), credentials.size()});
  CHECK(r.find("\r\nAuthorization: Basic " + basic + "\r\n") != std::string::npos);
  CHECK(r.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") != std::string::npos);
  const std::string body = "grant_type=client_credentials&scope=kafka+kafka.produce";
  CHECK(r.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  CHECK(r.substr(r.size() - body.size()) == body);
  auto o = options();
  o.scope.clear();
  const std::string r2 = token_request_bytes(u, o);
  CHECK(r2.ends_with("\r\n\r\ngrant_type=client_credentials"));
}

TEST_CASE("token answer: split at every byte, the same token with the JWT's exp and sub") {
  for (std::size_t cut = 0; cut <= kOk.size(); ++cut) {
    TokenResponseReader reader;
    REQUIRE(reader.feed(std::string_view(kOk).substr(0, cut)));
    if (cut < kOk.size()) {
      CHECK_FALSE(reader.done());
      REQUIRE(reader.feed(std::string_view(kOk).substr(cut)));
    }
    REQUIRE(reader.done());
    const auto r = reader.result(options(), now);
    INFO("cut at " << cut << ": " << r.message);
    REQUIRE(r.token);
    CHECK(r.token->value == kJwt);
    CHECK(r.token->expiry == WallClock::time_point(std::chrono::seconds(1700003600)));
    CHECK(r.token->received == now);
    CHECK(r.token->principal == "sluice-oauth-client");
  }
}

TEST_CASE("token answer: byte by byte, and with the body ended by the connection closing") {
  TokenResponseReader reader;
  for (char c : kOk) REQUIRE(reader.feed(std::string_view(&c, 1)));
  REQUIRE(reader.done());
  CHECK(reader.result(options(), now).token);
  const std::string body = R"({"access_token":"opaque","expires_in":60})";
  TokenResponseReader until_close;
  REQUIRE(until_close.feed("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body));
  CHECK_FALSE(until_close.done());
  until_close.on_eof();
  REQUIRE(until_close.done());
  const auto r = until_close.result(options(), now);
  REQUIRE(r.token);
  CHECK(r.token->expiry == now + 60s);  // not a JWT: expires_in
  CHECK(r.token->principal == "sluice-oauth-client");
}

TEST_CASE("token answer: every truncation is an error, never a token") {
  for (std::size_t cut = 0; cut < kOk.size(); ++cut) {
    TokenResponseReader reader;
    reader.feed(std::string_view(kOk).substr(0, cut));
    reader.on_eof();
    REQUIRE(reader.done());
    const auto r = reader.result(options(), now);
    INFO("cut at " << cut);
    CHECK_FALSE(r.token);
    CHECK(r.error == sasl_errc::oauth_bad_token_response);
    CHECK(r.message.find("http://127.0.0.1:30280/token") != std::string::npos);
  }
}

TEST_CASE("token answer: 401 is a refused client naming endpoint, client id and the secret's property") {
  const auto r = interpret_token_response(
      401, R"({"error":"invalid_client","error_description":"wrong client secret 'sluice-oauth-client'"})", options(),
      now);
  CHECK_FALSE(r.token);
  CHECK(r.error == sasl_errc::oauth_client_refused);
  CHECK(r.message.find("token endpoint http://127.0.0.1:30280/token") != std::string::npos);
  CHECK(r.message.find("client id 'sluice-oauth-client'") != std::string::npos);
  CHECK(r.message.find("HTTP 401 invalid_client: wrong client secret") != std::string::npos);
  CHECK(r.message.find("check sasl.oauthbearer.client.secret") != std::string::npos);
  CHECK(r.message.find("s3cret") == std::string::npos);
  auto java = options();
  java.secret_property = "clientSecret in sasl.jaas.config";
  CHECK(interpret_token_response(401, "", java, now).message.find("check clientSecret in sasl.jaas.config") !=
        std::string::npos);
}

TEST_CASE("token answer: other errors and unusable tokens") {
  auto r = interpret_token_response(400, R"({"error":"invalid_scope","error_description":"no"})", options(), now);
  CHECK(r.error == sasl_errc::oauth_token_endpoint_error);
  CHECK(r.message.find("sasl.oauthbearer.scope") != std::string::npos);
  r = interpret_token_response(500, "<html>", options(), now);
  CHECK(r.error == sasl_errc::oauth_token_endpoint_error);
  CHECK(r.message.find("HTTP 500") != std::string::npos);
  r = interpret_token_response(200, "[]", options(), now);
  CHECK(r.error == sasl_errc::oauth_bad_token_response);
  r = interpret_token_response(200, R"({"token_type":"Bearer"})", options(), now);
  CHECK(r.message.find("no access_token") != std::string::npos);
  r = interpret_token_response(200, R"({"access_token":"x","token_type":"mac","expires_in":5})", options(), now);
  CHECK(r.message.find("not Bearer") != std::string::npos);
  r = interpret_token_response(200, R"({"access_token":"opaque"})", options(), now);
  CHECK(r.message.find("expiry is unknown") != std::string::npos);
  CHECK(r.message.find("opaque") == std::string::npos);
}
