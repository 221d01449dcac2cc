// TopicAdmin: create_topics over the producer's own links. See
// topic_admin.hpp.
#include "topic_admin.hpp"

#include <algorithm>

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::detail {

using protocol::ApiKey;

namespace {

// While an op waits for a link (started through the cluster view) it is
// looked at again this often: links report to the driver's pass, not here.
constexpr std::chrono::milliseconds kAdminPoll{20};
// How long a connection to the controller may take before any ready broker
// gets the request instead.
constexpr std::chrono::milliseconds kControllerWait{2000};

std::string quoted(const std::string& topic) { return "topic '" + topic + "'"; }

}  // namespace

void TopicAdmin::start(std::shared_ptr<AdminOp> op) {
  ops_.push_back(std::move(op));
  step();
}

void TopicAdmin::step() {
  if (host_.admin_stopping()) return;
  const auto now = host_.admin_now();
  std::optional<Clock::time_point> wake;
  auto wake_at = [&wake](Clock::time_point t) { wake = wake ? std::min(*wake, t) : t; };
  for (const auto& shared : ops_) {
    AdminOp& op = *shared;
    if (op.finished) continue;
    if (now >= op.deadline) {
      // A CreateTopics that went out and got no final answer (unanswered, or
      // its connection broke) may have created the topic; Metadata alone
      // cannot.
      const bool reached = op.in_flight || op.controller_known || op.create_sent;
      for (std::size_t i = 0; i < op.topics.size(); ++i) {
        if (!op.pending[i]) continue;
        auto& r = op.results[i];
        r.error = reached ? make_error_code(errc::timed_out) : make_error_code(errc::no_broker_available);
        r.error_message = quoted(r.name) + ": " +
                          (reached ? "no answer from the broker within " : "no broker reachable within ") +
                          std::to_string(op.timeout.count()) + " ms" +
                          (op.create_sent ? " (the topic may have been created nevertheless)" : "") +
                          (op.last_failure.empty() ? "" : "; last failure: " + op.last_failure);
        op.pending[i] = false;
      }
      finish(op);
      continue;
    }
    wake_at(op.deadline);
    if (op.in_flight) continue;
    if (now < op.next_attempt) {
      wake_at(op.next_attempt);
      continue;
    }
    auto conn = host_.admin_ready_link();
    if (!conn) {
      // A bootstrap (or known) broker is being connected; its readiness is polled.
      if (auto why = host_.admin_last_failure(); !why.empty()) op.last_failure = std::move(why);
      wake_at(now + kAdminPoll);
      continue;
    }
    if (!op.controller_known) {
      ask_controller(shared, conn);
      continue;
    }
    if (op.controller_id >= 0 && op.controller_id != conn->node_id()) {
      auto c = host_.admin_link(op.controller_id);
      if (c && c->state() == LinkState::ready) {
        conn = c;
      } else if (c && c->state() != LinkState::closed && now < op.controller_wait_until) {
        wake_at(std::min(now + kAdminPoll, op.controller_wait_until));
        continue;
      }
    }
    send(shared, conn);
  }
  std::erase_if(ops_, [](const auto& op) { return op->finished; });
  if (ops_.empty() || !wake) return;
  if (!timer_) timer_ = timers_.make_timer();
  timer_->arm(*wake, [this, alive = alive_] {
    if (alive.lock()) step();
  });
}

// Metadata without topics: the brokers and the controller id.
void TopicAdmin::ask_controller(const std::shared_ptr<AdminOp>& shared, const std::shared_ptr<BrokerLink>& conn) {
  AdminOp& op = *shared;
  const auto version = conn->versions().version(ApiKey::Metadata);
  op.controller_known = true;  // if the answer says nothing: any broker
  if (!version) {              // (a ready connection has Metadata)
    host_.admin_post([this] { step(); });
    return;
  }
  op.in_flight = true;
  protocol::MetadataRequest req;
  req.topics.emplace();
  req.allow_auto_topic_creation = false;
  conn->send_metadata(req, [this, shared, v = *version](const net::RequestOutcome& out) {
    AdminOp& answered = *shared;
    answered.in_flight = false;
    if (answered.finished) return;
    answered.controller_id = -1;
    if (!out.ec) {
      if (auto m = protocol::decode_metadata_response(out.body, v)) answered.controller_id = m->controller_id;
    }
    answered.controller_wait_until =
        host_.admin_now() + std::min<Clock::duration>(kControllerWait, options_.connect_timeout);
    host_.admin_post([this] { step(); });  // never re-entered from inside admin_step
  });
}

void TopicAdmin::send(const std::shared_ptr<AdminOp>& shared, const std::shared_ptr<BrokerLink>& conn) {
  AdminOp& op = *shared;
  const std::string broker = describe_broker(conn->node_id(), conn->address().to_string());
  const auto version = conn->versions().version(ApiKey::CreateTopics);
  if (!version) {
    const std::string why = broker + ": " + conn->versions().describe_mismatch(ApiKey::CreateTopics);
    for (std::size_t i = 0; i < op.topics.size(); ++i) {
      if (!op.pending[i]) continue;
      op.results[i].error = protocol::kafka_error(static_cast<std::int16_t>(protocol::kafka_errc::unsupported_version));
      op.results[i].error_message = quoted(op.topics[i].name) + ": " + why;
      op.pending[i] = false;
    }
    finish(op);
    return;
  }
  protocol::CreateTopicsRequest req;
  for (std::size_t i = 0; i < op.topics.size(); ++i) {
    if (!op.pending[i]) continue;
    const NewTopic& t = op.topics[i];
    auto& rt = req.topics.emplace_back();
    rt.name = t.name;
    rt.num_partitions = t.num_partitions;
    rt.replication_factor = t.replication_factor;
    for (const auto& [k, v] : t.configs) rt.configs.push_back({k, v});
  }
  // The broker waits this long for the creation to finish; the request's
  // own deadline is request.timeout.ms.
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(op.deadline - host_.admin_now());
  req.timeout_ms = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(std::min(left, options_.request_timeout).count(), 1, INT32_MAX));
  op.in_flight = true;
  op.create_sent = true;
  conn->send_create_topics(
      req, [this, shared, v = *version, node = conn->node_id(), broker](const net::RequestOutcome& out) {
        on_create_topics(*shared, out, v, node, broker);
      });
}

