// ProducerEngine, admin side: Producer::create_topics (Kafka's
// CreateTopics) over the engine's own connections, so TLS and SASL are
// those of the producer. The application thread posts one AdminOp and
// waits for its promise; the I/O thread moves every pending op on
// (admin_step): wait for a ready connection, ask Metadata for the
// controller, send CreateTopics there (or to any broker: KRaft brokers
// forward it), retry what is retriable until the op's deadline.
#include <algorithm>
#include <future>

#include "deadline.hpp"
#include "producer_engine.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::detail {

using protocol::ApiKey;

namespace {

// While an op waits for a connection (started by request_metadata) it is
// looked at again this often: connections report to run_pass, not to us.
constexpr std::chrono::milliseconds kAdminPoll{20};
// How long a connection to the controller may take before any ready broker
// gets the request instead.
constexpr std::chrono::milliseconds kControllerWait{2000};

std::string quoted(const std::string& topic) { return "topic '" + topic + "'"; }

}  // namespace

struct ProducerEngine::AdminOp {
  std::vector<NewTopic> topics;
  std::vector<CreateTopicResult> results;  // by index of `topics`
  std::vector<bool> pending;               // no final result yet
  Clock::time_point deadline;
  std::chrono::milliseconds timeout{0};
  std::promise<std::vector<CreateTopicResult>> done;
  bool finished = false;
  bool in_flight = false;          // a Metadata or CreateTopics request of this op is out
  bool controller_known = false;   // Metadata answered (controller_id may still be -1)
  std::int32_t controller_id = -1;
  Clock::time_point controller_wait_until{};
  Clock::time_point next_attempt{};  // after a retriable failure
  std::string last_failure;          // why the last attempt failed: the timeout message carries it
  bool created_any = false;
};

// ------------------------------------------------------------ app threads

std::vector<CreateTopicResult> ProducerEngine::create_topics(std::span<const NewTopic> topics,
                                                             std::chrono::milliseconds timeout) {
  std::vector<CreateTopicResult> results(topics.size());
  for (std::size_t i = 0; i < topics.size(); ++i) {
    results[i].name = topics[i].name;
    results[i].num_partitions = topics[i].num_partitions;
    results[i].replication_factor = topics[i].replication_factor;
  }
  auto fail_all = [&results](std::error_code ec, const std::string& why) {
    for (auto& r : results) {
      r.error = ec;
      r.error_message = quoted(r.name) + ": " + why;
    }
    return results;
  };
  if (topics.empty()) return results;
  if (on_io_thread()) {
    return fail_all(errc::would_deadlock,
                    "create_topics() from a delivery callback would wait for this very thread: call it from "
                    "another thread");
  }
  {
    if (gate_.closed() || stop_posted_.load()) return fail_all(errc::closed, "create_topics() after close()");
  }
  timeout = std::max(timeout, std::chrono::milliseconds(0));
  auto op = std::make_shared<AdminOp>();
  op->topics.assign(topics.begin(), topics.end());
  op->results = results;
  op->pending.assign(topics.size(), true);
  op->timeout = timeout;
  // The deadline is the I/O side's (admin_step compares it with the engine's
  // clock); this thread's own wait below measures real time. Both saturate:
  // milliseconds::max() waits.
  op->deadline = deadline_after(clock_->steady(), timeout);
  const auto real_give_up = deadline_after(deadline_after(Clock::now(), timeout), std::chrono::seconds(1));
  auto answer = op->done.get_future();
  post([this, op] {
    admin_ops_.push_back(op);
    admin_step();
  });
  // The I/O thread reports the timeout itself; the grace covers an I/O
  // side that stopped (close() from another thread) or is not run at all.
  while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (stop_posted_.load()) return fail_all(errc::closed, "the producer was closed before the broker answered");
    if (Clock::now() >= real_give_up) {
      return fail_all(make_error_code(errc::timed_out),
                      "no answer within " + std::to_string(timeout.count()) + " ms (the I/O side did not run)");
    }
  }
  return answer.get();
}

// ---------------------------------------------------------------- I/O thread

