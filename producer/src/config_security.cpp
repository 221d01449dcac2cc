// security.protocol with its ssl.* and sasl.* settings (docs/SECURITY.md):
// what the protocol needs must be there (and loadable, for files and PEM
// text); what it does not use is a warning, never silently ignored.
#include <cctype>

#include "config_properties.hpp"
#include "sluice/config.hpp"
#include "jaas_config.hpp"
#include "net_security.hpp"
#include "security_names.hpp"

namespace sluice {

namespace {

std::string upper(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

constexpr const char* kTlsProperties[] = {
    "ssl.ca.location",       "ssl.ca.pem",         "ssl.crl.location",
    "ssl.certificate.location", "ssl.certificate.pem", "ssl.key.location",
    "ssl.key.pem",           "ssl.key.password",   "ssl.keystore.location",
    "ssl.keystore.password", "ssl.keystore.type",  "ssl.enabled.protocols",
    "ssl.cipher.suites",     "enable.ssl.certificate.verification", "ssl.endpoint.identification.algorithm",
    "ssl.truststore.type"};

constexpr const char* kSaslProperties[] = {
    "sasl.mechanism", "sasl.username", "sasl.password", "sasl.jaas.config", "sasl.oauthbearer.method",
    "sasl.oauthbearer.token.endpoint.url", "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret",
    "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions", "sasl.oauthbearer.clock.skew.seconds",
    "sasl.login.callback.handler.class"};

}  // namespace

void Config::resolve_tls(ProducerSettings& s) const {
  auto& tls = s.security.tls;
  tls.ca_location = value_of("ssl.ca.location");
  if (is_set("ssl.ca.location") && name_used("ssl.ca.location") == "ssl.truststore.location" &&
      upper(value_of("ssl.truststore.type")) != "PEM") {
    throw ConfigError("ssl.truststore.location",
                      "property 'ssl.truststore.location' needs ssl.truststore.type=PEM: JKS/PKCS12 truststores are "
                      "not supported: use PEM (or set ssl.ca.location to a PEM file)");
  }
  tls.ca_pem = value_of("ssl.ca.pem");
  tls.verify_certificate = value_of("enable.ssl.certificate.verification") == "true";
  tls.verify_hostname = value_of("ssl.endpoint.identification.algorithm") == "https";
  tls.certificate_location = value_of("ssl.certificate.location");
  tls.certificate_pem = value_of("ssl.certificate.pem");
  tls.key_location = value_of("ssl.key.location");
  tls.key_pem = value_of("ssl.key.pem");
  tls.key_password = value_of("ssl.key.password");
  tls.keystore_location = value_of("ssl.keystore.location");
  tls.keystore_password = value_of("ssl.keystore.password");
  tls.crl_location = value_of("ssl.crl.location");
  tls.cipher_suites = value_of("ssl.cipher.suites");
  const std::string protocols = value_of("ssl.enabled.protocols");
  tls.tls12 = protocols.find("TLSv1.2") != std::string::npos;
  tls.tls13 = protocols.find("TLSv1.3") != std::string::npos;
  if (is_set("ssl.keystore.password") && !is_set("ssl.keystore.location")) {
    throw ConfigError("ssl.keystore.password",
                      "property 'ssl.keystore.password' is set but ssl.keystore.location is not: set the PKCS#12 file");
  }
  // Loaded whatever the protocol: a path that does not exist is an error
  // now, not a surprise on the day TLS is switched on.
  if (auto e = net::check_tls_options(detail::net_tls_options(tls))) {
    throw ConfigError(e->property, "property '" + e->property + "': " + e->message);
  }
}

void Config::resolve_security(ProducerSettings& s) const {
  auto& sec = s.security;
  sec.protocol = *detail::security_protocol_from_name(value_of("security.protocol"));
  const std::string protocol = to_string(sec.protocol);
  sec.sasl.mechanism = *detail::sasl_mechanism_from_name(value_of("sasl.mechanism"));
  sec.sasl.username = value_of("sasl.username");
  sec.sasl.password = value_of("sasl.password");
  const bool oauthbearer = sec.sasl.mechanism == SaslMechanism::oauthbearer;
  if (is_set("sasl.jaas.config") && !oauthbearer) {  // OAUTHBEARER's is resolve_oauthbearer's
    if (is_set("sasl.username") || is_set("sasl.password")) {
      throw ConfigError("sasl.jaas.config", "properties 'sasl.jaas.config' and 'sasl.username'/'sasl.password' both "
                                            "give SASL credentials: set one of them");
    }
    std::string why;
    auto jaas = detail::parse_jaas_config(value_of("sasl.jaas.config"), why);
    const bool scram = sec.sasl.mechanism != SaslMechanism::plain;
    if (jaas->oauthbearer || jaas->scram != scram) {
      throw ConfigError("sasl.jaas.config", std::string("property 'sasl.jaas.config' names ") +
                                                (jaas->oauthbearer ? "OAuthBearerLoginModule"
                                                 : jaas->scram     ? "ScramLoginModule"
                                                                   : "PlainLoginModule") +
                                                " but sasl.mechanism is " + to_string(sec.sasl.mechanism));
    }
    sec.sasl.username = std::move(jaas->username);
    sec.sasl.password = std::move(jaas->password);
  }
  if (oauthbearer) {
    resolve_oauthbearer(s);
  } else if (uses_sasl(sec.protocol)) {
    if (sec.sasl.username.empty() || sec.sasl.password.empty()) {
      throw ConfigError(sec.sasl.username.empty() ? "sasl.username" : "sasl.password",
                        "security.protocol=" + protocol +
                            " needs SASL credentials: set sasl.username and sasl.password (or sasl.jaas.config)");
    }
  }
  if (!uses_sasl(sec.protocol)) {
    for (const char* n : kSaslProperties) {
      if (is_set(n)) {
        s.warnings.push_back(name_used(n) + " is set but security.protocol=" + protocol +
                             " uses no SASL: it has no effect");
      }
    }
  }
  // https.ca.*: the trust of an https token endpoint, nothing else.
  const auto& bearer = sec.sasl.oauthbearer;
  const bool https_endpoint = uses_sasl(sec.protocol) && oauthbearer && bearer.oidc &&
                              bearer.oidc_settings.token_endpoint_url.starts_with("https://");
  for (const char* n : {"https.ca.location", "https.ca.pem"}) {
    if (is_set(n) && !https_endpoint) {
      s.warnings.push_back(std::string(n) + " is set but no https:// token endpoint is used "
                                            "(sasl.mechanism=OAUTHBEARER with an https:// "
                                            "sasl.oauthbearer.token.endpoint.url): it has no effect");
    }
  }
  bool any_tls = false;
  for (const char* n : kTlsProperties) any_tls = any_tls || is_set(n);
  if (uses_tls(sec.protocol) || any_tls) resolve_tls(s);
  if (!uses_tls(sec.protocol)) {
    for (const char* n : kTlsProperties) {
      if (is_set(n)) {
        s.warnings.push_back(name_used(n) + " is set but security.protocol=" + protocol +
                             " uses no TLS: it has no effect");
      }
    }
  }
}

}  // namespace sluice