void TopicAdmin::on_create_topics(AdminOp& op, const net::RequestOutcome& out, std::int16_t version,
                                  std::int32_t node_id, const std::string& broker) {
  op.in_flight = false;
  if (op.finished) return;  // timed out meanwhile
  const auto retry_later = [&](std::string why) {
    op.last_failure = std::move(why);
    op.controller_known = false;  // the controller may have moved
    op.next_attempt = host_.admin_now() + options_.retry_backoff;
    host_.admin_post([this] { step(); });
  };
  if (out.ec) return retry_later(broker + ": " + out.ec.message());
  auto m = protocol::decode_create_topics_response(out.body, version);
  if (!m) {
    const std::string why = broker + ": malformed CreateTopics v" + std::to_string(version) + " answer (" +
                            m.error().message() + ")";
    for (std::size_t i = 0; i < op.topics.size(); ++i) {
      if (!op.pending[i]) continue;
      op.results[i].error = net::net_errc::protocol_error;
      op.results[i].error_message = quoted(op.topics[i].name) + ": " + why;
      op.pending[i] = false;
    }
    finish(op);
    return;
  }
  host_.admin_throttled(node_id, m->throttle_time_ms);
  bool retry = false;
  for (std::size_t i = 0; i < op.topics.size(); ++i) {
    if (!op.pending[i]) continue;
    auto it = std::find_if(m->topics.begin(), m->topics.end(),
                           [&](const auto& t) { return t.name == op.topics[i].name; });
    auto& r = op.results[i];
    if (it == m->topics.end()) {
      r.error = net::net_errc::protocol_error;
      r.error_message = quoted(r.name) + ": " + broker + " answered CreateTopics without this topic";
      op.pending[i] = false;
      continue;
    }
    if (it->error_code == 0) {
      r.error.clear();
      r.error_message.clear();
      if (it->num_partitions >= 0) r.num_partitions = it->num_partitions;
      if (it->replication_factor >= 0) r.replication_factor = it->replication_factor;
      op.pending[i] = false;
      op.created_any = true;
      continue;
    }
    const auto& info = protocol::kafka_error_info(it->error_code);
    r.error = protocol::kafka_error(it->error_code);
    r.error_message = quoted(r.name) + ": " + broker + " answered " + info.name + " (" +
                      (it->error_message && !it->error_message->empty() ? *it->error_message : info.message) + ")";
    if (info.retriable || it->error_code == static_cast<std::int16_t>(protocol::kafka_errc::not_controller)) {
      retry = true;  // NOT_CONTROLLER, REQUEST_TIMED_OUT...: again while time is left
      continue;
    }
    op.pending[i] = false;
  }
  if (retry) {
    std::string why;
    for (std::size_t i = 0; i < op.topics.size(); ++i) {
      if (op.pending[i]) why = op.results[i].error_message;
    }
    return retry_later(why);
  }
  finish(op);
}

// Hands the results to the waiting thread. After a creation, Metadata is
// asked again so records waiting for the new topic find it.
void TopicAdmin::finish(AdminOp& op) {
  if (op.finished) return;
  op.finished = true;
  op.done.set_value(op.results);
  host_.admin_post([this, created = op.created_any] {
    step();  // forgets finished ops
    if (created) host_.admin_created_topics();
  });
}

}  // namespace sluice::detail
