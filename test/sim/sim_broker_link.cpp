#include "sim_broker_link.hpp"

#include <cerrno>
#include <stdexcept>
#include <type_traits>

#include "../fuzz/response_writers.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/record_batch.hpp"

namespace sluice::sim {

using protocol::ApiKey;

namespace {

protocol::NegotiatedVersions negotiated(const SimLinkVersions& v) {
  protocol::ApiVersionsResponse broker;
  broker.api_keys = {
      {static_cast<std::int16_t>(ApiKey::Produce), 3, v.produce},
      {static_cast<std::int16_t>(ApiKey::Metadata), 0, v.metadata},
      {static_cast<std::int16_t>(ApiKey::ApiVersions), 0, 4},
      {static_cast<std::int16_t>(ApiKey::InitProducerId), 0, v.init_producer_id},
  };
  return protocol::NegotiatedVersions(broker);
}

std::int64_t read_be(std::span<const std::uint8_t> bytes, std::size_t at, std::size_t n) {
  if (bytes.size() < at + n) return -1;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | bytes[at + i];
  if (n == 2) return static_cast<std::int16_t>(v);
  if (n == 4) return static_cast<std::int32_t>(v);
  return static_cast<std::int64_t>(v);
}

std::int64_t topic_index(const SimCluster& cluster, const std::string& name, const protocol::Uuid& id) {
  const auto& topics = cluster.topics();
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (topics[i].name == name || (!id.is_zero() && topics[i].id == id)) return static_cast<std::int64_t>(i);
  }
  return -1;
}

// The answer as a broker writes it on the wire (the body after the header).
protocol::Bytes encode_body(const SimResponse& response, std::int16_t version) {
  return std::visit(
      [version](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, protocol::ProduceResponse>) {
          return fuzz::write_produce_response(r, version);
        } else if constexpr (std::is_same_v<T, protocol::MetadataResponse>) {
          return fuzz::write_metadata_response(r, version);
        } else {
          return fuzz::write_init_producer_id_response(r, version);
        }
      },
      response);
}

}  // namespace

// ------------------------------------------------------------------ the link

SimBrokerLink::SimBrokerLink(SimLinkFactory& factory, std::int32_t node_id, net::BrokerAddress address,
                             std::chrono::milliseconds request_timeout)
    : factory_(&factory),
      node_id_(node_id),
      address_(std::move(address)),
      request_timeout_(request_timeout),
      deadline_timer_(factory.timers().make_timer()),
      written_timer_(factory.timers().make_timer()),
      last_used_(SimEngineClock::at(factory.world().now())) {}

void SimBrokerLink::connect(ConnectHandler done) {
  on_connect_ = std::move(done);
  state_ = detail::LinkState::connecting;
  // An address no simulated broker has is a broker that cannot be reached:
  // the network answers ConnectFailed for it.
  conn_ = factory_->world().connect(factory_->node_at(address_));
  factory_->attach(conn_, shared_from_this());
}

void SimBrokerLink::on_connected() {
  if (state_ != detail::LinkState::connecting) return;
  state_ = detail::LinkState::ready;
  versions_ = factory_->versions();
  last_used_ = SimEngineClock::at(factory_->world().now());
  if (auto done = std::exchange(on_connect_, nullptr)) done({});
}

void SimBrokerLink::on_connect_failed() {
  if (state_ != detail::LinkState::connecting) return;
  state_ = detail::LinkState::closed;
  if (auto done = std::exchange(on_connect_, nullptr)) done(std::error_code(ECONNREFUSED, std::system_category()));
}

