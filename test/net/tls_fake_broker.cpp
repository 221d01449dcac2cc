#include "tls_fake_broker.hpp"

#include <openssl/ssl.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "fake_broker.hpp"
#include "sluice/protocol/api.hpp"

namespace sluice::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

TlsFakeBroker::TlsFakeBroker(asio::io_context& io, const Options& options)
    : ctx_(asio::ssl::context::tls_server), acceptor_(io) {
  ctx_.use_certificate_chain_file(options.cert);
  ctx_.use_private_key_file(options.key, asio::ssl::context::pem);
  if (options.require_client_cert) {
    ctx_.load_verify_file(options.client_ca);
    ctx_.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.bind(ep);
  acceptor_.listen();
}

net::BrokerAddress TlsFakeBroker::address(const std::string& host) const {
  return {host, acceptor_.local_endpoint().port()};
}

void TlsFakeBroker::serve() {
  stream_.emplace(tcp::socket(acceptor_.get_executor()), ctx_);
  acceptor_.async_accept(stream_->next_layer(), [this](error_code ec) {
    if (ec) return;
    stream_->async_handshake(asio::ssl::stream_base::server, [this](error_code hec) {
      if (hec) {
        error_code ignored;
        stream_->next_layer().close(ignored);  // as a broker does after a failed handshake
        return;
      }
      handshake_done_ = true;
      if (const char* name = SSL_get_servername(stream_->native_handle(), TLSEXT_NAMETYPE_host_name)) sni_ = name;
      read_request();
    });
  });
}

void TlsFakeBroker::read_request() {
  in_.resize(4);
  asio::async_read(*stream_, asio::buffer(in_), [this](error_code ec, std::size_t) {
    if (ec) return;
    const std::size_t size = std::size_t{in_[0]} << 24 | std::size_t{in_[1]} << 16 | std::size_t{in_[2]} << 8 | in_[3];
    in_.resize(size);
    asio::async_read(*stream_, asio::buffer(in_), [this](error_code rec, std::size_t) {
      if (rec || in_.size() < 8) return;
      last_request_ = in_;
      FakeRequest r;
      r.api_key = static_cast<std::int16_t>(in_[0] << 8 | in_[1]);
      r.api_version = static_cast<std::int16_t>(in_[2] << 8 | in_[3]);
      r.correlation_id = static_cast<std::int32_t>(std::uint32_t{in_[4]} << 24 | std::uint32_t{in_[5]} << 16 |
                                                   std::uint32_t{in_[6]} << 8 | std::uint32_t{in_[7]});
      const Bytes pong{'p', 'o', 'n', 'g'};
      auto out = std::make_shared<Bytes>(
          r.api_key == static_cast<std::int16_t>(protocol::ApiKey::ApiVersions)
              ? FakeBroker::response(r, FakeBroker::api_versions_body(r.api_version))
              : FakeBroker::response(r, pong));
      asio::async_write(*stream_, asio::buffer(*out), [this, out](error_code wec, std::size_t) {
        if (wec) return;
        ++answered_;
        read_request();
      });
    });
  });
}

}  // namespace sluice::test
