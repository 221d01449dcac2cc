// ProducerDriver, cluster side: carries out what the cluster view
// (cluster_view.hpp) decides: dials brokers, sends Metadata and
// InitProducerId, closes idle links, re-bootstraps. Runs on the I/O thread
// only; see producer_driver.hpp.
#include "producer_driver.hpp"

#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::detail {

using protocol::ApiKey;


std::shared_ptr<BrokerLink> ProducerDriver::any_ready_connection() {
  for (auto& [id, c] : connections_) {
    if (c->state() == LinkState::ready) return c;
  }
  return nullptr;
}

std::vector<LinkSummary> ProducerDriver::link_summaries() const {
  std::vector<LinkSummary> out;
  out.reserve(connections_.size());
  for (const auto& [id, c] : connections_) {
    const LinkState s = c->state();
    out.push_back({id, s == LinkState::ready     ? LinkPhase::ready
                       : s == LinkState::closed ? LinkPhase::closed
                                                : LinkPhase::connecting});
  }
  return out;
}

// The connection to `node_id`, started if needed (not while its reconnect
// backoff runs).
std::shared_ptr<BrokerLink> ProducerDriver::connection(std::int32_t node_id) {
  auto it = connections_.find(node_id);
  if (it != connections_.end() && it->second->state() != LinkState::closed) return it->second;
  if (it != connections_.end()) note_link_down(node_id, clock_->steady());
  if (!cluster_.may_connect(node_id, clock_->steady())) return nullptr;
  std::optional<net::BrokerAddress> address = cluster_.address(node_id);
  if (!address) return nullptr;
  net::ConnectionOptions options;
  options.client_id = settings_.client_id;
  options.connect_timeout = settings_.connect_timeout;
  options.request_timeout = settings_.request_timeout;
  options.max_response_bytes = settings_.max_response_bytes;
  options.send_buffer_bytes = settings_.send_buffer_bytes;
  options.receive_buffer_bytes = settings_.receive_buffer_bytes;
  options.keepalive = settings_.socket_keepalive;
  options.security = net_security_;
  LinkHistory& history = link_history_[node_id];
  options.traffic = history.wire;  // statistics: every request to this broker, across reconnects
  if (debugging(DebugContext::protocol)) {  // debug=protocol: a line per request and per answer
    options.protocol_trace = [this, name = describe_broker(node_id, address->to_string())](const std::string& line) {
      debug(DebugContext::protocol, name + ": " + line);
    };
  }
  debug(DebugContext::broker, "connecting to " + describe_broker(node_id, address->to_string()));
  auto c = links_->make_link(node_id, *address, options);
  connections_[node_id] = c;
  ++history.connects;
  history.state_since = clock_->steady();
  c->connect([this, node_id, where = address->to_string(), weak = std::weak_ptr(c)](std::error_code ec) {
    // TLS and SASL failures come with the broker's words and what to change (no credentials).
    const auto conn = weak.lock();
    const std::string detail = conn ? conn->failure_detail() : std::string();
    const std::string name = describe_broker(node_id, where);
    // A detail that names the broker already (version mismatches, SASL) is not prefixed twice.
    const std::string why = detail.empty() ? ec.message() : detail;
    LinkHistory& h = link_history_[node_id];
    h.up = !ec;
    h.state_since = clock_->steady();
    const auto delay =
        cluster_.on_connect_result(node_id, ec, why.find(where) != std::string::npos ? why : name + ": " + why,
                                   clock_->steady());
    if (ec) {
      // A failure the user must act on is an error once; the same one on
      // the following attempts is info (the error callback still hears of
      // each outage, client_error_monitor).
      const bool repeated = !detail.empty() && h.failure_logged == detail;
      if (!detail.empty()) h.failure_logged = detail;
      log(detail.empty() || repeated ? LogLevel::info : LogLevel::error,
          name + ": cannot connect (" + why + "); next attempt in " + std::to_string(delay.count()) + " ms" +
              (repeated ? " (as before)" : ""));
    } else {
      h.failure_logged.clear();
      // The API versions this connection will use (test/interop reads them for docs/COMPATIBILITY.md).
      if (conn) debug(DebugContext::broker, "connected to " + name + ": API versions " + conn->versions().summary());
      if (settings_.security.protocol != SecurityProtocol::plaintext) {
        debug(DebugContext::security, name + ": " + sluice::to_string(settings_.security.protocol) + " set up" +
                                          (uses_sasl(settings_.security.protocol)
                                               ? std::string(", SASL ") + sluice::to_string(settings_.security.sasl.mechanism)
                                               : std::string()));
      }
      if (uses_tls(settings_.security.protocol) && !settings_.security.tls.verify_certificate) {
        log(LogLevel::warning, "connected to " + where + " over TLS WITHOUT certificate verification "
                               "(enable.ssl.certificate.verification=false): anyone on the path can impersonate it");
      }
    }
    if (ec != net::net_errc::shutting_down && !stopping_) {
      const std::vector<std::int32_t> candidates = cluster_.dial_candidates();
      for (auto& event : client_errors_.on_connect_result(node_id, ec, why.find(where) != std::string::npos ? why : name + ": " + why,
                                                          candidates, any_ready_connection() != nullptr)) {
        report_client_error(std::move(event));
      }
    }
    run_pass();
  });
  return c;
}