void SimBrokerLink::send_produce(const protocol::ProduceRequest& request, bool expect_response,
                                 net::ResponseHandler handler) {
  const auto version = usable_version(ApiKey::Produce, handler);
  if (!version) return;
  // What the producer sent, per batch, for replays (--trace): topic,
  // partition, producer id, epoch, base sequence, records.
  SimWorld& world = factory_->world();
  namespace b = protocol::batch;
  for (const auto& t : request.topics) {
    for (const auto& p : t.partitions) {
      world.trace().add("tx-produce", {world.now(), conn_, topic_index(world.cluster(), t.name, t.topic_id), p.index,
                                       read_be(p.records, b::kProducerId, 8), read_be(p.records, b::kProducerEpoch, 2),
                                       read_be(p.records, b::kBaseSequence, 4),
                                       read_be(p.records, b::kRecordsCount, 4)});
    }
  }
  // The call copies the batches: the engine may free or re-stamp them once
  // the handler ran, and the simulated broker reads them later.
  dispatch(*version, SimRequest{ProduceCall(request, *version)}, expect_response, std::move(handler));
}

void SimBrokerLink::send_metadata(const protocol::MetadataRequest& request, net::ResponseHandler handler) {
  const auto version = usable_version(ApiKey::Metadata, handler);
  if (!version) return;
  dispatch(*version, SimRequest{MetadataCall{request, *version}}, true, std::move(handler));
}

void SimBrokerLink::send_init_producer_id(const protocol::InitProducerIdRequest& request,
                                          net::ResponseHandler handler) {
  const auto version = usable_version(ApiKey::InitProducerId, handler);
  if (!version) return;
  dispatch(*version, SimRequest{InitProducerIdCall{request, *version}}, true, std::move(handler));
}

void SimBrokerLink::send_create_topics(const protocol::CreateTopicsRequest&, net::ResponseHandler handler) {
  // The simulated brokers do not offer CreateTopics (SimLinkVersions): this
  // fails with no_common_version, as a real connection to such a broker would.
  if (!usable_version(ApiKey::CreateTopics, handler)) return;
  throw std::logic_error("SimBrokerLink: CreateTopics is not simulated");
}

std::optional<std::int16_t> SimBrokerLink::usable_version(ApiKey key, net::ResponseHandler& handler) {
  if (state_ != detail::LinkState::ready) {
    handler(net::RequestOutcome{net::net_errc::connection_closed, {}, false});
    return std::nullopt;
  }
  const auto version = versions_.version(key);
  if (!version) handler(net::RequestOutcome{net::net_errc::no_common_version, {}, false});
  return version;
}

void SimBrokerLink::dispatch(std::int16_t version, SimRequest request, bool expect_response,
                             net::ResponseHandler handler) {
  SimWorld& world = factory_->world();
  last_used_ = SimEngineClock::at(world.now());
  const RequestId id = world.send(conn_, std::move(request));
  if (!expect_response) {
    // acks=0: written is all the answer there will be (on a later turn, as
    // the real connection's write completion).
    written_.push_back(std::move(handler));
    written_timer_->arm(SimEngineClock::at(world.now()), [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self) return;
      auto done = std::exchange(self->written_, {});
      for (auto& h : done) h(net::RequestOutcome{{}, {}, true});
    });
    return;
  }
  const SimTime deadline =
      world.now() + std::chrono::duration_cast<std::chrono::microseconds>(request_timeout_).count();
  open_.push_back(OpenRequest{id, version, deadline, std::move(handler)});
  if (open_.size() == 1) arm_deadline();
}

void SimBrokerLink::on_response(RequestId id, SimResponse&& response) {
  if (state_ != detail::LinkState::ready) return;
  auto it = open_.begin();
  while (it != open_.end() && it->id != id) ++it;
  if (it == open_.end()) return;  // timed out meanwhile: the link is closed then, so not reached
  OpenRequest request = std::move(*it);
  open_.erase(it);
  last_used_ = SimEngineClock::at(factory_->world().now());
  if (const auto* produce = std::get_if<protocol::ProduceResponse>(&response)) {
    SimWorld& world = factory_->world();
    for (const auto& t : produce->topics) {
      for (const auto& p : t.partitions) {
        world.trace().add("rx-produce", {world.now(), conn_, topic_index(world.cluster(), t.name, t.topic_id), p.index,
                                         p.error_code, p.base_offset});
      }
    }
  }
  const protocol::Bytes body = encode_body(response, request.version);
  request.handler(net::RequestOutcome{{}, body, true});
  if (state_ == detail::LinkState::ready) arm_deadline();
}

