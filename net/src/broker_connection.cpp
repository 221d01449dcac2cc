// BrokerConnection: the calls turned into events for the ConnectionMachine,
// carried out by the driver for the stream security.protocol asks for.
#include "sluice/net/broker_connection.hpp"

#include <random>

#include "stream_driver.hpp"

namespace sluice::net {

namespace {

std::unique_ptr<detail::ConnectionDriver> make_driver(BrokerConnection& owner, boost::asio::io_context& io,
                                                      ConnectionMachine& machine) {
  if (uses_tls(machine.options().security.protocol)) {
    return std::make_unique<detail::StreamDriver<detail::TlsOverTcp>>(owner, io, machine);
  }
  return std::make_unique<detail::StreamDriver<detail::TcpSocket>>(owner, io, machine);
}

}  // namespace

BrokerConnection::BrokerConnection(boost::asio::io_context& io, std::int32_t node_id, BrokerAddress address,
                                   ConnectionOptions options)
    : node_id_(node_id),
      machine_(std::move(address), std::move(options), std::random_device{}()),
      driver_(make_driver(*this, io, machine_)) {}

BrokerConnection::~BrokerConnection() = default;

void BrokerConnection::connect(ConnectHandler done) { driver_->step(connection_event::Connect{std::move(done)}); }

void BrokerConnection::send(protocol::ApiKey key, const BodyEncoder& encode, bool expect_response,
                            ResponseHandler handler) {
  send_gathered(
      key, [&encode](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) { return encode(w, v); },
      expect_response, std::move(handler));
}

void BrokerConnection::send_at(protocol::ApiKey key, std::int16_t version, const BodyEncoder& encode,
                               bool expect_response, ResponseHandler handler) {
  const GatheredBodyEncoder gathered = [&encode](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) {
    return encode(w, v);
  };
  driver_->step(connection_event::Submit{key, version, &gathered, expect_response, std::move(handler)});
}

void BrokerConnection::send_gathered(protocol::ApiKey key, const GatheredBodyEncoder& encode, bool expect_response,
                                     ResponseHandler handler) {
  driver_->step(connection_event::Submit{key, std::nullopt, &encode, expect_response, std::move(handler)});
}

void BrokerConnection::close(std::error_code reason) { driver_->step(connection_event::Close{reason, {}}); }

}  // namespace sluice::net