void ProducerDriver::request_metadata(Clock::time_point now) {
  const MetadataStep step = cluster_.metadata_step(now, link_summaries());
  if (step.kind == MetadataStep::Kind::connect) connection(step.node_id);
  if (step.kind != MetadataStep::Kind::ask) return;
  auto conn = connections_.at(step.node_id);
  // Topics unused for metadata.max.idle.ms are no longer asked for.
  for (const auto& name : placer_.forget_idle(now)) {
    debug(DebugContext::topic, "topic '" + name + "' unused for metadata.max.idle.ms: no longer asked for");
    // Its senders stage records again first: a record put straight into a
    // batch of a topic no longer in the metadata would wait for a leader
    // nobody asks for.
    if (routes_.erase(name) > 0) gate_.withdraw(name);
    cluster_.forget(name);
  }
  const protocol::MetadataRequest req = cluster_.metadata_request(placer_.topic_names());
  const std::int16_t version = *conn->versions().version(ApiKey::Metadata);
  if (debugging(DebugContext::metadata)) {
    std::string topics;
    if (req.topics) {
      for (const auto& t : *req.topics) topics += (topics.empty() ? "" : ", ") + t.name.value_or("?");
    }
    debug(DebugContext::metadata, "Metadata v" + std::to_string(version) + " request to " +
                                      describe_broker(step.node_id, conn->address().to_string()) + " for " +
                                      (topics.empty() ? std::string("no topic") : "topics " + topics));
  }
  conn->send_metadata(req, [this, version, from = describe_broker(step.node_id, conn->address().to_string())](
                               const net::RequestOutcome& out) { on_metadata(out, version, from); });
}

void ProducerDriver::on_metadata(const net::RequestOutcome& out, std::int16_t version, const std::string& from) {
  const MetadataOutcome m = cluster_.on_metadata(
      out, version, clock_->steady(), [this](const std::string& name) { return placer_.topic_in_use(name); }, from);
  if (!m.unreadable.empty()) log(LogLevel::warning, m.unreadable + "; asking again");
  debug(DebugContext::metadata, out.ec ? "Metadata request failed: " + out.ec.message()
                                        : "Metadata answer: " + std::to_string(cluster_.metadata().brokers().size()) +
                                              " broker(s) known");
  if (m.rebootstrap) {
    log(LogLevel::warning, "Metadata answered REBOOTSTRAP_REQUIRED: reconnecting from bootstrap.servers");
    close_all_links();
  }
  if (!m.refused.empty()) log(LogLevel::warning, "Metadata answer refused in part:" + m.refused + "; asking again");
  run_pass();
}

// The idempotent producer needs a producer id before its first batch; any
// broker hands one out (idempotent-only: no coordinator).
void ProducerDriver::maybe_request_producer_id(Clock::time_point now) {
  if (!idempotence_.should_request_id(now) || accumulator_.empty()) return;
  auto conn = any_ready_connection();
  if (!conn) {
    cluster_.want_metadata();  // connects a bootstrap broker
    return;
  }
  auto version = conn->versions().version(ApiKey::InitProducerId);
  if (!version) {
    idempotence_.on_no_common_version(describe_broker(conn->node_id(), conn->address().to_string()) + ": " +
                                      conn->versions().describe_mismatch(ApiKey::InitProducerId));
    return;
  }
  idempotence_.on_id_requested();
  debug(DebugContext::eos, "InitProducerId request to " + describe_broker(conn->node_id(), conn->address().to_string()));
  protocol::InitProducerIdRequest req = idempotence_.id_request();
  conn->send_init_producer_id(req, [this, v = *version](const net::RequestOutcome& out) { on_producer_id(out, v); });
}

