#include "sim_world.hpp"

#include <type_traits>

namespace sluice::sim {

ProduceCall::ProduceCall(const protocol::ProduceRequest& request, std::int16_t version)
    : request_(request), version_(version) {
  std::size_t n = 0;
  for (const auto& t : request_.topics) n += t.partitions.size();
  batches_.reserve(n);
  for (auto& t : request_.topics) {
    for (auto& p : t.partitions) {
      batches_.emplace_back(p.records.begin(), p.records.end());
      p.records = batches_.back();
    }
  }
}

SimWorld::SimWorld(std::uint64_t seed, const WorldOptions& options)
    : root_(seed),
      cluster_(root_.fork("cluster"), options.brokers, options.replication_factor),
      net_(clock_, root_.fork("network"), options.network, options.faults) {}

ConnId SimWorld::connect(std::int32_t node) { return net_.connect(node, cluster_.is_up(node)); }

RequestId SimWorld::send(ConnId conn, SimRequest request) {
  const auto* produce = std::get_if<ProduceCall>(&request);
  const bool expects_answer = produce == nullptr || produce->request().acks != 0;
  return net_.send(conn, std::move(request), expects_answer);
}

void SimWorld::broker_down(std::int32_t node) {
  cluster_.broker_down(node);
  net_.close_node(node);
  trace_.add("broker-down", {clock_.now(), node});
}

std::optional<SimEvent> SimWorld::poll(SimTime until) {
  // step(until) never goes past `until`, even after a lost request (which is
  // no event), so the caller's timers are never overtaken.
  while (std::optional<SimEvent> e = net_.step(until)) {
    trace_event(*e);
    if (auto* arrived = std::get_if<SimNet::RequestArrived>(&*e)) {
      serve(*arrived);
      continue;
    }
    return e;
  }
  if (until != kNever && until > clock_.now()) clock_.advance_to(until);
  return std::nullopt;
}

void SimWorld::serve(SimNet::RequestArrived& arrived) {
  const std::int32_t node = arrived.node;
  if (!cluster_.is_up(node)) {  // cannot happen while broker_down() closes its connections; kept as a guard
    net_.server_close(arrived.conn);
    return;
  }
  if (auto* call = std::get_if<ProduceCall>(&arrived.request)) {
    protocol::ProduceResponse r = cluster_.handle_produce(node, call->request(), call->version());
    bool any_error = false;
    bool timed_out = false;
    for (const auto& t : r.topics) {
      for (const auto& p : t.partitions) {
        trace_.add("produce", {clock_.now(), node, p.index, p.error_code, p.base_offset});
        any_error = any_error || p.error_code != 0;
        timed_out = timed_out || p.error_code == static_cast<std::int16_t>(protocol::kafka_errc::request_timed_out);
      }
    }
    if (call->request().acks == 0) {
      // No answer with acks=0; an error closes the connection instead, so
      // the client notices (KafkaApis.handleProduceRequest).
      if (any_error) net_.server_close(arrived.conn);
      return;
    }
    // REQUEST_TIMED_OUT is the broker giving up after the request's own
    // timeout: the answer leaves only then.
    const SimTime hold = timed_out ? SimTime{call->request().timeout_ms} * 1000 : 0;
    net_.respond(arrived.conn, arrived.id, SimResponse{std::move(r)}, hold);
    return;
  }
  if (auto* call = std::get_if<MetadataCall>(&arrived.request)) {
    net_.respond(arrived.conn, arrived.id, SimResponse{cluster_.handle_metadata(node, call->request, call->version)});
    return;
  }
  auto& call = std::get<InitProducerIdCall>(arrived.request);
  protocol::InitProducerIdResponse r = cluster_.handle_init_producer_id(node, call.request, call.version);
  trace_.add("init-producer-id", {clock_.now(), node, r.producer_id});
  net_.respond(arrived.conn, arrived.id, SimResponse{r});
}

void SimWorld::trace_event(const SimEvent& e) {
  const SimTime t = clock_.now();
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, SimNet::RequestArrived>) {
          trace_.add("arrive", {t, ev.conn, ev.node, static_cast<std::int64_t>(ev.id),
                                static_cast<std::int64_t>(ev.request.index())});
        } else if constexpr (std::is_same_v<T, SimNet::ResponseArrived>) {
          trace_.add("answer", {t, ev.conn, static_cast<std::int64_t>(ev.id),
                                static_cast<std::int64_t>(ev.response.index())});
        } else if constexpr (std::is_same_v<T, SimNet::Connected>) {
          trace_.add("connected", {t, ev.conn, ev.node});
        } else if constexpr (std::is_same_v<T, SimNet::ConnectFailed>) {
          trace_.add("connect-failed", {t, ev.conn, ev.node});
        } else {
          trace_.add("closed", {t, ev.conn, ev.node, static_cast<std::int64_t>(ev.unanswered.size())});
        }
      },
      e);
}

}  // namespace sluice::sim
