// sasl.mechanism=OAUTHBEARER's settings under librdkafka's names and Java's
// (token endpoint URL + OAuthBearerLoginModule's clientId/clientSecret/scope),
// what each combination requires, and the client secret never echoed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "config_test_support.hpp"
#include "sluice/config.hpp"

using sluice::Config;
using sluice::SaslMechanism;
using sluice::test::contains;
using sluice::test::error_of;

namespace {

// Every case here is OAUTHBEARER's.
constexpr auto& resolve = sluice::test::resolve_oauthbearer;

const std::string kJavaJaas =
    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"cid\" "
    "clientSecret=\"hunter2\" scope=\"kafka\" extension_logicalCluster=\"lkc-1\";";

}  // namespace

TEST_CASE("OAUTHBEARER, librdkafka's spelling: method=oidc with the sasl.oauthbearer.* properties") {
  const auto s = resolve({{"sasl.oauthbearer.method", "oidc"},
                          {"sasl.oauthbearer.token.endpoint.url", "http://127.0.0.1:1/token"},
                          {"sasl.oauthbearer.client.id", "cid"},
                          {"sasl.oauthbearer.client.secret", "hunter2"},
                          {"sasl.oauthbearer.scope", "kafka"},
                          {"sasl.oauthbearer.extensions", "logicalCluster=lkc-1,identityPoolId=pool-2"}});
  const auto& o = s.security.sasl.oauthbearer;
  CHECK(s.security.sasl.mechanism == SaslMechanism::oauthbearer);
  CHECK(o.oidc);
  CHECK(o.oidc_settings.token_endpoint_url == "http://127.0.0.1:1/token");
  CHECK(o.oidc_settings.client_id == "cid");
  CHECK(o.oidc_settings.client_secret == "hunter2");
  CHECK(o.oidc_settings.scope == "kafka");
  CHECK(o.oidc_settings.secret_property == "sasl.oauthbearer.client.secret");
  CHECK(o.extensions == std::vector<std::pair<std::string, std::string>>{{"logicalCluster", "lkc-1"},
                                                                          {"identityPoolId", "pool-2"}});
  CHECK(o.clock_skew == std::chrono::seconds(30));
  CHECK(s.warnings.empty());
}

