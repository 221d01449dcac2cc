// ProducerEngine, cluster side: connections to brokers (bootstrap,
// reconnect backoff, throttling) and metadata (requests, refresh,
// re-bootstrap). Runs on the I/O thread only; see producer_engine.hpp.
#include "producer_engine.hpp"

#include "sluice/net/net_error.hpp"
#include "sluice/net/rebootstrap_trigger.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::detail {

using protocol::ApiKey;

std::shared_ptr<BrokerLink> ProducerEngine::any_ready_connection() {
  for (auto& [id, c] : connections_) {
    if (c->state() == LinkState::ready) return c;
  }
  return nullptr;
}

// The connection to `node_id`, started if needed. Bootstrap connections use
// ids -1, -2, ... (the index in the bootstrap list).
std::shared_ptr<BrokerLink> ProducerEngine::connection(std::int32_t node_id) {
  auto it = connections_.find(node_id);
  if (it != connections_.end() && it->second->state() != LinkState::closed) return it->second;
  const auto now = clock_->steady();
  if (auto r = reconnect_at_.find(node_id); r != reconnect_at_.end() && now < r->second) return nullptr;
  std::optional<net::BrokerAddress> address;
  if (node_id < 0) {
    address = bootstrap_[static_cast<std::size_t>(-node_id - 1)];
  } else {
    address = metadata_.broker(node_id);
  }
  if (!address) return nullptr;
  net::ConnectionOptions options;
  options.client_id = settings_.client_id;
  options.connect_timeout = settings_.connect_timeout;
  options.request_timeout = settings_.request_timeout;
  options.max_response_bytes = settings_.max_response_bytes;
  options.send_buffer_bytes = settings_.send_buffer_bytes;
  options.receive_buffer_bytes = settings_.receive_buffer_bytes;
  options.keepalive = settings_.socket_keepalive;
  options.security = settings_.security;
  auto c = links_->make_link(node_id, *address, options);
  connections_[node_id] = c;
  c->connect([this, node_id, where = address->to_string(), weak = std::weak_ptr(c)](std::error_code ec) {
    auto& backoff = backoff_
                        .try_emplace(node_id, settings_.reconnect_backoff, settings_.reconnect_backoff_max,
                                     static_cast<std::uint64_t>(clock_->steady().time_since_epoch().count()) ^
                                         static_cast<std::uint64_t>(node_id))
                        .first->second;
    // TLS and SASL failures come with the broker's words and what to change (no credentials).
    const auto conn = weak.lock();
    const std::string detail = conn ? conn->failure_detail() : std::string();
    if (ec) {
      const auto delay = backoff.next_delay();
      log(detail.empty() ? LogLevel::info : LogLevel::error,
          (node_id < 0 ? "bootstrap broker " : "broker " + std::to_string(node_id) + " at ") + where +
              ": cannot connect (" + (detail.empty() ? ec.message() : detail) + "); next attempt in " +
              std::to_string(delay.count()) + " ms");
      // A detail that names the broker already (version mismatches, SASL) is not prefixed twice.
      const std::string why = detail.empty() ? ec.message() : detail;
      last_connection_failure_ =
          why.find(where) != std::string::npos
              ? why
              : (node_id < 0 ? "bootstrap broker " : "broker " + std::to_string(node_id) + " at ") + where + ": " + why;
      reconnect_at_[node_id] = clock_->steady() + delay;
      if (node_id < 0) next_bootstrap_ = (next_bootstrap_ + 1) % bootstrap_.size();
      metadata_wanted_ = true;
    } else {
      backoff.reset();
      reconnect_at_.erase(node_id);
      last_connection_failure_.clear();
      if (net::uses_tls(settings_.security.protocol) && !settings_.security.tls.verify_certificate) {
        log(LogLevel::warning, "connected to " + where + " over TLS WITHOUT certificate verification "
                               "(enable.ssl.certificate.verification=false): anyone on the path can impersonate it");
      }
    }
    run_pass();
  });
  return c;
}

