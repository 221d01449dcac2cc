#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
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

std::optional<TlsSetupError> setup_error(std::string property, std::string message) {
  return TlsSetupError{std::move(property), std::move(message)};
}

// A memory BIO over `pem` (read only; valid while `pem` is).
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
BioPtr memory_bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

// ssl.ca.pem / ssl.ca.location, or https.ca.pem / https.ca.location for
// the token endpoint (options.trust_properties names them in errors).
std::optional<TlsSetupError> load_trust(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string pem_property = options.trust_properties + ".ca.pem";
  const std::string location_property = options.trust_properties + ".ca.location";
  if (!options.ca_pem.empty()) {
    if (!options.ca_location.empty()) {
      return setup_error(pem_property, pem_property + " and " + location_property + " are both set: set one of them");
    }
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    auto bio = memory_bio(options.ca_pem);
    int added = 0;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      const int ok = X509_STORE_add_cert(store, cert);
      X509_free(cert);
      if (ok != 1) return setup_error(pem_property, "cannot add a certificate of " + pem_property + ": " + openssl_error());
      ++added;
    }
    ERR_clear_error();  // the loop ends on "no start line"
    if (added == 0) {
      return setup_error(pem_property, "no PEM certificate (-----BEGIN CERTIFICATE-----) found in " + pem_property);
    }
    return std::nullopt;
  }
  if (options.ca_location.empty()) {
    if (options.verify_certificate && SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return setup_error(location_property, "cannot load the system's default CA store (" + openssl_error() +
                                                "): set " + location_property + " to a PEM file of trusted CA certificates");
    }
    return std::nullopt;
  }
  const std::string& path = options.ca_location;
  const std::string named = location_property + " '" + path + "'";
  std::error_code fs_ec;
  const auto status = std::filesystem::status(path, fs_ec);
  if (fs_ec || !std::filesystem::exists(status)) return setup_error(location_property, named + " does not exist");
  if (std::filesystem::is_directory(status)) {
    // Certificates are looked up by subject hash (`openssl rehash DIR`).
    if (SSL_CTX_load_verify_dir(ctx, path.c_str()) != 1) {
      return setup_error(location_property, "cannot use directory " + named + ": " + openssl_error());
    }
    return std::nullopt;
  }
  if (SSL_CTX_load_verify_file(ctx, path.c_str()) != 1) {
    return setup_error(location_property, "no CA certificate could be read from " + named +
                                              " (PEM expected; JKS/PKCS12 are not supported): " + openssl_error());
  }
  return std::nullopt;
}

// ssl.crl.location: every CRL in the file joins the store, and the broker's
// certificate is checked against its issuer's CRL (as librdkafka does).
std::optional<TlsSetupError> load_crl(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& path = options.crl_location;
  if (path.empty()) return std::nullopt;
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(path, fs_ec)) {
    return setup_error("ssl.crl.location", "ssl.crl.location '" + path + "' is not a readable file");
  }
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
  if (lookup == nullptr || X509_load_crl_file(lookup, path.c_str(), X509_FILETYPE_PEM) <= 0) {
    return setup_error("ssl.crl.location", "no CRL (-----BEGIN X509 CRL-----) could be read from ssl.crl.location '" +
                                               path + "': " + openssl_error());
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return std::nullopt;
}

std::optional<TlsSetupError> check_key_matches(SSL_CTX* ctx, const std::string& key_source,
                                               const std::string& cert_source) {
  if (SSL_CTX_check_private_key(ctx) != 1 || ERR_peek_error() != 0) {
    ERR_clear_error();
    return setup_error(key_source.substr(0, key_source.find(' ')).c_str(),
                       "the private key in " + key_source + " does not belong to the certificate in " + cert_source);
  }
  return std::nullopt;
}

// ssl.keystore.location: certificate, chain and key from one PKCS#12 file.
std::optional<TlsSetupError> load_keystore(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& path = options.keystore_location;
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(path, fs_ec)) {
    return setup_error("ssl.keystore.location", "ssl.keystore.location '" + path + "' is not a readable file");
  }
  using P12 = std::unique_ptr<PKCS12, decltype(&PKCS12_free)>;
  std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(path.c_str(), "rb"), &BIO_free);
  P12 p12(file ? d2i_PKCS12_bio(file.get(), nullptr) : nullptr, &PKCS12_free);
  if (!p12) {
    return setup_error("ssl.keystore.location", "ssl.keystore.location '" + path +
                                                    "' is not a PKCS#12 file (JKS is not supported: convert it with "
                                                    "keytool -importkeystore -deststoretype PKCS12): " +
                                                    openssl_error());
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (PKCS12_parse(p12.get(), options.keystore_password.c_str(), &key, &cert, &chain) != 1) {
    const std::string why = openssl_error();
    return setup_error("ssl.keystore.password", "cannot open the PKCS#12 file ssl.keystore.location '" + path +
                                                    "' with ssl.keystore.password (" + why +
                                                    "): check the password");
  }
  std::optional<TlsSetupError> error;
  if (cert == nullptr || key == nullptr) {
    error = setup_error("ssl.keystore.location", "the PKCS#12 file ssl.keystore.location '" + path +
                                                     "' holds no certificate with its private key");
  } else if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
    error = setup_error("ssl.keystore.location",
                        "cannot use the certificate and key of ssl.keystore.location '" + path + "': " + openssl_error());
  } else {
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(chain, i)) != 1) {
        error = setup_error("ssl.keystore.location", "cannot add a chain certificate of ssl.keystore.location '" +
                                                         path + "': " + openssl_error());
        break;
      }
    }
  }
  EVP_PKEY_free(key);
  X509_free(cert);
  sk_X509_pop_free(chain, X509_free);
  if (error) return error;
  return check_key_matches(ctx, "ssl.keystore.location '" + path + "'", "the same file");
}

