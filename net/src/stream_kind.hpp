#pragma once
// What differs between the streams a broker connection runs over (private
// to net/): plain TCP and TLS over TCP. StreamDriver<Stream> is written once
// against these; the ConnectionMachine decides when a TLS handshake is due
// (security.protocol), so no code asks "is this TLS?".
//
// Each StreamKind<Stream> gives:
//   Setup                       what the stream needs before connecting
//   prepare(setup, options)     builds it; an error text when it cannot
//   wrap(socket, setup)         the stream over a connected TCP socket
//   handshake(stream, ..., h)   the TLS handshake; h(TlsDone)
//   failure(ec, ...)            a failed read or write, put into an IoFailure
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "sluice/net/connection_machine.hpp"
#include "sluice/net/net_error.hpp"
#include "tls_context.hpp"

namespace sluice::net::detail {

template <class Stream>
struct StreamKind;

using TcpSocket = boost::asio::ip::tcp::socket;
using TlsOverTcp = boost::asio::ssl::stream<TcpSocket>;

inline std::error_code system_error_of(const boost::system::error_code& ec) {
  return std::error_code(ec.value(), std::system_category());
}

template <>
struct StreamKind<TcpSocket> {
  struct Setup {};

  static std::optional<std::string> prepare(Setup&, const ConnectionOptions&) { return std::nullopt; }
  static TcpSocket wrap(TcpSocket socket, Setup&) { return socket; }

  // Never asked for (the machine starts TLS only for SSL and SASL_SSL); a
  // plain stream has no handshake to do.
  template <class Handler>
  static void handshake(TcpSocket&, const BrokerAddress&, const ConnectionOptions&, Handler&& done) {
    done(connection_event::TlsDone{});
  }

  static IoFailure failure(const boost::system::error_code& ec, const BrokerAddress&, const ConnectionOptions&) {
    return IoFailure{system_error_of(ec), {}, ec == boost::asio::error::eof};
  }
};

template <>
struct StreamKind<TlsOverTcp> {
  // The context (CA store, client certificate) is loaded before any
  // traffic, per connection, and outlives the stream that uses it.
  struct Setup {
    std::unique_ptr<boost::asio::ssl::context> context;
  };

  static std::optional<std::string> prepare(Setup& setup, const ConnectionOptions& options) {
    std::optional<TlsSetupError> error;
    setup.context = make_tls_context(options.security.tls, error);
    if (setup.context) return std::nullopt;
    return error ? error->message : std::string("the TLS context cannot be built");
  }

  static TlsOverTcp wrap(TcpSocket socket, Setup& setup) { return TlsOverTcp(std::move(socket), *setup.context); }

  template <class Handler>
  static void handshake(TlsOverTcp& stream, const BrokerAddress& address, const ConnectionOptions& options,
                        Handler&& done) {
    const auto& tls = options.security.tls;
    if (auto problem = prepare_session(stream.native_handle(), address.host, tls); !problem.empty()) {
      done(connection_event::TlsDone{net_errc::tls_setup_failed, "broker " + address.to_string() + ": " + problem});
      return;
    }
    stream.async_handshake(boost::asio::ssl::stream_base::client,
                           [&stream, address, &options, done = std::forward<Handler>(done)](
                               const boost::system::error_code& ec) mutable {
                             if (!ec || ec == boost::asio::error::operation_aborted) {
                               done(connection_event::TlsDone{ec ? system_error_of(ec) : std::error_code{}, {}});
                               return;
                             }
                             auto failure = describe_handshake_failure(stream.native_handle(), ec, address.to_string(),
                                                                       address.host, options.security.tls);
                             done(connection_event::TlsDone{failure.code, std::move(failure.message)});
                           });
  }

  // A TLS error says what the broker objected to; a system error stays one.
  static IoFailure failure(const boost::system::error_code& ec, const BrokerAddress& address,
                           const ConnectionOptions& options) {
    const bool closed = ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated;
    if (ec.category() != boost::system::system_category()) {
      auto described = describe_session_failure(ec, address.to_string(), options.security.tls);
      return IoFailure{described.code, std::move(described.message), closed};
    }
    return IoFailure{system_error_of(ec), {}, closed};
  }
};

}  // namespace sluice::net::detail
