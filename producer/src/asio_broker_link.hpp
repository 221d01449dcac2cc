#pragma once
// The production BrokerLink: a net::BrokerConnection on the engine's
// io_context. Each typed send encodes its request as the engine always did
// (Produce with one gathered write from the batches' own buffers; the other
// requests as one contiguous buffer).
#include <boost/asio/io_context.hpp>
#include <memory>

#include "broker_link.hpp"

namespace sluice::detail {

class AsioBrokerLink final : public BrokerLink {
 public:
  AsioBrokerLink(boost::asio::io_context& io, std::int32_t node_id, const net::BrokerAddress& address,
                 const net::ConnectionOptions& options);

  void connect(ConnectHandler done) override { conn_->connect(std::move(done)); }
  void close(std::error_code reason) override { conn_->close(reason); }
  void send_produce(const protocol::ProduceRequest& request, bool expect_response,
                    net::ResponseHandler handler) override;
  void send_metadata(const protocol::MetadataRequest& request, net::ResponseHandler handler) override;
  void send_init_producer_id(const protocol::InitProducerIdRequest& request, net::ResponseHandler handler) override;
  void send_create_topics(const protocol::CreateTopicsRequest& request, net::ResponseHandler handler) override;

  LinkState state() const noexcept override;
  std::int32_t node_id() const noexcept override { return conn_->node_id(); }
  const net::BrokerAddress& address() const noexcept override { return conn_->address(); }
  const protocol::NegotiatedVersions& versions() const noexcept override { return conn_->versions(); }
  std::size_t in_flight() const noexcept override { return conn_->in_flight(); }
  std::size_t unwritten() const noexcept override { return conn_->unwritten(); }
  Clock::time_point last_used() const noexcept override { return conn_->last_used(); }
  const std::string& failure_detail() const noexcept override { return conn_->failure_detail(); }

 private:
  // Shared: its own handlers keep it alive (shared_from_this) while they run.
  std::shared_ptr<net::BrokerConnection> conn_;
};

class AsioBrokerLinkFactory final : public BrokerLinkFactory {
 public:
  explicit AsioBrokerLinkFactory(boost::asio::io_context& io) : io_(io) {}
  std::shared_ptr<BrokerLink> make_link(std::int32_t node_id, const net::BrokerAddress& address,
                                        const net::ConnectionOptions& options) override {
    return std::make_shared<AsioBrokerLink>(io_, node_id, address, options);
  }

 private:
  boost::asio::io_context& io_;
};

}  // namespace sluice::detail
