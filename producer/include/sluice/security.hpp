#pragma once
// The producer's security settings (docs/SECURITY.md): security.protocol,
// the ssl.* and sasl.* properties as Config::resolve() reads them, and
// the application's OAUTHBEARER token provider. ProducerSettings::security
// holds them; the producer hands them to its connections.
//
// Secrets (sasl.password, ssl.key.password, ssl.key.pem,
// ssl.keystore.password, sasl.oauthbearer.client.secret) are here as set:
// the producer never puts them into a message or a log line, and neither
// should an application that prints settings.
#include "sluice/export.hpp"
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "sluice/oauth.hpp"

namespace sluice {

// security.protocol
enum class SecurityProtocol { plaintext, ssl, sasl_plaintext, sasl_ssl };

// Kafka's name: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.
SLUICE_API const char* to_string(SecurityProtocol protocol) noexcept;
constexpr bool uses_tls(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::ssl || p == SecurityProtocol::sasl_ssl;
}
constexpr bool uses_sasl(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::sasl_plaintext || p == SecurityProtocol::sasl_ssl;
}

// sasl.mechanism: the ones Sluice implements (GSSAPI is not).
enum class SaslMechanism { plain, scram_sha_256, scram_sha_512, oauthbearer };

// The IANA name, as brokers spell it: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER.
SLUICE_API const char* to_string(SaslMechanism mechanism) noexcept;

struct TlsSettings {
  // ssl.ca.location: a PEM file of trusted CA certificates, or a directory of
  // them in OpenSSL's hashed layout (`openssl rehash`); empty: the system's
  // default trust store.
  std::string ca_location;
  bool verify_certificate = true;  // enable.ssl.certificate.verification
  bool verify_hostname = true;     // ssl.endpoint.identification.algorithm=https (none: false)
  // Client certificate for mutual TLS (PEM): the certificate (chain) and its
  // private key, encrypted with key_password if that is set.
  std::string certificate_location;  // ssl.certificate.location
  std::string key_location;          // ssl.key.location
  std::string key_password;          // ssl.key.password (secret)
  // The same in memory (PEM text) instead of files: ssl.ca.pem,
  // ssl.certificate.pem, ssl.key.pem (secret). One source each.
  std::string ca_pem;
  std::string certificate_pem;
  std::string key_pem;
  // Client certificate, chain and key from one PKCS#12 file
  // (ssl.keystore.location, ssl.keystore.password: secret), instead of
  // the PEM certificate and key.
  std::string keystore_location;
  std::string keystore_password;
  // ssl.crl.location: a PEM file of CRLs; a revoked certificate in the
  // broker's chain then fails verification. Empty: no revocation check.
  std::string crl_location;
  // ssl.cipher.suites: OpenSSL cipher names or IANA suite names, ',' or
  // ':' separated; TLS 1.3 suites and TLS 1.2 ciphers alike. Empty:
  // OpenSSL's defaults.
  std::string cipher_suites;
  // ssl.enabled.protocols: which of TLS 1.2 and 1.3 are offered.
  bool tls12 = true;
  bool tls13 = true;
};

// OIDC client credentials (KIP-768): where and as whom to ask for tokens.
struct OidcSettings {
  std::string token_endpoint_url;  // sasl.oauthbearer.token.endpoint.url (http:// or https://)
  std::string client_id;           // sasl.oauthbearer.client.id (Java: clientId in sasl.jaas.config)
  std::string client_secret;       // sasl.oauthbearer.client.secret (secret; Java: clientSecret)
  std::string scope;               // sasl.oauthbearer.scope; empty: the endpoint's default
  // Where the secret was set, for error texts ("check <this>").
  std::string secret_property = "sasl.oauthbearer.client.secret";
  // The CA certificates that verify an https:// token endpoint, as
  // librdkafka names them: https.ca.location (a PEM file, or a directory
  // hashed by `openssl rehash`) or https.ca.pem (PEM text); both empty: the
  // system's default trust store. The brokers' ssl.* settings do not apply.
  std::string https_ca_location;
  std::string https_ca_pem;
};

// SASL OAUTHBEARER (RFC 7628): tokens from OIDC or from the application.
struct OAuthBearerSettings {
  bool oidc = false;  // sasl.oauthbearer.method=oidc (or Java's token endpoint URL)
  OidcSettings oidc_settings;
  // sasl.oauthbearer.extensions: key=value pairs sent with the token.
  std::vector<std::pair<std::string, std::string>> extensions;
  // A token whose expiry is more than this in the past is refused before
  // use (sasl.oauthbearer.clock.skew.seconds).
  std::chrono::seconds clock_skew{30};
  // A token is renewed once this fraction of its lifetime has passed
  // (sasl.login.refresh.window.factor; librdkafka's fixed 0.8).
  double refresh_window_factor = 0.8;
  // The application's tokens (sluice/oauth.hpp): the producer takes it from
  // ProducerOptions::oauthbearer_token_provider. Exactly one of it and
  // `oidc` gives the tokens.
  OAuthBearerTokenProvider token_provider;
};

struct SaslSettings {
  SaslMechanism mechanism = SaslMechanism::plain;
  std::string username;  // sasl.username (or sasl.jaas.config's)
  std::string password;  // sasl.password (secret)
  OAuthBearerSettings oauthbearer;  // mechanism OAUTHBEARER
};

struct SecuritySettings {
  SecurityProtocol protocol = SecurityProtocol::plaintext;
  TlsSettings tls;    // used with SSL and SASL_SSL
  SaslSettings sasl;  // used with SASL_PLAINTEXT and SASL_SSL
};

}  // namespace sluice
