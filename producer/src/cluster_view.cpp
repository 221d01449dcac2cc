// ClusterView: metadata and the schedule of connections and Metadata
// requests. See cluster_view.hpp.
#include "cluster_view.hpp"

#include <algorithm>

#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

std::optional<net::BrokerAddress> ClusterView::address(std::int32_t node_id) const {
  if (node_id < 0) {
    const auto i = static_cast<std::size_t>(-static_cast<std::int64_t>(node_id) - 1);
    if (i >= options_.bootstrap.size()) return std::nullopt;
    return options_.bootstrap[i];
  }
  return metadata_.broker(node_id);
}

std::vector<std::int32_t> ClusterView::dial_candidates() const {
  std::vector<std::int32_t> ids;
  if (use_bootstrap_ || metadata_.brokers().empty()) {
    for (std::size_t i = 0; i < options_.bootstrap.size(); ++i) ids.push_back(-static_cast<std::int32_t>(i) - 1);
  } else {
    for (const auto& [id, address] : metadata_.brokers()) ids.push_back(id);
  }
  return ids;
}

bool ClusterView::may_connect(std::int32_t node_id, Clock::time_point now) const {
  auto r = reconnect_at_.find(node_id);
  return r == reconnect_at_.end() || now >= r->second;
}

net::ReconnectBackoff& ClusterView::backoff(std::int32_t node_id, Clock::time_point now) {
  return backoffs_
      .try_emplace(node_id, options_.reconnect_backoff, options_.reconnect_backoff_max,
                   static_cast<std::uint64_t>(now.time_since_epoch().count()) ^ static_cast<std::uint64_t>(node_id))
      .first->second;
}

std::chrono::milliseconds ClusterView::on_connect_result(std::int32_t node_id, std::error_code error,
                                                         const std::string& why, Clock::time_point now) {
  auto& b = backoff(node_id, now);
  if (error == net::net_errc::no_common_version || error == net::net_errc::sasl_unavailable) {
    unusable_[node_id] = why;
  } else {
    unusable_.erase(node_id);
  }
  if (!error) {
    b.reset();
    reconnect_at_.erase(node_id);
    last_failure_.clear();
    return std::chrono::milliseconds(0);
  }
  const auto delay = b.next_delay();
  last_failure_ = why;
  reconnect_at_[node_id] = now + delay;
  if (node_id < 0) next_bootstrap_ = (next_bootstrap_ + 1) % options_.bootstrap.size();
  wanted_ = true;
  return delay;
}

std::string ClusterView::no_usable_broker() const {
  if (unusable_.empty()) return {};  // the usual case, every pass
  std::vector<std::int32_t> known;
  for (std::size_t i = 0; i < options_.bootstrap.size(); ++i) known.push_back(-static_cast<std::int32_t>(i) - 1);
  for (const auto& [id, address] : metadata_.brokers()) known.push_back(id);
  std::vector<const std::string*> why;
  for (const auto id : known) {
    auto u = unusable_.find(id);
    if (u == unusable_.end()) return {};
    if (std::none_of(why.begin(), why.end(), [&u](const std::string* w) { return *w == u->second; })) {
      why.push_back(&u->second);
    }
  }
  // A few name the problem; a large cluster's every broker would bury it.
  constexpr std::size_t kNamed = 3;
  std::string s = "no broker speaks a version Sluice can use (";
  for (std::size_t i = 0; i < std::min(why.size(), kNamed); ++i) s += (i == 0 ? "" : "; ") + *why[i];
  if (why.size() > kNamed) s += "; and " + std::to_string(why.size() - kNamed) + " more";
  return s + "): upgrade the brokers (Sluice needs Kafka 0.11 or later, 1.0 or later for SASL) or point "
             "bootstrap.servers at servers that speak the versions named";
}

bool ClusterView::rebootstrap_due(Clock::time_point now, const ClusterReach& reach) {
  ClusterReach r = reach;
  r.brokers_known = !metadata_.brokers().empty();
  const auto decision = decide_rebootstrap(options_.rebootstrap, unreachable_since_, now, r);
  unreachable_since_ = decision.unreachable_since;
  if (decision.rebootstrap) rebootstrap();
  return decision.rebootstrap;
}

void ClusterView::rebootstrap() {
  next_bootstrap_ = 0;
  use_bootstrap_ = true;
  wanted_ = true;
  next_request_at_ = {};
}

