// sasl.mechanism=OAUTHBEARER: where tokens come from, under librdkafka's
// names (sasl.oauthbearer.method=oidc, sasl.oauthbearer.client.id, ...) or
// Java's (sasl.oauthbearer.token.endpoint.url with clientId, clientSecret
// and scope in sasl.jaas.config's OAuthBearerLoginModule line). Without
// OIDC settings the application's token provider must give the tokens
// (checked when the producer is built: oauth_setup.cpp).
#include "config_properties.hpp"
#include "sluice/config.hpp"
#include "jaas_config.hpp"
#include "net_security.hpp"
#include "sluice/net/oidc_token_request.hpp"

namespace sluice {

void Config::resolve_oauthbearer(ProducerSettings& s) const {
  auto& o = s.security.sasl.oauthbearer;
  auto& oidc = o.oidc_settings;
  oidc.token_endpoint_url = value_of("sasl.oauthbearer.token.endpoint.url");
  oidc.client_id = value_of("sasl.oauthbearer.client.id");
  oidc.client_secret = value_of("sasl.oauthbearer.client.secret");
  oidc.scope = value_of("sasl.oauthbearer.scope");
  // The https token endpoint's own trust (librdkafka's https.ca.*; "probe":
  // the system's store, which is where librdkafka's probing looks too).
  // Loaded now, so a wrong path fails here rather than at the first token.
  oidc.https_ca_location = value_of("https.ca.location") == "probe" ? "" : value_of("https.ca.location");
  oidc.https_ca_pem = value_of("https.ca.pem");
  if (!oidc.https_ca_location.empty() || !oidc.https_ca_pem.empty()) {
    if (auto e = net::check_tls_options(detail::net_token_endpoint_tls_options(oidc))) {
      throw ConfigError(e->property, "property '" + e->property + "': " + e->message);
    }
  }
  std::string why;
  o.extensions = *detail::parse_sasl_extensions(value_of("sasl.oauthbearer.extensions"), why);
  o.clock_skew = std::chrono::seconds(*detail::parse_int(value_of("sasl.oauthbearer.clock.skew.seconds")));
  if (is_set("sasl.username") || is_set("sasl.password")) {
    s.warnings.push_back(std::string(is_set("sasl.username") ? "sasl.username" : "sasl.password") +
                         " is set but sasl.mechanism=OAUTHBEARER uses tokens: it has no effect");
  }
  if (is_set("sasl.jaas.config")) {
    auto jaas = detail::parse_jaas_config(value_of("sasl.jaas.config"), why);
    if (!jaas->oauthbearer) {
      throw ConfigError("sasl.jaas.config", std::string("property 'sasl.jaas.config' names ") +
                                                (jaas->scram ? "ScramLoginModule" : "PlainLoginModule") +
                                                " but sasl.mechanism is OAUTHBEARER: use "
                                                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule");
    }
    const bool jaas_client = !jaas->client_id.empty();
    if (jaas_client && (is_set("sasl.oauthbearer.client.id") || is_set("sasl.oauthbearer.client.secret"))) {
      throw ConfigError("sasl.jaas.config", "properties 'sasl.jaas.config' (clientId, clientSecret) and "
                                            "'sasl.oauthbearer.client.id'/'sasl.oauthbearer.client.secret' both give "
                                            "the OIDC client: set one of them");
    }
    if (jaas_client) {
      oidc.client_id = std::move(jaas->client_id);
      oidc.client_secret = std::move(jaas->client_secret);
      oidc.secret_property = "clientSecret in sasl.jaas.config";
    }
    if (!jaas->scope.empty()) {
      if (is_set("sasl.oauthbearer.scope")) {
        throw ConfigError("sasl.jaas.config", "properties 'sasl.jaas.config' (scope) and 'sasl.oauthbearer.scope' "
                                              "both give the scope: set one of them");
      }
      oidc.scope = std::move(jaas->scope);
    }
    for (auto& e : jaas->extensions) o.extensions.push_back(std::move(e));
  }
  // librdkafka: sasl.oauthbearer.method=oidc. Java has no such property:
  // a token endpoint URL means OIDC.
  const bool method_set = is_set("sasl.oauthbearer.method");
  o.oidc = method_set ? value_of("sasl.oauthbearer.method") == "oidc" : !oidc.token_endpoint_url.empty();
  if (!o.oidc) {
    for (const char* n : {"sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.client.id",
                          "sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope"}) {
      if (is_set(n)) {
        throw ConfigError(n, "property '" + std::string(n) +
                                 "' is set but sasl.oauthbearer.method=default (tokens from the application): set "
                                 "sasl.oauthbearer.method=oidc to use OIDC client credentials");
      }
    }
    return;
  }
  if (oidc.token_endpoint_url.empty()) {
    throw ConfigError("sasl.oauthbearer.token.endpoint.url",
                      "sasl.oauthbearer.method=oidc needs sasl.oauthbearer.token.endpoint.url (the OIDC token "
                      "endpoint, e.g. https://idp.example.com/oauth2/token)");
  }
  if (net::parse_http_url(oidc.token_endpoint_url, why) == std::nullopt) {
    throw ConfigError("sasl.oauthbearer.token.endpoint.url", "property 'sasl.oauthbearer.token.endpoint.url' has "
                                                             "invalid value '" + oidc.token_endpoint_url + "': " + why);
  }
  if (oidc.client_id.empty() || oidc.client_secret.empty()) {
    const bool java = is_set("sasl.jaas.config") || !method_set;
    throw ConfigError(oidc.client_id.empty() ? "sasl.oauthbearer.client.id" : "sasl.oauthbearer.client.secret",
                      "OIDC client credentials need a client id and secret: set " +
                          std::string(java ? "clientId and clientSecret in sasl.jaas.config "
                                             "(org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule)"
                                           : "sasl.oauthbearer.client.id and sasl.oauthbearer.client.secret"));
  }
}

}  // namespace sluice
