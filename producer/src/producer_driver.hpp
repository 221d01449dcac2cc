#pragma once
// ProducerDriver: the Asio shell that runs the producer's sans-I/O parts on
// its I/O thread and carries out what they decide:
//   SendGate         application threads hand records over (its own lock)
//   RecordPlacer     records into their partitions' batches
//   RecordAccumulator the partition buffer: batches, linger, readiness
//   produce_routing  ready partitions by leader; expiry
//   BrokerSink       per broker: Produce requests and what answers mean
//   IdempotenceState producer id, epochs, sequences, bumps
//   ClusterView      metadata, bootstrap, reconnect backoff, Metadata schedule
//   TopicAdmin       create_topics, beside the cluster view
// The driver owns the links (BrokerLink), the timers and the delivery of
// reports; a pass (run_pass) takes the gate's inbox, places, expires,
// maintains links, asks for metadata and a producer id, and drains ready
// batches into their sinks.
//
// Threads: send()/flush()/close()/purge() run on application threads and
// touch only the send gate (and post work to the I/O thread). Everything
// else is owned by the I/O thread, which runs `io_`; delivery callbacks run
// on the callback thread (DeliveryQueue) or, on an application's
// io_context, on the thread running it.
//
// The I/O side reads time, arms timers and talks to brokers through seams
// (engine_seams.hpp: EngineClock, TimerFactory, BrokerLinkFactory): the
// real ones in production, the simulation's in test/sim.
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <atomic>
#include <future>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "broker_link.hpp"
#include "broker_sink.hpp"
#include "client_error_monitor.hpp"
#include "cluster_view.hpp"
#include "delivery_policy.hpp"
#include "delivery_queue.hpp"
#include "engine_seams.hpp"
#include "idempotence_state.hpp"
#include "producer_batch.hpp"
#include "producer_statistics.hpp"
#include "record_accumulator.hpp"
#include "record_placer.hpp"
#include "send_gate.hpp"
#include "topic_route.hpp"
#include "topic_admin.hpp"
#include "sluice/config.hpp"
#include "partition_chooser.hpp"
#include "sluice/producer.hpp"
#include "sluice/net/broker_address.hpp"
#include "sluice/net/metadata_cache.hpp"
#include "sluice/net/reconnect_backoff.hpp"
#include "sluice/net/security.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

class ProducerDriver final : private AdminHost {
 public:
  ProducerDriver(ProducerSettings settings, ProducerOptions options);
  // The same on injected time, timers, broker links and randomness (the
  // deterministic simulation, test/sim); empty members are the real ones.
  ProducerDriver(ProducerSettings settings, ProducerOptions options, EngineSeams seams);
  ~ProducerDriver();

  void send(Record&& record, DeliveryCallback&& callback, bool urgent = false);
  // The same from views: the bytes are copied before it returns.
  void send(const RecordRef& record, DeliveryCallback&& callback, bool urgent = false);
  DeliveryReport send_sync(Record record);
  std::size_t flush(std::chrono::milliseconds timeout);
  void close(std::chrono::milliseconds timeout);
  std::size_t purge();
  const ProducerSettings& settings() const noexcept { return settings_; }
  std::string statistics_json();
  // On the thread that runs delivery callbacks, or on the I/O thread:
  // where blocking calls would wait for themselves.
  bool on_io_thread() const noexcept { return on_callback_thread() || in_io_thread(); }
  // The Producer is being destroyed from inside one of its own callbacks
  // (delivery, statistics): `self`, this engine, stays alive until that
  // callback's job or handler has returned; then the engine closes without
  // a flush (every record left is reported once, on that same thread, as
  // close(0) from a callback would) and is destroyed.
  static void destroy_after_callback(std::unique_ptr<ProducerDriver> self);

 private:
  bool in_io_thread() const noexcept { return io_.get_executor().running_in_this_thread(); }
  bool on_callback_thread() const noexcept { return deliveries_ && deliveries_->on_this_thread(); }
  // Runs `job` (callbacks, then settle) on the callback thread, or inline
  // on the application's io_context.
  void deliver(std::function<void()> job);

