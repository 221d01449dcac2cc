// net_security_options: the public security settings become net/'s
// connection options field by field, and OAUTHBEARER gets its one token
// source, whose provider failures and exceptions become errors.
#include "net_security.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <stdexcept>

#include "oauth_setup.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/net/sasl_error.hpp"

using namespace sluice;
using sluice::detail::net_security_options;
using sluice::detail::net_tls_options;
using sluice::detail::net_token_endpoint_tls_options;
using sluice::detail::prepare_oauthbearer;

namespace {

ProducerSettings settings(std::map<std::string, std::string> properties) {
  properties["bootstrap.servers"] = "h:1";
  properties.emplace("security.protocol", "SASL_PLAINTEXT");
  properties.emplace("sasl.mechanism", "OAUTHBEARER");
  return Config::from_map(properties).resolve();
}

net::OAuthTokenResult get(net::OAuthTokenSource& source) {
  boost::asio::io_context io;
  std::optional<net::OAuthTokenResult> r;
  source.async_token(io, [&](net::OAuthTokenResult x) { r = std::move(x); });
  CHECK_FALSE(r);  // never inside the call
  io.run();
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("every security setting reaches the connections' options") {
  SecuritySettings s;
  s.protocol = SecurityProtocol::sasl_ssl;
  s.tls = TlsSettings{"ca", false, false, "cert", "key", "key-pw", "ca-pem", "cert-pem", "key-pem",
                      "store", "store-pw", "crl", "ciphers", false, true};
  s.sasl.mechanism = SaslMechanism::scram_sha_512;
  s.sasl.username = "alice";
  s.sasl.password = "pw";
  s.sasl.oauthbearer.oidc = true;
  s.sasl.oauthbearer.oidc_settings = OidcSettings{"http://127.0.0.1:1/t", "cid", "csecret", "scope", "where", "", ""};
  s.sasl.oauthbearer.extensions = {{"k", "v"}};
  s.sasl.oauthbearer.clock_skew = std::chrono::seconds(7);
  s.sasl.oauthbearer.refresh_window_factor = 0.5;
  const net::SecurityOptions n = net_security_options(s, std::chrono::seconds(1));
  CHECK(n.protocol == net::SecurityProtocol::sasl_ssl);
  const net::TlsOptions& t = n.tls;
  CHECK(t.ca_location == "ca");
  CHECK_FALSE(t.verify_certificate);
  CHECK_FALSE(t.verify_hostname);
  CHECK(t.certificate_location == "cert");
  CHECK(t.key_location == "key");
  CHECK(t.key_password == "key-pw");
  CHECK(t.ca_pem == "ca-pem");
  CHECK(t.certificate_pem == "cert-pem");
  CHECK(t.key_pem == "key-pem");
  CHECK(t.keystore_location == "store");
  CHECK(t.keystore_password == "store-pw");
  CHECK(t.crl_location == "crl");
  CHECK(t.cipher_suites == "ciphers");
  CHECK_FALSE(t.tls12);
  CHECK(t.tls13);
  CHECK(n.sasl.mechanism == net::SaslMechanismKind::scram_sha_512);
  CHECK(n.sasl.username == "alice");
  CHECK(n.sasl.password == "pw");
  const net::OAuthBearerOptions& o = n.sasl.oauthbearer;
  CHECK(o.oidc);
  CHECK(o.oidc_options.token_endpoint_url == "http://127.0.0.1:1/t");
  CHECK(o.oidc_options.client_id == "cid");
  CHECK(o.oidc_options.client_secret == "csecret");
  CHECK(o.oidc_options.scope == "scope");
  CHECK(o.oidc_options.secret_property == "where");
  CHECK(o.extensions == std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
  CHECK(o.clock_skew == std::chrono::seconds(7));
  CHECK(o.refresh_window_factor == 0.5);
  CHECK(o.token_source == nullptr);  // not OAUTHBEARER: no tokens wanted
  for (auto [p, want] : {std::pair{SecurityProtocol::plaintext, net::SecurityProtocol::plaintext},
                         std::pair{SecurityProtocol::ssl, net::SecurityProtocol::ssl},
                         std::pair{SecurityProtocol::sasl_plaintext, net::SecurityProtocol::sasl_plaintext}}) {
    s.protocol = p;
    CHECK(net_security_options(s, std::chrono::seconds(1)).protocol == want);
  }
  for (auto [m, want] : {std::pair{SaslMechanism::plain, net::SaslMechanismKind::plain},
                         std::pair{SaslMechanism::scram_sha_256, net::SaslMechanismKind::scram_sha_256}}) {
    s.sasl.mechanism = m;
    CHECK(net_security_options(s, std::chrono::seconds(1)).sasl.mechanism == want);
  }
}

TEST_CASE("the token endpoint's TLS: https.ca.* only, never the brokers' ssl.* settings") {
  OidcSettings oidc;
  oidc.https_ca_location = "https-ca";
  oidc.https_ca_pem = "https-pem";
  const net::TlsOptions t = net_token_endpoint_tls_options(oidc);
  CHECK(t.ca_location == "https-ca");
  CHECK(t.ca_pem == "https-pem");
  CHECK(t.trust_properties == "https");  // errors name https.ca.location / https.ca.pem
  CHECK(t.verify_certificate);
  CHECK(t.verify_hostname);
  CHECK(t.certificate_location.empty());
  CHECK(net_tls_options(TlsSettings{}).trust_properties == "ssl");
}

TEST_CASE("OAUTHBEARER over SASL: one token source, from OIDC or the provider") {
  auto oidc = settings({{"sasl.oauthbearer.method", "oidc"},
                        {"sasl.oauthbearer.token.endpoint.url", "http://127.0.0.1:1/token"},
                        {"sasl.oauthbearer.client.id", "c"},
                        {"sasl.oauthbearer.client.secret", "s"}});
  prepare_oauthbearer(oidc, ProducerOptions{});
  const auto from_oidc = net_security_options(oidc.security, std::chrono::seconds(1));
  CHECK(from_oidc.sasl.oauthbearer.token_source != nullptr);
  CHECK(from_oidc.sasl.mechanism == net::SaslMechanismKind::oauthbearer);
  // Copies of the options share the source (every connection of a producer).
  const auto copy = from_oidc;
  CHECK(copy.sasl.oauthbearer.token_source == from_oidc.sasl.oauthbearer.token_source);
  auto plain = Config::from_map({{"bootstrap.servers", "h:1"}}).resolve();
  CHECK(net_security_options(plain.security, std::chrono::seconds(1)).sasl.oauthbearer.token_source == nullptr);
}

TEST_CASE("the provider's token is cached, its failures, exceptions and expired tokens are errors") {
  int calls = 0;
  std::function<OAuthBearerTokenResult()> next;
  ProducerOptions options;
  options.oauthbearer_token_provider = [&] {
    ++calls;
    return next();
  };
  auto s = settings({});
  prepare_oauthbearer(s, options);
  const auto net = net_security_options(s.security, std::chrono::seconds(1));
  REQUIRE(net.sasl.oauthbearer.token_source != nullptr);
  auto& source = *net.sasl.oauthbearer.token_source;

  next = [] { return OAuthBearerTokenResult::failure("the vault is sealed"); };
  auto r = get(source);
  CHECK(r.error == sluice::net::sasl_errc::oauth_token_unavailable);
  CHECK(r.message.find("the vault is sealed") != std::string::npos);

  next = []() -> OAuthBearerTokenResult { throw std::runtime_error("boom"); };
  r = get(source);
  CHECK(r.message.find("threw: boom") != std::string::npos);

  next = [] {
    return OAuthBearerToken{"expired-token", std::chrono::system_clock::now() - std::chrono::minutes(5), "p", {}};
  };
  r = get(source);
  CHECK(r.error == sluice::net::sasl_errc::oauth_token_expired);
  CHECK(r.message.find("sasl.oauthbearer.clock.skew.seconds") != std::string::npos);
  CHECK(r.message.find("expired-token") == std::string::npos);

  next = [] {
    return OAuthBearerToken{"good", std::chrono::system_clock::now() + std::chrono::hours(1), "p", {{"k", "v"}}};
  };
  calls = 0;
  r = get(source);
  REQUIRE(r.token);
  CHECK(r.token->value == "good");
  CHECK(r.token->extensions == std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
  r = get(source);
  REQUIRE(r.token);
  CHECK(calls == 1);  // fresh: not asked again
}
