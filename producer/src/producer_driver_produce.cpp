// ProducerDriver, sender side: hands ready partitions to their leaders'
// sinks (broker_sink.hpp), writes the requests they build, feeds the
// answers back, and carries out what the sinks decided (reports, leader
// hints, metadata). Runs on the I/O thread only; see producer_driver.hpp.
#include "producer_driver.hpp"
#include "produce_routing.hpp"
#include "sluice/errors.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

using protocol::ApiKey;

BrokerSink& ProducerDriver::sink(std::int32_t node_id) {
  auto it = sinks_.find(node_id);
  if (it == sinks_.end()) {
    it = sinks_.try_emplace(node_id, node_id, sink_options_,
                            SinkParts{accumulator_, idempotence_, partitioner_, cluster_.metadata(), stats_})
             .first;
  }
  return it->second;
}

void ProducerDriver::send_ready_batches(Clock::time_point now) {
  SinkActions actions;
  Routing routing = route_ready(accumulator_, idempotence_, cluster_.metadata(), settings_.max_in_flight, now,
                                flushing_, actions.ended);
  if (routing.metadata_wanted) cluster_.want_metadata();
  for (auto& [leader, partitions] : routing.by_leader) {
    auto conn = connection(leader);
    if (!conn || conn->state() != LinkState::ready) continue;
    if (conn->in_flight() >= static_cast<std::size_t>(settings_.max_in_flight)) continue;
    BrokerSink& s = sink(leader);
    if (s.throttled(now)) continue;
    auto request = s.build(partitions, *conn->versions().version(ApiKey::Produce), clock_->steady(), actions);
    if (!request) continue;
    // The request views each batch in its builder's buffer (a gathered
    // write in production). `request` (in the handler) owns the batches,
    // and the link runs the handler only once nothing can read them any
    // more (broker_link.hpp), so they stay alive and unchanged meanwhile; a
    // retry re-stamps producer id/epoch/sequence in place only after that.
    if (debugging(DebugContext::msg)) {
      std::size_t records = 0;
      for (const auto& b : request->batches) records += b->callbacks.size();
      debug(DebugContext::msg, "Produce v" + std::to_string(request->version) + " request to broker " +
                                   std::to_string(leader) + ": " + std::to_string(request->batches.size()) +
                                   " batch(es), " + std::to_string(records) + " record(s)");
    }
    conn->send_produce(request->request, settings_.acks != 0,
                       [this, request](const net::RequestOutcome& out) { on_produce(request, out); });
  }
  carry_out(actions);
}

void ProducerDriver::on_produce(const std::shared_ptr<InFlightProduce>& request, const net::RequestOutcome& out) {
  SinkActions actions;
  sink(request->node_id).on_answer(*request, out, clock_->steady(), [this] { return jitter(); }, stopping_, actions);
  carry_out(actions);
  run_pass();
}

void ProducerDriver::carry_out(SinkActions& actions) {
  if (actions.refresh_metadata) cluster_.want_metadata();
  for (const auto& hint : actions.leader_hints) cluster_.apply(hint);
  for (auto& e : actions.ended) complete(*e.batch, e.base_offset, e.error, e.message, e.outcome_unknown);
  actions.ended.clear();
}

void ProducerDriver::expire(Clock::time_point now) {
  SinkActions actions;
  expire_batches(accumulator_, idempotence_, now, settings_.delivery_timeout, actions.ended);
  carry_out(actions);
  PlacerActions records;
  placer_.expire(now, cluster_.last_connection_failure(), records);
  carry_out(records);
}

}  // namespace sluice::detail