  // --- app threads ---
  // A record the gate admitted with its topic's route: placed and encoded
  // into its partition's batch on this thread. Returns whether the I/O
  // thread must be woken. producer_driver_records.cpp.
  bool append_routed(const RecordRef& record, const TopicRoute& route, DeliveryCallback& callback, std::size_t size,
                     bool urgent, std::uint64_t generation);
  // A routed record that ends before its batch: reported, then settled.
  void end_routed(const DeliveryReport& report, const DeliveryCallback& callback, std::uint64_t generation,
                  std::size_t size);
  // Runs `f` on the I/O side unless the engine is gone by then (an
  // application's io_context may outlive the producer).
  template <class F>
  void post(F&& f);
  void log(LogLevel level, const std::string& message) const;
  // A debug line of `context`, "[context] message", if that context is on.
  bool debugging(DebugContext context) const noexcept {
    return (settings_.debug_contexts & static_cast<std::uint32_t>(context)) != 0;
  }
  void debug(DebugContext context, const std::string& message) const;
  // Hands a client-wide event to ProducerOptions::error_callback on the
  // callback thread (deliver); logged as an error either way.
  void report_client_error(ClientError error);
  void stop_io();
  // --- statistics: producer_driver_statistics.cpp ---
  // I/O thread, or any thread after stop; it updates statistics state (link
  // history, topics first seen), so snapshot_mu_ keeps two at once apart.
  StatisticsSnapshot snapshot();
  std::mutex snapshot_mu_;
  void arm_statistics_timer();
  // A link to `node_id` that was up is gone (statistics: disconnects).
  void note_link_down(std::int32_t node_id, Clock::time_point now);

  // --- I/O thread only: producer_driver.cpp ---
  void run_pass();
  // Takes the send gate's inbox and places it (place_now false: every
  // record waits as a Record, for purge and close).
  void take_incoming(bool place_now = false);
  // Publishes or withdraws the senders' routes (topic_route.hpp) after a
  // pass: producer_driver_records.cpp.
  void publish_routes();
  void report_one(const DeliveryCallback& cb, const DeliveryReport& r);
  void fail_record(std::string topic, std::int32_t partition, DeliveryCallback&& callback, std::uint64_t generation,
                   std::size_t reserved, std::error_code ec, const std::string& message);
  // What the placer decided: records ended reported, metadata wished for.
  void carry_out(PlacerActions& actions);
  void complete(ProducerBatch& batch, std::int64_t base_offset, std::error_code ec, const std::string& message,
                bool outcome_unknown);
  void fail_everything(std::error_code ec, const std::string& why);
  // Arms the pass timer (set_timer) and tells send() whether a pass is due
  // within linger.ms (pass_promised_).
  void arm_timer(Clock::time_point now);
  void set_timer(Clock::time_point now);
  double jitter();

  // --- I/O thread only: producer_driver_produce.cpp ---
  BrokerSink& sink(std::int32_t node_id);
  void send_ready_batches(Clock::time_point now);
  void on_produce(const std::shared_ptr<InFlightProduce>& request, const net::RequestOutcome& out);
  // What a sink decided: reports delivered, leader hints and metadata wishes
  // passed to the cluster view.
  void carry_out(SinkActions& actions);
  void expire(Clock::time_point now);

  // --- I/O thread only: producer_driver_cluster.cpp ---
  void request_metadata(Clock::time_point now);
  void on_metadata(const net::RequestOutcome& out, std::int16_t version, const std::string& from);
  void maybe_request_producer_id(Clock::time_point now);
  void on_producer_id(const net::RequestOutcome& out, std::int16_t version);
  std::shared_ptr<BrokerLink> connection(std::int32_t node_id);
  std::shared_ptr<BrokerLink> any_ready_connection();
  std::vector<LinkSummary> link_summaries() const;
  void close_all_links();
  void maintain_connections(Clock::time_point now);
  // Every known broker speaks no usable version (ClusterView::no_usable_broker):
  // records not yet sent fail at once, definitely, with no_common_version.
  void fail_if_no_usable_broker();