void ProducerEngine::request_metadata() {
  if (metadata_in_flight_ || clock_->steady() < next_metadata_at_) return;
  auto conn = any_ready_connection();
  if (!conn) {
    // Once Metadata has named the cluster's brokers, ask one of them (the
    // Java client's least-loaded node): a bootstrap entry may be long gone
    // while the cluster lives on. The bootstrap list serves at the start and
    // after a re-bootstrap, until a Metadata answer comes.
    if (!use_bootstrap_ && !metadata_.brokers().empty()) {
      connect_known_broker();
    } else {
      connection(-static_cast<std::int32_t>(next_bootstrap_) - 1);
    }
    return;
  }
  forget_idle_topics(clock_->steady());
  protocol::MetadataRequest req;
  req.topics.emplace();
  for (const auto& [name, topic] : topics_) req.topics->push_back({{}, name});
  req.allow_auto_topic_creation = settings_.allow_auto_create_topics;
  metadata_in_flight_ = true;
  metadata_wanted_ = false;
  const std::int16_t version = *conn->versions().version(ApiKey::Metadata);
  conn->send_metadata(req, [this, version](const net::RequestOutcome& out) { on_metadata(out, version); });
}

bool ProducerEngine::topic_in_use(const std::string& name, const TopicState& topic) const {
  if (!topic.waiting.empty() || !topic.beyond.empty()) return true;
  if (parked_.any_topic([&name](const std::string& t) { return t == name; })) return true;
  return !accumulator_.topic_idle(name);
}

void ProducerEngine::forget_idle_topics(Clock::time_point now) {
  for (auto it = topics_.begin(); it != topics_.end();) {
    if (now - it->second.last_used >= settings_.metadata_max_idle && !topic_in_use(it->first, it->second)) {
      log(LogLevel::debug, "topic '" + it->first + "' unused for metadata.max.idle.ms: no longer asked for");
      metadata_.forget(it->first);
      it = topics_.erase(it);
    } else {
      ++it;
    }
  }
}

// Starts (or waits for) a connection to a broker from Metadata: one being
// set up is waited for; otherwise the next, round robin, not in backoff.
void ProducerEngine::connect_known_broker() {
  const auto& brokers = metadata_.brokers();
  for (const auto& [id, c] : connections_) {
    if (id >= 0 && c->state() != LinkState::closed && brokers.count(id) != 0) return;
  }
  std::vector<std::int32_t> ids;
  for (const auto& [id, address] : brokers) ids.push_back(id);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::size_t i = (next_known_broker_ + k) % ids.size();
    if (connection(ids[i])) {
      next_known_broker_ = i + 1;
      return;
    }
  }
  // Every one backing off: the pass timer comes back at the earliest retry.
}

void ProducerEngine::on_metadata(const net::RequestOutcome& out, std::int16_t version) {
  metadata_in_flight_ = false;
  if (out.ec) {
    metadata_wanted_ = true;
  } else if (auto m = protocol::decode_metadata_response(out.body, version)) {
    if (m->error_code == static_cast<std::int16_t>(protocol::kafka_errc::rebootstrap_required)) {
      // KIP-1102: the cluster's brokers may have moved; start again from
      // bootstrap.servers with fresh connections.
      log(LogLevel::warning, "Metadata answered REBOOTSTRAP_REQUIRED: reconnecting from bootstrap.servers");
      rebootstrap();
      run_pass();
      return;
    }
    const net::MetadataRejects rejects = metadata_.update(*m);
    if (!rejects.empty()) {
      // A broken answer (a bug or a corruption on the broker's side) is not
      // used; the next one may be whole.
      std::string what;
      for (const auto& t : rejects.topics) what += " topic '" + t + "' (partitions not listed as 0..n-1);";
      for (auto id : rejects.brokers) what += " broker " + std::to_string(id) + " (port outside 0..65535);";
      what.pop_back();
      log(LogLevel::warning, "Metadata answer refused in part:" + what + "; asking again");
      metadata_wanted_ = true;
    }
    use_bootstrap_ = false;
    last_metadata_at_ = clock_->steady();
    for (const auto& t : m->topics) {
      bool leaderless = false;
      for (const auto& p : t.partitions) leaderless |= p.leader_id < 0;
      // Auto-created topics answer LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC at
      // first: ask again after a backoff — while records wait for it. A
      // topic nothing waits for is left to the periodic refresh.
      if (!(t.error_code != 0 || leaderless || t.partitions.empty()) || !t.name) continue;
      auto it = topics_.find(*t.name);
      if (it != topics_.end() && topic_in_use(it->first, it->second)) metadata_wanted_ = true;
    }
  } else {
    metadata_wanted_ = true;
  }
  // Back off before asking again: no storm of Metadata requests.
  if (metadata_wanted_) next_metadata_at_ = clock_->steady() + settings_.retry_backoff;
  run_pass();
}

