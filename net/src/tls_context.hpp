#pragma once
// The OpenSSL side of TLS connections (private to net/): the client context
// built from TlsOptions, the per-connection stream, host name checks, and
// handshake failures put into words. Only BrokerConnection (on its I/O
// thread) uses these; a context is built per connection and never shared.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "sluice/net/security.hpp"

namespace sluice::net::detail {

// TLS 1.2 at least (1.3 preferred), verification as configured, the CA
// store (ssl.ca.location or the system's), the client certificate and key.
// Null with `error` set when something cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsOptions& options,
                                                            std::optional<TlsSetupError>& error);

// A connection's TLS side: the context, built at connect(), and the stream,
// which takes over the TCP socket once it is connected. The context is
// declared first so it outlives the stream.
struct TlsStream {
  explicit TlsStream(std::unique_ptr<boost::asio::ssl::context> ctx) : context(std::move(ctx)) {}
  std::unique_ptr<boost::asio::ssl::context> context;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> stream;
};

// SNI (for host names, not IP literals) and the name the certificate must
// carry: a DNS subjectAltName for a host name, an IP subjectAltName for an
// IP literal. Returns an error text, empty on success.
std::string prepare_session(SSL* ssl, const std::string& host, const TlsOptions& options);

// Where certificates are trusted from, for error texts: "the system's
// default CA store", "ssl.ca.location '<path>'", "https.ca.pem", ...
std::string trust_source(const TlsOptions& options);

struct TlsFailure {
  std::error_code code;  // net_errc::certificate_verify_failed, tls_handshake_failed, ...
  std::string message;   // names the broker, what failed, what to change
};

// Why the handshake with `broker` failed: the certificate verification
// result if there is one (untrusted, expired, wrong name), else the TLS
// error, with the likely cause (a plaintext listener, a required client
// certificate).
TlsFailure describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec, const std::string& broker,
                                      const std::string& host, const TlsOptions& options);

// A TLS error on an established session (e.g. an alert the broker sent
// after the handshake: TLS 1.3 brokers judge client certificates then).
TlsFailure describe_session_failure(const boost::system::error_code& ec, const std::string& broker,
                                    const TlsOptions& options);

}  // namespace sluice::net::detail
