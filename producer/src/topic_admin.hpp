#pragma once
// TopicAdmin: Producer::create_topics (Kafka's CreateTopics), beside the
// cluster view and apart from the send path. It uses the producer's own
// links (so TLS and SASL are the producer's) through AdminHost, which the
// driver implements. Each call is one AdminOp; step() moves every pending
// op on: wait for a ready link, ask Metadata for the controller, send
// CreateTopics there (or to any broker: KRaft brokers forward it), retry
// what is retriable until the op's deadline, then hand the results to the
// waiting application thread.
//
// Threads: the application thread makes an AdminOp and waits for its
// `done`; everything else runs on the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "broker_link.hpp"
#include "engine_timer.hpp"
#include "producer_batch.hpp"
#include "sluice/admin.hpp"

namespace sluice::detail {

// What the admin needs of the driver (I/O thread).
class AdminHost {
 public:
  virtual Clock::time_point admin_now() = 0;
  // Runs `f` later on the I/O thread, never inline, and not at all once
  // the producer is gone.
  virtual void admin_post(std::function<void()> f) = 0;
  // A ready link to any broker, or null: then Metadata is wanted and a
  // connection started.
  virtual std::shared_ptr<BrokerLink> admin_ready_link() = 0;
  // The link to `node_id`, started if needed (null while it backs off).
  virtual std::shared_ptr<BrokerLink> admin_link(std::int32_t node_id) = 0;
  virtual std::string admin_last_failure() = 0;
  // KIP-219 throttle time from `node_id`'s answer.
  virtual void admin_throttled(std::int32_t node_id, std::int32_t throttle_ms) = 0;
  // Topics were created: records waiting for them should find them now.
  virtual void admin_created_topics() = 0;
  virtual bool admin_stopping() = 0;

 protected:
  ~AdminHost() = default;
};

struct AdminOptions {
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
};

// One create_topics() call.
struct AdminOp {
  std::vector<NewTopic> topics;
  std::vector<CreateTopicResult> results;  // by index of `topics`
  std::vector<bool> pending;               // no final result yet
  Clock::time_point deadline;              // on the I/O side's clock
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
  bool create_sent = false;  // a CreateTopics went out: the topics may exist whatever came back
};

class TopicAdmin {
 public:
  // `alive`: expires when the driver goes (a timer's handler may still run
  // once after that; it then does nothing).
  TopicAdmin(AdminHost& host, TimerFactory& timers, AdminOptions options, std::weak_ptr<int> alive)
      : host_(host), timers_(timers), options_(options), alive_(std::move(alive)) {}

  // I/O thread: takes a new op and moves everything on.
  void start(std::shared_ptr<AdminOp> op);
  // I/O thread: moves every pending op on, re-arms the timer.
  void step();

 private:
  void send(const std::shared_ptr<AdminOp>& op, const std::shared_ptr<BrokerLink>& conn);
  void ask_controller(const std::shared_ptr<AdminOp>& op, const std::shared_ptr<BrokerLink>& conn);
  void on_create_topics(AdminOp& op, const net::RequestOutcome& out, std::int16_t version, std::int32_t node_id,
                        const std::string& broker);
  void finish(AdminOp& op);

  AdminHost& host_;
  TimerFactory& timers_;
  AdminOptions options_;
  std::weak_ptr<int> alive_;
  std::vector<std::shared_ptr<AdminOp>> ops_;
  std::unique_ptr<EngineTimer> timer_;  // made on first use
};

}  // namespace sluice::detail