  ProducerSettings settings_;
  // settings_.security as every connection takes it, with the producer's
  // one OAUTHBEARER token source (net_security.hpp).
  net::SecurityOptions net_security_;
  SinkOptions sink_options_;  // every broker's sink's

  std::mutex close_mu_;  // serializes close() callers (one joins the I/O thread)

  // The hand-over from application threads (its own lock): admission,
  // buffer space, the inbox, flush generations.
  SendGate gate_;

  ProducerOptions options_;

  // --- I/O thread ---
  std::unique_ptr<boost::asio::io_context> own_io_;  // null when running on the application's
  boost::asio::io_context& io_;
  // Time, timers and broker links (engine_seams.hpp): set once at
  // construction, used by the I/O side.
  std::shared_ptr<EngineClock> clock_;
  std::shared_ptr<TimerFactory> timers_;
  std::shared_ptr<BrokerLinkFactory> links_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // handlers check it (weak) before touching *this
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::promise<void> stopped_;  // set once the last I/O-side step of close() ran
  std::shared_future<void> stopped_future_ = stopped_.get_future().share();
  std::atomic<bool> stop_posted_{false};
  std::unique_ptr<EngineTimer> timer_;
  std::optional<Clock::time_point> timer_armed_at_;  // when timer_'s pending wait fires (none: no wait)
  std::unique_ptr<EngineTimer> stats_timer_;
  RecordAccumulator accumulator_;  // the partition buffer
  IdempotenceState idempotence_;
  PartitionChooser partitioner_;            // any thread (its own lock)
  // Metadata, bootstrap, reconnect backoff, the Metadata schedule.
  ClusterView cluster_;
  ClientErrorMonitor client_errors_;  // when an error_callback event is due
  std::map<std::int32_t, std::shared_ptr<BrokerLink>> connections_;
  bool stopping_ = false;
  bool flushing_ = false;
  Inbox taken_;                            // the inbox a pass is placing (empty between passes)
  RecordPlacer placer_;                    // after accumulator_, partitioner_ and cluster_, which it refers to
  // The routes published through the gate, by topic, and the metadata
  // change count they were built at.
  std::map<std::string, std::shared_ptr<const TopicRoute>, std::less<>> routes_;
  std::uint64_t routes_seen_changes_ = 0;
  ProducerStatistics stats_;
  // Per broker, made on first use; after everything a sink refers to
  // (accumulator, idempotence, partitioner, cluster view, stats), so it goes first.
  std::map<std::int32_t, BrokerSink> sinks_;
  std::map<std::int32_t, LinkHistory> link_history_;  // per node id: connects, disconnects, state age
  Clock::time_point created_at_{};                     // for statistics' age
  std::string stats_name_;                             // statistics' "name"
  std::minstd_rand rng_;  // retry jitter; seeded from EngineSeams::random_seed
  std::thread thread_;
  // Callbacks run here (own I/O thread mode), so a slow callback never
  // stalls the network. Null on the application's io_context: callbacks
  // then run on the thread running it.
  std::unique_ptr<DeliveryQueue> deliveries_;

  // --- admin: producer_driver_admin.cpp (the topic admin's host) ---
 public:
  // Producer::create_topics: app threads; blocks until answered or timeout.
  std::vector<CreateTopicResult> create_topics(std::span<const NewTopic> topics, std::chrono::milliseconds timeout);

 private:
  Clock::time_point admin_now() override;
  void admin_post(std::function<void()> f) override;
  std::shared_ptr<BrokerLink> admin_ready_link() override;
  std::shared_ptr<BrokerLink> admin_link(std::int32_t node_id) override;
  std::string admin_last_failure() override;
  void admin_throttled(std::int32_t node_id, std::int32_t throttle_ms) override;
  void admin_created_topics() override;
  bool admin_stopping() override;
  TopicAdmin admin_;  // I/O thread
};

template <class F>
void ProducerDriver::post(F&& f) {
  boost::asio::post(io_, [weak = std::weak_ptr<int>(alive_), f = std::forward<F>(f)]() mutable {
    if (weak.lock()) f();
  });
}

}  // namespace sluice::detail
