// AsioBrokerLink: the engine's requests, encoded onto a net::BrokerConnection.
#include "asio_broker_link.hpp"

namespace sluice::detail {

using protocol::ApiKey;

AsioBrokerLink::AsioBrokerLink(boost::asio::io_context& io, std::int32_t node_id, const net::BrokerAddress& address,
                               const net::ConnectionOptions& options)
    : conn_(std::make_shared<net::BrokerConnection>(io, node_id, address, options)) {}

LinkState AsioBrokerLink::state() const noexcept {
  switch (conn_->state()) {
    case net::BrokerConnection::State::idle: return LinkState::idle;
    case net::BrokerConnection::State::connecting: return LinkState::connecting;
    case net::BrokerConnection::State::ready: return LinkState::ready;
    case net::BrokerConnection::State::closed: return LinkState::closed;
  }
  return LinkState::closed;
}

void AsioBrokerLink::send_produce(const protocol::ProduceRequest& request, bool expect_response,
                                  net::ResponseHandler handler) {
  // A gathered write: the request's framing is encoded, each batch is sent
  // from its builder's buffer in place. The connection runs the handler
  // only once the write can no longer read them (broker_connection.hpp).
  conn_->send_gathered(
      ApiKey::Produce,
      [&request](protocol::BufferWriter& w, std::int16_t v, protocol::Splices& splices) {
        return protocol::encode_gathered(request, w, v, splices);
      },
      expect_response, std::move(handler));
}

void AsioBrokerLink::send_metadata(const protocol::MetadataRequest& request, net::ResponseHandler handler) {
  conn_->send(
      ApiKey::Metadata, [&request](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(request, w, v); },
      true, std::move(handler));
}

void AsioBrokerLink::send_init_producer_id(const protocol::InitProducerIdRequest& request,
                                           net::ResponseHandler handler) {
  conn_->send(
      ApiKey::InitProducerId,
      [&request](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(request, w, v); }, true,
      std::move(handler));
}

void AsioBrokerLink::send_create_topics(const protocol::CreateTopicsRequest& request, net::ResponseHandler handler) {
  conn_->send(
      ApiKey::CreateTopics,
      [&request](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(request, w, v); }, true,
      std::move(handler));
}

}  // namespace sluice::detail