void ProducerDriver::on_producer_id(const net::RequestOutcome& out, std::int16_t version) {
  const auto now = clock_->steady();
  if (out.ec) {
    idempotence_.on_id_response(out.ec, 0, -1, -1, now, jitter());
  } else if (auto r = protocol::decode_init_producer_id_response(out.body, version)) {
    idempotence_.on_id_response({}, r->error_code, r->producer_id, r->producer_epoch, now, jitter());
    if (r->error_code == 0) {
      log(LogLevel::info, "idempotent producer id " + std::to_string(r->producer_id) + ", epoch " +
                              std::to_string(r->producer_epoch));
    } else {
      log(LogLevel::info, std::string("InitProducerId refused: ") + protocol::kafka_error_info(r->error_code).name);
    }
  } else {
    idempotence_.on_id_response(net::net_errc::protocol_error, 0, -1, -1, now, jitter());
  }
  run_pass();
}

// Connections idle for connections.max.idle.ms close (before the broker's
// own limit closes them under a request); and when the producer has needed
// a broker and reached none for metadata.recovery.rebootstrap.trigger.ms,
// start again from bootstrap.servers (the cluster view decides:
// rebootstrap_due).
void ProducerDriver::maintain_connections(Clock::time_point now) {
  ClusterReach reach;
  for (auto it = connections_.begin(); it != connections_.end();) {
    auto& c = it->second;
    const bool ready = c->state() == LinkState::ready;
    if (ready && settings_.connections_max_idle.count() > 0 && c->in_flight() == 0 &&
        now - c->last_used() >= settings_.connections_max_idle) {
      debug(DebugContext::broker, "closing idle connection to " + c->address().to_string());
      c->close(net::net_errc::connection_closed);
      note_link_down(it->first, now);
      it = connections_.erase(it);
      continue;
    }
    reach.reachable |= ready;
    reach.bootstrap_connecting |= it->first < 0 && c->state() == LinkState::connecting;
    ++it;
  }
  reach.needed = placer_.has_topics() && (cluster_.metadata_wanted() || !accumulator_.empty());
  if (cluster_.rebootstrap_due(now, reach)) {
    log(LogLevel::warning, "no broker reachable for " + std::to_string(settings_.rebootstrap_trigger.count()) +
                               " ms: re-bootstrapping from bootstrap.servers=" + settings_.bootstrap_servers);
    close_all_links();
  }
}

// A broker that speaks no version Sluice can use will not start to while
// the producer waits: when every broker the producer knows answered so,
// what is not yet sent fails now, not after max.block.ms (the Java client's
// UnsupportedVersionException). Batches already sent stay: they may be in
// the log, and delivery.timeout.ms ends them. The view keeps dialling after
// its backoff, so a broker upgraded meanwhile is found.
void ProducerDriver::fail_if_no_usable_broker() {
  const std::string why = cluster_.no_usable_broker();
  if (why.empty()) return;
  take_incoming();  // parked records too, as Records
  std::size_t n = 0;
  for (auto& b : accumulator_.take_unsent()) {
    n += b->callbacks.size();
    complete(*b, -1, net::net_errc::no_common_version, why + " (" + b->tp.str() + ")", false);
  }
  PlacerActions ended;
  placer_.fail_all(net::net_errc::no_common_version, why, ended);
  n += ended.ended.size();
  carry_out(ended);
  if (n > 0) log(LogLevel::error, std::to_string(n) + " records failed: " + why);
}

// Closes every link. The map is emptied before closing: closing a link that
// is still connecting runs its handler (and a pass) at once.
void ProducerDriver::close_all_links() {
  auto conns = std::exchange(connections_, {});
  for (auto& [id, c] : conns) {
    c->close(net::net_errc::connection_closed);
    note_link_down(id, clock_->steady());
  }
}

}  // namespace sluice::detail