std::optional<TlsSetupError> load_certificate_pem(SSL_CTX* ctx, const TlsOptions& options) {
  auto bio = memory_bio(options.certificate_pem);
  X509* leaf = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr) {
    ERR_clear_error();
    return setup_error("ssl.certificate.pem", "no PEM certificate (-----BEGIN CERTIFICATE-----) in ssl.certificate.pem");
  }
  const int used = SSL_CTX_use_certificate(ctx, leaf);
  X509_free(leaf);
  if (used != 1) return setup_error("ssl.certificate.pem", "cannot use ssl.certificate.pem: " + openssl_error());
  while (X509* more = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    const long ok = SSL_CTX_add0_chain_cert(ctx, more);  // takes ownership
    if (ok != 1) {
      X509_free(more);
      return setup_error("ssl.certificate.pem", "cannot add a chain certificate of ssl.certificate.pem: " +
                                                    openssl_error());
    }
  }
  ERR_clear_error();
  return std::nullopt;
}

std::optional<TlsSetupError> load_key_pem(SSL_CTX* ctx, const TlsOptions& options) {
  auto bio = memory_bio(options.key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback,
                                          const_cast<std::string*>(&options.key_password));
  if (key == nullptr) {
    const std::string why = openssl_error();
    return options.key_password.empty()
               ? setup_error("ssl.key.pem", "cannot read a PEM private key from ssl.key.pem (" + why +
                                                "); if it is encrypted, set ssl.key.password")
               : setup_error("ssl.key.password", "cannot decrypt the private key in ssl.key.pem with ssl.key.password (" +
                                                     why + "): check the password");
  }
  const int used = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (used != 1) {
    ERR_clear_error();
    return setup_error("ssl.key.pem", "the private key in ssl.key.pem does not belong to the client certificate");
  }
  return std::nullopt;
}

std::optional<TlsSetupError> load_certificate_file(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& cert = options.certificate_location;
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(cert, fs_ec)) {
    return setup_error("ssl.certificate.location", "ssl.certificate.location '" + cert + "' is not a readable file");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    return setup_error("ssl.certificate.location",
                       "cannot read a PEM certificate (chain) from ssl.certificate.location '" + cert +
                           "': " + openssl_error());
  }
  return std::nullopt;
}

std::optional<TlsSetupError> load_key_file(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& key = options.key_location;
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(key, fs_ec)) {
    return setup_error("ssl.key.location", "ssl.key.location '" + key + "' is not a readable file");
  }
  // The callback's user data points at options.key_password only while the
  // key is read; it is unhooked right after.
  SSL_CTX_set_default_passwd_cb(ctx, password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&options.key_password));
  int loaded = SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (loaded != 1 && ERR_GET_LIB(ERR_peek_error()) == ERR_LIB_X509 &&
      ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
    loaded = 1;  // it read the key fine; the check after explains the mismatch
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
  return std::nullopt;
}

