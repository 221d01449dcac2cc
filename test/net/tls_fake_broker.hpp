#pragma once
// TlsFakeBroker: a one-connection TLS "broker" on 127.0.0.1 for
// BrokerConnection's TLS tests. It accepts, runs the server side of the
// handshake (optionally requiring a client certificate), answers ApiVersions
// like FakeBroker and every other request with the body "pong". Runs on the
// test's io_context (one thread, no locks); failures are recorded, never
// thrown.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sluice/net/broker_address.hpp"

namespace sluice::test {

class TlsFakeBroker {
 public:
  struct Options {
    std::string cert;            // server certificate (PEM file)
    std::string key;             // its key
    std::string client_ca;       // with require_client_cert: the CA client certificates must chain to
    bool require_client_cert = false;
  };

  TlsFakeBroker(boost::asio::io_context& io, const Options& options);

  net::BrokerAddress address(const std::string& host = "127.0.0.1") const;
  // Accepts one connection and serves it until the client goes away.
  void serve();

  const std::string& sni() const noexcept { return sni_; }  // the server name the client sent
  bool handshake_done() const noexcept { return handshake_done_; }
  std::size_t answered() const noexcept { return answered_; }  // requests answered (ApiVersions included)
  // The last request read (without its size prefix).
  const std::vector<std::uint8_t>& last_request() const noexcept { return last_request_; }

 private:
  void read_request();

  boost::asio::ssl::context ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> stream_;
  std::vector<std::uint8_t> in_;
  std::string sni_;
  bool handshake_done_ = false;
  std::size_t answered_ = 0;
  std::vector<std::uint8_t> last_request_;
};

}  // namespace sluice::test