TEST_CASE("OAUTHBEARER, Java's spelling: the token endpoint URL and the OAuthBearerLoginModule line") {
  const auto s = resolve(
      {{"sasl.login.callback.handler.class",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler"},
       {"sasl.oauthbearer.token.endpoint.url", "https://idp.example.com/oauth2/token"},
       {"sasl.jaas.config", kJavaJaas},
       {"sasl.oauthbearer.clock.skew.seconds", "5"}});
  const auto& o = s.security.sasl.oauthbearer;
  CHECK(o.oidc);  // no method property in Java: the URL means OIDC
  CHECK(o.oidc_settings.client_id == "cid");
  CHECK(o.oidc_settings.client_secret == "hunter2");
  CHECK(o.oidc_settings.scope == "kafka");
  CHECK(o.oidc_settings.secret_property == "clientSecret in sasl.jaas.config");
  CHECK(o.extensions == std::vector<std::pair<std::string, std::string>>{{"logicalCluster", "lkc-1"}});
  CHECK(o.clock_skew == std::chrono::seconds(5));
  // Kafka 3.x's package name of the handler is accepted too; other classes are not.
  CHECK_NOTHROW(Config().set("sasl.login.callback.handler.class",
                             "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler"));
  auto e = error_of([] { Config().set("sasl.login.callback.handler.class", "com.example.MyHandler"); });
  CHECK(e.property == "sasl.login.callback.handler.class");
  CHECK(contains(e.message, "oauthbearer_token_provider"));
}

TEST_CASE("OAUTHBEARER without OIDC settings: tokens from the application (checked when the producer is built)") {
  const auto s = resolve({});
  CHECK_FALSE(s.security.sasl.oauthbearer.oidc);
  const auto j = resolve({{"sasl.jaas.config",
                           "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"}});
  CHECK_FALSE(j.security.sasl.oauthbearer.oidc);
}

TEST_CASE("OAUTHBEARER: what OIDC needs, and contradictions, are named") {
  auto e = error_of([] { resolve({{"sasl.oauthbearer.method", "oidc"}}); });
  CHECK(e.property == "sasl.oauthbearer.token.endpoint.url");
  e = error_of([] {
    resolve({{"sasl.oauthbearer.method", "oidc"}, {"sasl.oauthbearer.token.endpoint.url", "http://h/t"}});
  });
  CHECK(e.property == "sasl.oauthbearer.client.id");
  CHECK(contains(e.message, "sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"));
  e = error_of([] { resolve({{"sasl.oauthbearer.token.endpoint.url", "http://h/t"}}); });  // Java's form
  CHECK(contains(e.message, "clientId and clientSecret in sasl.jaas.config"));
  e = error_of([] {
    resolve({{"sasl.oauthbearer.method", "oidc"},
             {"sasl.oauthbearer.token.endpoint.url", "ftp://h/t"},
             {"sasl.oauthbearer.client.id", "c"},
             {"sasl.oauthbearer.client.secret", "hunter2"}});
  });
  CHECK(e.property == "sasl.oauthbearer.token.endpoint.url");
  CHECK(contains(e.message, "http:// or https://"));
  CHECK_FALSE(contains(e.message, "hunter2"));
  e = error_of([] { resolve({{"sasl.oauthbearer.method", "default"}, {"sasl.oauthbearer.client.id", "c"}}); });
  CHECK(e.property == "sasl.oauthbearer.client.id");
  CHECK(contains(e.message, "sasl.oauthbearer.method=oidc"));
  e = error_of([] {
    resolve({{"sasl.oauthbearer.token.endpoint.url", "http://h/t"},
             {"sasl.jaas.config", kJavaJaas},
             {"sasl.oauthbearer.client.secret", "other"}});
  });
  CHECK(e.property == "sasl.jaas.config");
  CHECK_FALSE(contains(e.message, "hunter2"));
  e = error_of([] {
    resolve({{"sasl.jaas.config",
              "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b\";"}});
  });
  CHECK(contains(e.message, "PlainLoginModule but sasl.mechanism is OAUTHBEARER"));
  e = error_of([] { Config().set("sasl.oauthbearer.method", "jwt"); });
  CHECK(e.property == "sasl.oauthbearer.method");
  e = error_of([] { Config().set("sasl.oauthbearer.extensions", "auth=x"); });
  CHECK(e.property == "sasl.oauthbearer.extensions");
  e = error_of([] { Config().set("sasl.oauthbearer.clock.skew.seconds", "-1"); });
  CHECK(e.property == "sasl.oauthbearer.clock.skew.seconds");
}

TEST_CASE("OAUTHBEARER settings under a protocol without SASL are warnings, the secret is never shown") {
  const auto s = Config::from_map({{"bootstrap.servers", "h:1"},
                                   {"sasl.oauthbearer.client.secret", "hunter2"},
                                   {"sasl.oauthbearer.token.endpoint.url", "http://h/t"}})
                     .resolve();
  REQUIRE(s.warnings.size() == 2);
  for (const auto& w : s.warnings) {
    CHECK(contains(w, "uses no SASL"));
    CHECK_FALSE(contains(w, "hunter2"));
  }
}

TEST_CASE("https.ca.location / https.ca.pem: the token endpoint's own trust, checked when resolved") {
  const std::map<std::string, std::string> oidc = {{"sasl.oauthbearer.method", "oidc"},
                                                   {"sasl.oauthbearer.token.endpoint.url", "https://h/t"},
                                                   {"sasl.oauthbearer.client.id", "c"},
                                                   {"sasl.oauthbearer.client.secret", "hunter2"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    extra.insert(oidc.begin(), oidc.end());
    return resolve(extra);
  };
  // Default: the system's store (both empty); librdkafka's "probe" means the same.
  CHECK(with({}).security.sasl.oauthbearer.oidc_settings.https_ca_location.empty());
  CHECK(with({{"https.ca.location", "probe"}}).security.sasl.oauthbearer.oidc_settings.https_ca_location.empty());
  const std::string dir = std::filesystem::temp_directory_path().string();  // a (hashed) directory loads
  const auto s = with({{"https.ca.location", dir}, {"ssl.ca.location", dir}});
  CHECK(s.security.sasl.oauthbearer.oidc_settings.https_ca_location == dir);
  CHECK(s.warnings.size() == 1);  // ssl.ca.location under SASL_PLAINTEXT; https.ca.location is used
  auto e = error_of([&] { with({{"https.ca.location", "/nonexistent/ca.pem"}}); });
  CHECK(e.property == "https.ca.location");
  CHECK(contains(e.message, "https.ca.location '/nonexistent/ca.pem' does not exist"));
  e = error_of([&] { with({{"https.ca.pem", "not a certificate"}}); });
  CHECK(e.property == "https.ca.pem");
  CHECK(contains(e.message, "no PEM certificate"));
  e = error_of([&] { with({{"https.ca.pem", "x"}, {"https.ca.location", dir}}); });
  CHECK(e.property == "https.ca.pem");
  CHECK(contains(e.message, "set one of them"));
  // Where no https endpoint is used it does nothing, and says so.
  for (const auto& url : {std::string("http://h/t"), std::string()}) {
    std::map<std::string, std::string> p = {{"https.ca.location", dir}};
    if (!url.empty()) {
      p.insert(oidc.begin(), oidc.end());
      p["sasl.oauthbearer.token.endpoint.url"] = url;
    }
    const auto w = resolve(p).warnings;
    INFO(url);
    REQUIRE(w.size() == 1);
    CHECK(contains(w[0], "https.ca.location is set but no https:// token endpoint is used"));
  }
}