// The client certificate and key: from PEM files, PEM text, or a PKCS#12
// keystore, one source each.
std::optional<TlsSetupError> load_client_certificate(SSL_CTX* ctx, const TlsOptions& options) {
  const bool cert_file = !options.certificate_location.empty(), cert_pem = !options.certificate_pem.empty();
  const bool key_file = !options.key_location.empty(), key_pem = !options.key_pem.empty();
  const bool keystore = !options.keystore_location.empty();
  if (keystore) {
    if (cert_file || cert_pem || key_file || key_pem) {
      return setup_error("ssl.keystore.location", "ssl.keystore.location and ssl.certificate.*/ssl.key.* both give "
                                                  "the client certificate: set one of them");
    }
    return load_keystore(ctx, options);
  }
  if (!cert_file && !cert_pem && !key_file && !key_pem) return std::nullopt;
  if (cert_file && cert_pem) {
    return setup_error("ssl.certificate.pem", "ssl.certificate.pem and ssl.certificate.location are both set: set one");
  }
  if (key_file && key_pem) return setup_error("ssl.key.pem", "ssl.key.pem and ssl.key.location are both set: set one");
  if (!cert_file && !cert_pem) {
    return setup_error("ssl.certificate.location", std::string(key_pem ? "ssl.key.pem" : "ssl.key.location") +
                                                       " is set but ssl.certificate.location (or ssl.certificate.pem) "
                                                       "is not: a client certificate needs both");
  }
  if (!key_file && !key_pem) {
    return setup_error("ssl.key.location", std::string(cert_pem ? "ssl.certificate.pem" : "ssl.certificate.location") +
                                               " is set but ssl.key.location (or ssl.key.pem) is not: a client "
                                               "certificate needs both");
  }
  if (auto e = cert_pem ? load_certificate_pem(ctx, options) : load_certificate_file(ctx, options)) return e;
  if (auto e = key_pem ? load_key_pem(ctx, options) : load_key_file(ctx, options)) return e;
  return check_key_matches(ctx, key_pem ? "ssl.key.pem" : "ssl.key.location '" + options.key_location + "'",
                           cert_pem ? "ssl.certificate.pem"
                                    : "ssl.certificate.location '" + options.certificate_location + "'");
}

bool is_tls13_suite(std::string_view name) {
  return name == "TLS_AES_128_GCM_SHA256" || name == "TLS_AES_256_GCM_SHA384" ||
         name == "TLS_CHACHA20_POLY1305_SHA256" || name == "TLS_AES_128_CCM_SHA256" ||
         name == "TLS_AES_128_CCM_8_SHA256";
}

// ssl.cipher.suites: TLS 1.3 suites go to SSL_CTX_set_ciphersuites, the
// rest to SSL_CTX_set_cipher_list, IANA names (Java's spelling, e.g.
// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) translated to OpenSSL's.
std::optional<TlsSetupError> set_cipher_suites(SSL_CTX* ctx, const std::string& suites) {
  if (suites.empty()) return std::nullopt;
  std::string tls12, tls13;
  std::size_t at = 0;
  while (at <= suites.size()) {
    std::size_t end = suites.find_first_of(",:", at);
    if (end == std::string::npos) end = suites.size();
    std::string name = suites.substr(at, end - at);
    at = end + 1;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) continue;
    if (is_tls13_suite(name)) {
      tls13 += (tls13.empty() ? "" : ":") + name;
      continue;
    }
    if (name.starts_with("TLS_") || name.starts_with("SSL_")) {
      // Java's (IANA) name: find OpenSSL's name of the same cipher.
      std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> all(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
      std::string openssl_name;
      if (all && SSL_CTX_set_cipher_list(all.get(), "ALL:COMPLEMENTOFALL") == 1) {
        STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(all.get());
        for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
          const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
          const char* standard = SSL_CIPHER_standard_name(c);
          if (standard != nullptr && name == standard) openssl_name = SSL_CIPHER_get_name(c);
        }
      }
      ERR_clear_error();
      if (openssl_name.empty()) {
        return setup_error("ssl.cipher.suites", "ssl.cipher.suites names '" + name +
                                                    "', a cipher suite this OpenSSL does not know");
      }
      name = openssl_name;
    }
    tls12 += (tls12.empty() ? "" : ":") + name;
  }
  if (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1) {
    return setup_error("ssl.cipher.suites", "no cipher of ssl.cipher.suites ('" + tls12 +
                                                "') is known to OpenSSL: " + openssl_error());
  }
  if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1) {
    return setup_error("ssl.cipher.suites", "cannot use the TLS 1.3 suites '" + tls13 + "': " + openssl_error());
  }
  return std::nullopt;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

std::string trust_source(const TlsOptions& options) {
  if (!options.ca_pem.empty()) return options.trust_properties + ".ca.pem";
  return options.ca_location.empty() ? std::string("the system's default CA store")
                                     : options.trust_properties + ".ca.location '" + options.ca_location + "'";
}

namespace {

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
             ": set " + options.trust_properties + ".ca.location to the CA that signed it";
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
  const int min_version = options.tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  const int max_version = options.tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(native, min_version) != 1 ||
      SSL_CTX_set_max_proto_version(native, max_version) != 1) {
    error = setup_error("ssl.enabled.protocols", "cannot limit TLS to the versions of ssl.enabled.protocols: " +
                                                     openssl_error());
    return nullptr;
  }
  if ((error = set_cipher_suites(native, options.cipher_suites))) return nullptr;
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_verify(native, options.verify_certificate ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if ((error = load_trust(native, options))) return nullptr;
  if ((error = load_crl(native, options))) return nullptr;
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