void ProducerEngine::admin_step() {
  if (stopping_) return;
  const auto now = clock_->steady();
  std::optional<Clock::time_point> wake;
  auto wake_at = [&wake](Clock::time_point t) { wake = wake ? std::min(*wake, t) : t; };
  for (const auto& shared : admin_ops_) {
    AdminOp& op = *shared;
    if (op.finished) continue;
    if (now >= op.deadline) {
      const bool reached = op.in_flight || op.controller_known;
      for (std::size_t i = 0; i < op.topics.size(); ++i) {
        if (!op.pending[i]) continue;
        auto& r = op.results[i];
        r.error = reached ? make_error_code(errc::timed_out) : make_error_code(errc::no_broker_available);
        r.error_message = quoted(r.name) + ": " +
                          (reached ? "no answer from the broker within " : "no broker reachable within ") +
                          std::to_string(op.timeout.count()) + " ms" +
                          (op.in_flight ? " (the topic may have been created nevertheless)" : "") +
                          (op.last_failure.empty() ? "" : "; last failure: " + op.last_failure);
        op.pending[i] = false;
      }
      admin_finish(op);
      continue;
    }
    wake_at(op.deadline);
    if (op.in_flight) continue;
    if (now < op.next_attempt) {
      wake_at(op.next_attempt);
      continue;
    }
    auto conn = any_ready_connection();
    if (!conn) {
      // Connects a bootstrap (or known) broker; its readiness is polled.
      cluster_.want_metadata();
      request_metadata(now);
      if (!cluster_.last_connection_failure().empty()) op.last_failure = cluster_.last_connection_failure();
      wake_at(now + kAdminPoll);
      continue;
    }
    if (!op.controller_known) {
      admin_ask_controller(shared, conn);
      continue;
    }
    if (op.controller_id >= 0 && op.controller_id != conn->node_id()) {
      auto c = connection(op.controller_id);
      if (c && c->state() == LinkState::ready) {
        conn = c;
      } else if (c && c->state() != LinkState::closed && now < op.controller_wait_until) {
        wake_at(std::min(now + kAdminPoll, op.controller_wait_until));
        continue;
      }
    }
    admin_send(shared, conn);
  }
  std::erase_if(admin_ops_, [](const auto& op) { return op->finished; });
  if (admin_ops_.empty() || !wake) return;
  if (!admin_timer_) admin_timer_ = timers_->make_timer();
  admin_timer_->arm(*wake, [this, weak = std::weak_ptr<int>(alive_)] {
    if (!weak.lock()) return;
    admin_step();
  });
}

// Metadata without topics: the brokers and the controller id.
void ProducerEngine::admin_ask_controller(const std::shared_ptr<AdminOp>& shared,
                                          const std::shared_ptr<BrokerLink>& conn) {
  AdminOp& op = *shared;
  const auto version = conn->versions().version(ApiKey::Metadata);
  op.controller_known = true;  // if the answer says nothing: any broker
  if (!version) {              // (a ready connection has Metadata)
    post([this] { admin_step(); });
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
        clock_->steady() + std::min<Clock::duration>(kControllerWait, settings_.connect_timeout);
    post([this] { admin_step(); });  // never re-entered from inside admin_step
  });
}

void ProducerEngine::admin_send(const std::shared_ptr<AdminOp>& shared,
                                const std::shared_ptr<BrokerLink>& conn) {
  AdminOp& op = *shared;
  const std::string broker =
      (conn->node_id() < 0 ? "bootstrap broker " : "broker " + std::to_string(conn->node_id()) + " at ") +
      conn->address().to_string();
  const auto version = conn->versions().version(ApiKey::CreateTopics);
  if (!version) {
    const std::string why = broker + ": " + conn->versions().describe_mismatch(ApiKey::CreateTopics);
    for (std::size_t i = 0; i < op.topics.size(); ++i) {
      if (!op.pending[i]) continue;
      op.results[i].error = protocol::kafka_error(static_cast<std::int16_t>(protocol::kafka_errc::unsupported_version));
      op.results[i].error_message = quoted(op.topics[i].name) + ": " + why;
      op.pending[i] = false;
    }
    admin_finish(op);
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
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(op.deadline - clock_->steady());
  req.timeout_ms = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(std::min(left, settings_.request_timeout).count(), 1, INT32_MAX));
  op.in_flight = true;
  conn->send_create_topics(
      req, [this, shared, v = *version, node = conn->node_id(), broker](const net::RequestOutcome& out) {
        on_create_topics(*shared, out, v, node, broker);
      });
}

void ProducerEngine::on_create_topics(AdminOp& op, const net::RequestOutcome& out, std::int16_t version,
                                      std::int32_t node_id, const std::string& broker) {
  op.in_flight = false;
  if (op.finished) return;  // timed out meanwhile
  const auto retry_later = [&](std::string why) {
    op.last_failure = std::move(why);
    op.controller_known = false;  // the controller may have moved
    op.next_attempt = clock_->steady() + settings_.retry_backoff;
    post([this] { admin_step(); });
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
    admin_finish(op);
    return;
  }
  sink(node_id).throttle(m->throttle_time_ms, clock_->steady());
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
  admin_finish(op);
}

// Hands the results to the waiting thread. After a creation, Metadata is
// asked again so records waiting for the new topic find it.
void ProducerEngine::admin_finish(AdminOp& op) {
  if (op.finished) return;
  op.finished = true;
  op.done.set_value(op.results);
  post([this, created = op.created_any] {
    admin_step();  // forgets finished ops
    if (created) {
      cluster_.want_metadata();
      run_pass();
    }
  });
}

}  // namespace sluice::detail