void SimBrokerLink::on_closed() {
  if (state_ == detail::LinkState::closed) return;
  const bool was_connecting = state_ == detail::LinkState::connecting;
  state_ = detail::LinkState::closed;
  deadline_timer_->cancel();
  fail_open(net::net_errc::connection_closed);
  if (was_connecting) {
    if (auto done = std::exchange(on_connect_, nullptr)) done(net::net_errc::connection_closed);
  }
}

void SimBrokerLink::close(std::error_code reason) {
  if (state_ == detail::LinkState::closed) return;
  const bool was_connecting = state_ == detail::LinkState::connecting;
  state_ = detail::LinkState::closed;
  if (conn_ != 0) factory_->world().close(conn_);
  deadline_timer_->cancel();
  fail_open(reason);
  if (was_connecting) {
    if (auto done = std::exchange(on_connect_, nullptr)) done(reason);
  }
}

void SimBrokerLink::fail_open(std::error_code reason) {
  factory_->world().trace().add("link-failed", {factory_->world().now(), conn_, reason.value(),
                                                static_cast<std::int64_t>(open_.size())});
  auto open = std::exchange(open_, {});
  auto written = std::exchange(written_, {});
  written_timer_->cancel();
  for (auto& r : open) r.handler(net::RequestOutcome{reason, {}, true});
  for (auto& h : written) h(net::RequestOutcome{reason, {}, true});
}

void SimBrokerLink::arm_deadline() {
  if (open_.empty()) {
    deadline_timer_->cancel();
    return;
  }
  // Every request has the same timeout from its send, so the oldest's
  // deadline is the earliest.
  deadline_timer_->arm(SimEngineClock::at(open_.front().deadline), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->on_deadline();
  });
}

void SimBrokerLink::on_deadline() {
  if (state_ != detail::LinkState::ready) return;
  if (!open_.empty() && open_.front().deadline <= factory_->world().now()) {
    close(net::net_errc::request_timeout);
    return;
  }
  arm_deadline();
}

// --------------------------------------------------------------- the factory

SimLinkFactory::SimLinkFactory(SimWorld& world, SimTimerQueue& timers, SimLinkVersions versions)
    : world_(&world), timers_(&timers), versions_(negotiated(versions)) {}

std::shared_ptr<detail::BrokerLink> SimLinkFactory::make_link(std::int32_t node_id, const net::BrokerAddress& address,
                                                              const net::ConnectionOptions& options) {
  return std::make_shared<SimBrokerLink>(*this, node_id, address, options.request_timeout);
}

std::int32_t SimLinkFactory::node_at(const net::BrokerAddress& address) const {
  for (const auto& b : world_->cluster().brokers()) {
    if (b.host == address.host && b.port == address.port) return b.node_id;
  }
  return -1;
}

bool SimLinkFactory::deliver(SimEvent&& event) {
  const ConnId conn = std::visit([](const auto& e) { return e.conn; }, event);
  auto it = by_conn_.find(conn);
  if (it == by_conn_.end()) return false;
  // Held for the call: the engine may drop the link from inside its handler.
  std::shared_ptr<SimBrokerLink> link = it->second.lock();
  if (!link) {
    by_conn_.erase(it);
    return false;
  }
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, SimNet::Connected>) {
          link->on_connected();
        } else if constexpr (std::is_same_v<T, SimNet::ConnectFailed>) {
          link->on_connect_failed();
        } else if constexpr (std::is_same_v<T, SimNet::ResponseArrived>) {
          link->on_response(e.id, std::move(e.response));
        } else if constexpr (std::is_same_v<T, SimNet::ConnectionClosed>) {
          link->on_closed();
        }
        // RequestArrived is the brokers' (SimWorld serves it), never the client's.
      },
      event);
  return true;
}

}  // namespace sluice::sim
