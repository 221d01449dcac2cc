#pragma once
// BrokerLink: what the engine needs of one connection to one broker, with
// the requests it sends typed (Produce, Metadata, InitProducerId,
// CreateTopics). In production a link is a net::BrokerConnection that
// encodes each request exactly as the engine used to (asio_broker_link.*);
// the deterministic simulation (test/sim) hands the request structs to its
// simulated cluster instead and answers with encoded response bodies, so the
// engine's decoding runs unchanged in both.
//
// The contract is the connection's (net/include/sluice/net/broker_connection.hpp):
//  - connect(done): `done` runs once, never inline: empty error when ready,
//    otherwise why not (the link is then closed).
//  - A send completes its handler exactly once, with the response body
//    (header stripped) or an error; `maybe_delivered` is true when the
//    request may have reached the broker. Not ready: fails at once
//    (connection_closed). Every request has a deadline of request.timeout.ms
//    from the send; past it the whole link closes with request_timeout.
//  - close(reason) completes every request still open, inline: those that
//    may have reached the broker with maybe_delivered = true.
//  - send_produce: the batches the request views must stay alive and
//    unchanged until the handler runs, which it never does while a write may
//    still read them. The handler owns them; a retry re-stamps them only
//    after that.
//
// Threads: the engine's I/O side only.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

#include "producer_batch.hpp"
#include "sluice/net/broker_address.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/version_picker.hpp"

namespace sluice::detail {

enum class LinkState { idle, connecting, ready, closed };

class BrokerLink {
 public:
  using ConnectHandler = std::function<void(std::error_code)>;

  virtual ~BrokerLink() = default;

  virtual void connect(ConnectHandler done) = 0;
  virtual void close(std::error_code reason) = 0;

  // Each at the link's negotiated version for its API (versions()).
  virtual void send_produce(const protocol::ProduceRequest& request, bool expect_response,
                            net::ResponseHandler handler) = 0;
  virtual void send_metadata(const protocol::MetadataRequest& request, net::ResponseHandler handler) = 0;
  virtual void send_init_producer_id(const protocol::InitProducerIdRequest& request,
                                     net::ResponseHandler handler) = 0;
  virtual void send_create_topics(const protocol::CreateTopicsRequest& request, net::ResponseHandler handler) = 0;

  virtual LinkState state() const noexcept = 0;
  virtual std::int32_t node_id() const noexcept = 0;
  virtual const net::BrokerAddress& address() const noexcept = 0;
  virtual const protocol::NegotiatedVersions& versions() const noexcept = 0;
  // Requests sent (or queued) and not yet completed.
  virtual std::size_t in_flight() const noexcept = 0;
  // Of those, the ones not yet written in full (statistics: outbuf_cnt;
  // the rest are waitresp_cnt).
  virtual std::size_t unwritten() const noexcept = 0;
  // When a request was last sent or an answer last read, on the engine's
  // clock: connections.max.idle.ms runs from it.
  virtual Clock::time_point last_used() const noexcept = 0;
  // Why the link failed, when it is something a user must act on (TLS,
  // SASL); empty for ordinary network failures. Never a credential.
  virtual const std::string& failure_detail() const noexcept = 0;
};

// How messages name a link's broker: "broker 3 at host:port", or
// "bootstrap broker host:port" for a bootstrap.servers entry (node id < 0).
inline std::string describe_broker(std::int32_t node_id, const std::string& where) {
  return (node_id < 0 ? "bootstrap broker " : "broker " + std::to_string(node_id) + " at ") + where;
}

// Makes the engine's links. Node ids: brokers' ids from Metadata, and -1,
// -2, ... for bootstrap.servers entries.
class BrokerLinkFactory {
 public:
  virtual ~BrokerLinkFactory() = default;
  virtual std::shared_ptr<BrokerLink> make_link(std::int32_t node_id, const net::BrokerAddress& address,
                                                const net::ConnectionOptions& options) = 0;
};

}  // namespace sluice::detail
