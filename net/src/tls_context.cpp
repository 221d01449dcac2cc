#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <filesystem>

#include "sluice/net/net_error.hpp"

namespace sluice::net {

namespace detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

// The oldest queued OpenSSL error in words (then the queue is cleared, so a
// later failure does not report a stale error).
std::string openssl_error() {
  const unsigned long code = ERR_peek_error();
  std::string out;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out = buf;
  } else {
    out = "unknown OpenSSL error";
  }
  ERR_clear_error();
  return out;
}

// Loads the key with ssl.key.password, never prompting on a terminal
// (OpenSSL's default callback would): no password means "none".
int password_callback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (password == nullptr || password->empty() || size <= 0) return 0;
  const auto n = std::min(password->size(), static_cast<std::size_t>(size));
  std::memcpy(buf, password->data(), n);
  return static_cast<int>(n);
}

std::optional<TlsSetupError> setup_error(const char* property, std::string message) {
  return TlsSetupError{property, std::move(message)};
}

std::optional<TlsSetupError> load_trust(SSL_CTX* ctx, const TlsOptions& options) {
  if (options.ca_location.empty()) {
    if (options.verify_certificate && SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return setup_error("ssl.ca.location", "cannot load the system's default CA store (" + openssl_error() +
                                                "): set ssl.ca.location to a PEM file of trusted CA certificates");
    }
    return std::nullopt;
  }
  const std::string& path = options.ca_location;
  std::error_code fs_ec;
  const auto status = std::filesystem::status(path, fs_ec);
  if (fs_ec || !std::filesystem::exists(status)) {
    return setup_error("ssl.ca.location", "ssl.ca.location '" + path + "' does not exist");
  }
  if (std::filesystem::is_directory(status)) {
    // Certificates are looked up by subject hash (`openssl rehash DIR`).
    if (SSL_CTX_load_verify_dir(ctx, path.c_str()) != 1) {
      return setup_error("ssl.ca.location", "cannot use directory ssl.ca.location '" + path + "': " + openssl_error());
    }
    return std::nullopt;
  }
  if (SSL_CTX_load_verify_file(ctx, path.c_str()) != 1) {
    return setup_error("ssl.ca.location", "no CA certificate could be read from ssl.ca.location '" + path +
                                              "' (PEM expected; JKS/PKCS12 are not supported): " + openssl_error());
  }
  return std::nullopt;
}

std::optional<TlsSetupError> load_client_certificate(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& cert = options.certificate_location;
  const std::string& key = options.key_location;
  if (cert.empty() && key.empty()) return std::nullopt;
  if (cert.empty()) {
    return setup_error("ssl.certificate.location",
                       "ssl.key.location is set but ssl.certificate.location is not: a client certificate needs both");
  }
  if (key.empty()) {
    return setup_error("ssl.key.location",
                       "ssl.certificate.location is set but ssl.key.location is not: a client certificate needs both");
  }
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(cert, fs_ec)) {
    return setup_error("ssl.certificate.location", "ssl.certificate.location '" + cert + "' is not a readable file");
  }
  if (!std::filesystem::is_regular_file(key, fs_ec)) {
    return setup_error("ssl.key.location", "ssl.key.location '" + key + "' is not a readable file");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    return setup_error("ssl.certificate.location",
                       "cannot read a PEM certificate (chain) from ssl.certificate.location '" + cert +
                           "': " + openssl_error());
  }
  // The callback's user data points at options.key_password only while the
  // key is read; it is unhooked right after.
  SSL_CTX_set_default_passwd_cb(ctx, password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&options.key_password));
  int loaded = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (loaded != 1 && ERR_GET_LIB(ERR_peek_error()) == ERR_LIB_X509 &&
      ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
    loaded = 1;  // it read the key fine; the check below explains the mismatch
  }
  if (loaded != 1) {
    const std::string why = openssl_error();
    if (options.key_password.empty()) {
      return setup_error("ssl.key.location", "cannot read the private key from ssl.key.location '" + key +
                                                 "' (" + why +
                                                 "): it must be a PEM key; if it is encrypted, set ssl.key.password");
    }
    return setup_error("ssl.key.password", "cannot decrypt the private key in ssl.key.location '" + key +
                                               "' with ssl.key.password (" + why +
                                               "): check the password, and that the key is PEM");
  }
  if (SSL_CTX_check_private_key(ctx) != 1 || ERR_peek_error() != 0) {
    ERR_clear_error();
    return setup_error("ssl.key.location", "the private key in ssl.key.location '" + key +
                                               "' does not belong to the certificate in ssl.certificate.location '" +
                                               cert + "'");
  }
  return std::nullopt;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string trust_source(const TlsOptions& options) {
  return options.ca_location.empty() ? std::string("the system's default CA store")
                                     : "ssl.ca.location '" + options.ca_location + "'";
}

