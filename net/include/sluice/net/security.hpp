#pragma once
// Security settings of broker connections (docs/SECURITY.md): the transport
// (plain TCP or TLS), TLS verification and client certificates, and the SASL
// mechanism and credentials. Plain values only: OpenSSL stays inside net/src.
// The producer fills them from its public SecuritySettings (sluice/security.hpp)
// in one place, producer/src/net_security.cpp.
//
// Secrets (sasl.password, ssl.key.password) live here because a connection
// needs them; nothing in net/ ever puts them into a message or a log line.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::net {

// security.protocol
enum class SecurityProtocol { plaintext, ssl, sasl_plaintext, sasl_ssl };

// Kafka's names (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), for messages.
// (The properties that name them are the producer's to read:
// producer/src/security_names.hpp.)
const char* to_string(SecurityProtocol p) noexcept;
constexpr bool uses_tls(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::ssl || p == SecurityProtocol::sasl_ssl;
}
constexpr bool uses_sasl(SecurityProtocol p) noexcept {
  return p == SecurityProtocol::sasl_plaintext || p == SecurityProtocol::sasl_ssl;
}

// sasl.mechanism: the ones Sluice implements (GSSAPI is not).
enum class SaslMechanismKind { plain, scram_sha_256, scram_sha_512, oauthbearer };

// IANA names, as brokers spell them: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER.
const char* to_string(SaslMechanismKind m) noexcept;

struct TlsOptions {
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
  // Which properties set ca_location and ca_pem, for error texts: "ssl"
  // (ssl.ca.location, ssl.ca.pem) for brokers, "https" (https.ca.location,
  // https.ca.pem) for the OIDC token endpoint.
  std::string trust_properties = "ssl";
};

class OAuthTokenSource;  // sluice/net/oauth_token.hpp

// OIDC client credentials (KIP-768): where and as whom to ask for tokens.
struct OidcOptions {
  std::string token_endpoint_url;  // sasl.oauthbearer.token.endpoint.url (http:// or https://)
  std::string client_id;           // sasl.oauthbearer.client.id (Java: clientId in sasl.jaas.config)
  std::string client_secret;       // sasl.oauthbearer.client.secret (secret; Java: clientSecret)
  std::string scope;               // sasl.oauthbearer.scope; empty: the endpoint's default
  // Where the secret was set, for error texts ("check <this>").
  std::string secret_property = "sasl.oauthbearer.client.secret";
};

// SASL OAUTHBEARER (RFC 7628): tokens from OIDC or from the application.
struct OAuthBearerOptions {
  bool oidc = false;  // sasl.oauthbearer.method=oidc (or Java's token endpoint URL)
  OidcOptions oidc_options;
  // sasl.oauthbearer.extensions: key=value pairs sent with the token.
  std::vector<std::pair<std::string, std::string>> extensions;
  // A token whose expiry is more than this in the past is refused before
  // use (sasl.oauthbearer.clock.skew.seconds).
  std::chrono::seconds clock_skew{30};
  // A token is renewed once this fraction of its lifetime has passed
  // (sasl.login.refresh.window.factor; librdkafka's fixed 0.8).
  double refresh_window_factor = 0.8;
  // Where connections get their tokens: set by the producer (OIDC or the
  // application's provider), shared by every connection of a producer.
  std::shared_ptr<OAuthTokenSource> token_source;
};

struct SaslOptions {
  SaslMechanismKind mechanism = SaslMechanismKind::plain;
  std::string username;  // sasl.username
  std::string password;  // sasl.password (secret)
  OAuthBearerOptions oauthbearer;  // mechanism OAUTHBEARER
};

struct SecurityOptions {
  SecurityProtocol protocol = SecurityProtocol::plaintext;
  TlsOptions tls;    // used with SSL and SASL_SSL
  SaslOptions sasl;  // used with SASL_PLAINTEXT and SASL_SSL
};

// A TLS setting that cannot be used: the property to blame and why (never the
// value of a secret).
struct TlsSetupError {
  std::string property;  // e.g. "ssl.ca.location"
  std::string message;
};

// Loads the CA store, client certificate and key the way a connection will,
// so a producer can refuse a bad path or key password when it is built
// rather than on every connection attempt. (tls_context.cpp)
std::optional<TlsSetupError> check_tls_options(const TlsOptions& options);

}  // namespace sluice::net