MetadataStep ClusterView::metadata_step(Clock::time_point now, std::span<const LinkSummary> links) {
  if (!wanted_ || in_flight_ || now < next_request_at_) return {};
  for (const auto& l : links) {
    if (l.phase == LinkPhase::ready) return {MetadataStep::Kind::ask, l.node_id};
  }
  auto open = [&](std::int32_t id) {
    return std::any_of(links.begin(), links.end(),
                       [id](const LinkSummary& l) { return l.node_id == id && l.phase != LinkPhase::closed; });
  };
  const auto& brokers = metadata_.brokers();
  if (!use_bootstrap_ && !brokers.empty()) {
    // One being set up is waited for; otherwise the next, round robin, not
    // in backoff (every one backing off: next_wakeup comes back then).
    for (const auto& l : links) {
      if (l.node_id >= 0 && l.phase != LinkPhase::closed && brokers.count(l.node_id) != 0) return {};
    }
    std::vector<std::int32_t> ids;
    for (const auto& [id, address] : brokers) ids.push_back(id);
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const std::size_t i = (next_known_broker_ + k) % ids.size();
      if (may_connect(ids[i], now)) {
        next_known_broker_ = i + 1;
        return {MetadataStep::Kind::connect, ids[i]};
      }
    }
    return {};
  }
  const auto node = -static_cast<std::int32_t>(next_bootstrap_) - 1;
  if (open(node) || !may_connect(node, now)) return {};
  return {MetadataStep::Kind::connect, node};
}

protocol::MetadataRequest ClusterView::metadata_request(const std::vector<std::string>& topics) {
  protocol::MetadataRequest req;
  req.topics.emplace();
  for (const auto& name : topics) req.topics->push_back({{}, name});
  req.allow_auto_topic_creation = options_.allow_auto_create_topics;
  in_flight_ = true;
  wanted_ = false;
  return req;
}

MetadataOutcome ClusterView::on_metadata(const net::RequestOutcome& out, std::int16_t version, Clock::time_point now,
                                         const std::function<bool(const std::string&)>& in_use,
                                         const std::string& from) {
  MetadataOutcome result;
  in_flight_ = false;
  if (out.ec) {
    wanted_ = true;
  } else if (auto m = protocol::decode_metadata_response(out.body, version)) {
    if (m->error_code == static_cast<std::int16_t>(protocol::kafka_errc::rebootstrap_required)) {
      // KIP-1102: the cluster's brokers may have moved; start again from
      // bootstrap.servers with fresh connections.
      rebootstrap();
      result.rebootstrap = true;
      return result;
    }
    const net::MetadataRejects rejects = metadata_.update(*m);
    ++metadata_changes_;
    if (!rejects.empty()) {
      // A broken answer (a bug or a corruption on the broker's side) is not
      // used; the next one may be whole.
      for (const auto& t : rejects.topics) result.refused += " topic '" + t + "' (partitions not listed as 0..n-1);";
      for (auto id : rejects.brokers) result.refused += " broker " + std::to_string(id) + " (port outside 0..65535);";
      result.refused.pop_back();
      wanted_ = true;
    }
    use_bootstrap_ = false;
    last_answer_at_ = now;
    for (const auto& t : m->topics) {
      bool leaderless = false;
      for (const auto& p : t.partitions) leaderless |= p.leader_id < 0;
      // Auto-created topics answer LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC at
      // first: ask again after a backoff — while records wait for it. A
      // topic nothing waits for is left to the periodic refresh.
      if (!(t.error_code != 0 || leaderless || t.partitions.empty()) || !t.name) continue;
      if (in_use(*t.name)) wanted_ = true;
    }
  } else {
    // Asked again after the backoff; said once while the same answer repeats.
    const std::string why = (from.empty() ? std::string("a broker") : from) + " sent a Metadata v" +
                            std::to_string(version) + " answer Sluice cannot read (" + m.error().message() + ")";
    if (why != last_failure_) result.unreadable = why;
    last_failure_ = why;
    wanted_ = true;
  }
  // Back off before asking again: no storm of Metadata requests.
  if (wanted_) next_request_at_ = now + options_.retry_backoff;
  return result;
}

std::optional<Clock::time_point> ClusterView::next_wakeup(Clock::time_point now, bool has_topics,
                                                          bool link_ready) const {
  std::optional<Clock::time_point> next;
  auto consider = [&next](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  auto future = [&](Clock::time_point t) {
    if (t > now) consider(t);
  };
  if (!in_flight_ && has_topics) {
    if (wanted_ && link_ready) consider(std::max(next_request_at_, now + std::chrono::milliseconds(1)));
    // No link ready: metadata_step dials one once the backoff is over, and
    // nothing else may wake the driver then (no connection under way).
    if (wanted_ && !link_ready) future(next_request_at_);
    future(last_answer_at_ + options_.metadata_max_age);
  }
  for (const auto& [id, at] : reconnect_at_) future(at);
  if (unreachable_since_ && options_.rebootstrap.enabled) future(*unreachable_since_ + options_.rebootstrap.trigger);
  return next;
}

}  // namespace sluice::detail