std::string verification_advice(long result, const std::string& host, const TlsOptions& options) {
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the broker's certificate does not name '" + host +
             "': connect by a name its subjectAltName lists (bootstrap.servers / the broker's advertised.listeners), "
             "or, knowing the risk, set ssl.endpoint.identification.algorithm=none";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the broker's certificate is outside its validity period: renew it (or check this machine's clock)";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "the broker's certificate is not signed by a CA in " + trust_source(options) +
             ": set ssl.ca.location to the CA that signed it";
    default:
      return "check the broker's certificate against " + trust_source(options);
  }
}

// A handshake or session error's OpenSSL reason, or 0.
int ssl_reason(const boost::system::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return 0;
  return ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
}

std::string client_certificate_hint(int reason, const TlsOptions& options) {
  switch (reason) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
      return options.certificate_location.empty()
                 ? "the broker requires a client certificate: set ssl.certificate.location and ssl.key.location"
                 : "the broker did not accept the client certificate in ssl.certificate.location";
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
      return options.certificate_location.empty()
                 ? "the broker refused the connection: it may require a client certificate (ssl.certificate.location, "
                   "ssl.key.location)"
                 : "the broker refused the client certificate in ssl.certificate.location: is it signed by a CA the "
                   "broker trusts, and unexpired?";
    default: return {};
  }
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const TlsOptions& options, std::optional<TlsSetupError>& error) {
  ERR_clear_error();
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    error = setup_error("security.protocol", "cannot require TLS 1.2 or later: " + openssl_error());
    return nullptr;
  }
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_verify(native, options.verify_certificate ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if ((error = load_trust(native, options))) return nullptr;
  if ((error = load_client_certificate(native, options))) return nullptr;
  return ctx;
}

std::string prepare_session(SSL* ssl, const std::string& host, const TlsOptions& options) {
  ERR_clear_error();
  const bool ip = is_ip_literal(host);
  // SNI carries host names only (RFC 6066), never IP literals.
  if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return "cannot set the TLS server name '" + host + "': " + openssl_error();
  }
  if (!options.verify_certificate || !options.verify_hostname) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return "cannot check the certificate for IP address " + host + ": " + openssl_error();
    }
    return {};
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1) {
    return "cannot check the certificate for host name '" + host + "': " + openssl_error();
  }
  return {};
}

TlsFailure describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec, const std::string& broker,
                                      const std::string& host, const TlsOptions& options) {
  const long result = SSL_get_verify_result(ssl);
  if (options.verify_certificate && result != X509_V_OK) {
    ERR_clear_error();
    return {net_errc::certificate_verify_failed,
            "TLS handshake with broker " + broker + " failed: certificate verify failed: " +
                X509_verify_cert_error_string(result) + "; " + verification_advice(result, host, options)};
  }
  const std::string prefix = "TLS handshake with broker " + broker + " failed: ";
  const int reason = ssl_reason(ec);
  if (ec == asio::ssl::error::stream_truncated || ec == asio::error::eof || ec == asio::error::connection_reset) {
    return {net_errc::tls_handshake_failed,
            prefix + "the broker closed the connection (" + ec.message() +
                "): a plaintext listener drops a TLS client at once, so check security.protocol against the "
                "broker's listener (PLAINTEXT / SASL_PLAINTEXT for a plaintext one)"};
  }
  switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNEXPECTED_MESSAGE:
      return {net_errc::tls_handshake_failed,
              prefix + ec.message() +
                  ": the broker did not answer in TLS; is this a plaintext listener? check security.protocol"};
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
      return {net_errc::tls_handshake_failed,
              prefix + ec.message() + ": the broker offers no TLS version Sluice accepts (TLS 1.2 or 1.3)"};
    default: break;
  }
  std::string hint = client_certificate_hint(reason, options);
  return {net_errc::tls_handshake_failed, prefix + ec.message() + (hint.empty() ? "" : ": " + hint)};
}

TlsFailure describe_session_failure(const boost::system::error_code& ec, const std::string& broker,
                                    const TlsOptions& options) {
  std::string hint = client_certificate_hint(ssl_reason(ec), options);
  return {net_errc::tls_error,
          "TLS error on the connection to broker " + broker + ": " + ec.message() + (hint.empty() ? "" : ": " + hint)};
}

}  // namespace detail

std::optional<TlsSetupError> check_tls_options(const TlsOptions& options) {
  std::optional<TlsSetupError> error;
  detail::make_tls_context(options, error);
  return error;
}

}  // namespace sluice::net