// The idempotent producer needs a producer id before its first batch; any
// broker hands one out (idempotent-only: no coordinator).
void ProducerEngine::maybe_request_producer_id(Clock::time_point now) {
  if (!idempotence_.should_request_id(now) || accumulator_.empty()) return;
  auto conn = any_ready_connection();
  if (!conn) {
    metadata_wanted_ = true;  // connects a bootstrap broker
    return;
  }
  auto version = conn->versions().version(ApiKey::InitProducerId);
  if (!version) {
    idempotence_.on_no_common_version(
        (conn->node_id() < 0 ? "bootstrap broker " : "broker " + std::to_string(conn->node_id()) + " at ") +
        conn->address().to_string() + ": " + conn->versions().describe_mismatch(ApiKey::InitProducerId));
    return;
  }
  idempotence_.on_id_requested();
  protocol::InitProducerIdRequest req = idempotence_.id_request();
  conn->send_init_producer_id(req, [this, v = *version](const net::RequestOutcome& out) { on_producer_id(out, v); });
}

void ProducerEngine::on_producer_id(const net::RequestOutcome& out, std::int16_t version) {
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
// start again from bootstrap.servers: the cluster's addresses may have
// changed. The decision is net::decide_rebootstrap (sans-I/O, tested on a
// fake clock); unreachable_since_ is its state.
void ProducerEngine::maintain_connections(Clock::time_point now) {
  net::ClusterReach reach;
  for (auto it = connections_.begin(); it != connections_.end();) {
    auto& c = it->second;
    const bool ready = c->state() == LinkState::ready;
    if (ready && settings_.connections_max_idle.count() > 0 && c->in_flight() == 0 &&
        now - c->last_used() >= settings_.connections_max_idle) {
      log(LogLevel::debug, "closing idle connection to " + c->address().to_string());
      c->close(net::net_errc::connection_closed);
      it = connections_.erase(it);
      continue;
    }
    reach.reachable |= ready;
    reach.bootstrap_connecting |= it->first < 0 && c->state() == LinkState::connecting;
    ++it;
  }
  reach.needed = !topics_.empty() && (metadata_wanted_ || !accumulator_.empty());
  reach.brokers_known = !metadata_.brokers().empty();
  const auto decision = net::decide_rebootstrap({settings_.rebootstrap, settings_.rebootstrap_trigger},
                                                unreachable_since_, now, reach);
  unreachable_since_ = decision.unreachable_since;
  if (decision.rebootstrap) {
    log(LogLevel::warning, "no broker reachable for " + std::to_string(settings_.rebootstrap_trigger.count()) +
                               " ms: re-bootstrapping from bootstrap.servers=" + settings_.bootstrap_servers);
    rebootstrap();
  }
}

// Closes every connection and starts again from the first bootstrap.servers
// entry. The state is reset before closing: closing a connection that is
// still connecting runs its handler (and a pass) at once. Reconnect
// backoffs stay, so a dead address is not dialled in a loop.
void ProducerEngine::rebootstrap() {
  auto conns = std::exchange(connections_, {});
  next_bootstrap_ = 0;
  use_bootstrap_ = true;
  metadata_wanted_ = true;
  next_metadata_at_ = {};
  for (auto& [id, c] : conns) c->close(net::net_errc::connection_closed);
}

void ProducerEngine::note_throttle(std::int32_t node_id, std::int32_t throttle_ms) {
  // KIP-219: the broker answered at once but asks us to hold off.
  if (throttle_ms > 0) throttled_until_[node_id] = clock_->steady() + std::chrono::milliseconds(throttle_ms);
}

}  // namespace sluice::detail
