// ProducerDriver, admin side: Producer::create_topics on the application
// thread (checks, then one AdminOp handed to the topic admin, topic_admin.hpp,
// and a wait for its answer), and the AdminHost the topic admin uses.
#include <algorithm>
#include <future>

#include "deadline.hpp"
#include "producer_driver.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::detail {

using protocol::ApiKey;

namespace {


std::string quoted(const std::string& topic) { return "topic '" + topic + "'"; }

}  // namespace

// ------------------------------------------------------------ app threads

std::vector<CreateTopicResult> ProducerDriver::create_topics(std::span<const NewTopic> topics,
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
  if (debugging(DebugContext::admin)) {
    std::string asked;
    for (const auto& t : topics) {
      asked += (asked.empty() ? "'" : ", '") + t.name + "' (" + std::to_string(t.num_partitions) + " partitions, replication factor " +
               std::to_string(t.replication_factor) + ")";
    }
    debug(DebugContext::admin, "create_topics " + asked + ", timeout " + std::to_string(timeout.count()) + " ms");
  }
  post([this, op] { admin_.start(op); });
  // The I/O thread reports the timeout itself; the grace covers an I/O
  // side that stopped (close() from another thread) or is not run at all.
  while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (stop_posted_.load()) return fail_all(errc::closed, "the producer was closed before the broker answered");
    if (Clock::now() >= real_give_up) {
      return fail_all(make_error_code(errc::timed_out),
                      "no answer within " + std::to_string(timeout.count()) + " ms (the I/O side did not run)");
    }
  }
  std::vector<CreateTopicResult> answered = answer.get();
  if (debugging(DebugContext::admin)) {
    for (const auto& r : answered) {
      debug(DebugContext::admin, "create_topics '" + r.name + "': " +
                                     (r ? "created, " + std::to_string(r.num_partitions) + " partitions" : r.error_message));
    }
  }
  return answered;
}

// ---------------------------------------------------------------- AdminHost (I/O thread)

Clock::time_point ProducerDriver::admin_now() { return clock_->steady(); }

void ProducerDriver::admin_post(std::function<void()> f) { post(std::move(f)); }

std::shared_ptr<BrokerLink> ProducerDriver::admin_ready_link() {
  if (auto conn = any_ready_connection()) return conn;
  // Connects a bootstrap (or known) broker.
  cluster_.want_metadata();
  request_metadata(clock_->steady());
  return nullptr;
}

std::shared_ptr<BrokerLink> ProducerDriver::admin_link(std::int32_t node_id) { return connection(node_id); }

std::string ProducerDriver::admin_last_failure() { return cluster_.last_connection_failure(); }

void ProducerDriver::admin_throttled(std::int32_t node_id, std::int32_t throttle_ms) {
  sink(node_id).throttle(throttle_ms, clock_->steady());
}

void ProducerDriver::admin_created_topics() {
  cluster_.want_metadata();
  run_pass();
}

bool ProducerDriver::admin_stopping() { return stopping_; }

}  // namespace sluice::detail
