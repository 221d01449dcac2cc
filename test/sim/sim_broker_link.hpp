#pragma once
// SimBrokerLink: a producer engine's broker link (producer/src/broker_link.hpp)
// over the simulated network. Requests go to SimWorld as structs; answers
// come back as the cluster's response structs and are encoded to bytes with
// the schema-derived writers of test/fuzz/response_writers.hpp, so the
// engine decodes them with the protocol's decoders, as it decodes a real
// broker's.
//
// It keeps the real connection's promises (net::BrokerConnection):
//  - versions negotiated as with a Kafka 4.x broker (SimLinkVersions);
//  - every request open has a deadline of request.timeout.ms from its send,
//    on simulated time; past it the link closes with request_timeout and
//    every open request fails with maybe_delivered = true (it was sent);
//  - a connection the network breaks (ConnectionClosed) fails every request
//    still open with connection_closed, maybe_delivered = true;
//  - close() completes what is open inline; connect's handler never runs
//    inline.
// Not simulated: the connect timeout (a simulated connect always ends within
// NetworkConfig::max_connect), TLS, SASL, re-authentication.
//
// SimLinkFactory makes the links and routes each network event to the link
// of its connection. Single-threaded: the simulation's.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "broker_link.hpp"
#include "sim_timers.hpp"
#include "sim_world.hpp"

namespace sluice::sim {

// The highest version the simulated brokers accept per API (the lowest:
// Produce 3, the others 0). Kafka 4.0: Produce 12; 4.1 adds Produce 13
// (topic ids). Metadata 13 and InitProducerId 5 in both.
struct SimLinkVersions {
  std::int16_t produce = 12;
  std::int16_t metadata = 13;
  std::int16_t init_producer_id = 5;
};

class SimLinkFactory;

class SimBrokerLink final : public detail::BrokerLink, public std::enable_shared_from_this<SimBrokerLink> {
 public:
  SimBrokerLink(SimLinkFactory& factory, std::int32_t node_id, net::BrokerAddress address,
                std::chrono::milliseconds request_timeout);

  void connect(ConnectHandler done) override;
  void close(std::error_code reason) override;
  void send_produce(const protocol::ProduceRequest& request, bool expect_response,
                    net::ResponseHandler handler) override;
  void send_metadata(const protocol::MetadataRequest& request, net::ResponseHandler handler) override;
  void send_init_producer_id(const protocol::InitProducerIdRequest& request, net::ResponseHandler handler) override;
  void send_create_topics(const protocol::CreateTopicsRequest& request, net::ResponseHandler handler) override;

  detail::LinkState state() const noexcept override { return state_; }
  std::int32_t node_id() const noexcept override { return node_id_; }
  const net::BrokerAddress& address() const noexcept override { return address_; }
  const protocol::NegotiatedVersions& versions() const noexcept override { return versions_; }
  std::size_t in_flight() const noexcept override { return open_.size() + written_.size(); }
  std::size_t unwritten() const noexcept override { return written_.size(); }  // acks=0 not yet "written"
  detail::Clock::time_point last_used() const noexcept override { return last_used_; }
  const std::string& failure_detail() const noexcept override { return failure_detail_; }

  // --- from the network, through SimLinkFactory ---
  void on_connected();
  void on_connect_failed();
  void on_response(RequestId id, SimResponse&& response);
  void on_closed();

 private:
  struct OpenRequest {
    RequestId id;
    std::int16_t version;  // the answer is encoded at it
    SimTime deadline;
    net::ResponseHandler handler;
  };
  // The version to send `key` at; nullopt after failing `handler` at once
  // (link not ready, no common version), as the real connection does.
  std::optional<std::int16_t> usable_version(protocol::ApiKey key, net::ResponseHandler& handler);
  void dispatch(std::int16_t version, SimRequest request, bool expect_response, net::ResponseHandler handler);
  void arm_deadline();
  void on_deadline();
  // Fails every open request with `reason` (they were all sent).
  void fail_open(std::error_code reason);

  SimLinkFactory* factory_;
  std::int32_t node_id_;
  net::BrokerAddress address_;
  std::chrono::milliseconds request_timeout_;
  detail::LinkState state_ = detail::LinkState::idle;
  ConnId conn_ = 0;  // 0: no simulated connection (yet)
  ConnectHandler on_connect_;
  protocol::NegotiatedVersions versions_;
  std::deque<OpenRequest> open_;                  // sent, awaiting an answer, in send order
  std::deque<net::ResponseHandler> written_;      // acks=0 Produce: completed once "written"
  std::unique_ptr<detail::EngineTimer> deadline_timer_;
  std::unique_ptr<detail::EngineTimer> written_timer_;  // runs written_ (never inline)
  detail::Clock::time_point last_used_{};
  std::string failure_detail_;
};

class SimLinkFactory final : public detail::BrokerLinkFactory {
 public:
  SimLinkFactory(SimWorld& world, SimTimerQueue& timers, SimLinkVersions versions = {});

  std::shared_ptr<detail::BrokerLink> make_link(std::int32_t node_id, const net::BrokerAddress& address,
                                                const net::ConnectionOptions& options) override;

  // Hands a network event to the link of its connection; false when that
  // link is gone (the engine dropped it) and nothing was done.
  bool deliver(SimEvent&& event);

  SimWorld& world() noexcept { return *world_; }
  SimTimerQueue& timers() noexcept { return *timers_; }
  const protocol::NegotiatedVersions& versions() const noexcept { return versions_; }
  // The simulated broker at `address` ("broker-<id>.sim:9092"), -1 if none.
  std::int32_t node_at(const net::BrokerAddress& address) const;
  void attach(ConnId conn, const std::shared_ptr<SimBrokerLink>& link) { by_conn_[conn] = link; }

 private:
  SimWorld* world_;
  SimTimerQueue* timers_;
  protocol::NegotiatedVersions versions_;
  std::map<ConnId, std::weak_ptr<SimBrokerLink>> by_conn_;
};

}  // namespace sluice::sim
