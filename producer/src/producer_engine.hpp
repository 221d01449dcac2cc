#pragma once
// ProducerEngine: the producer's state and its I/O thread.
//
// Threads: send()/flush()/close() run on application threads and touch only
// `mu_`-guarded members (incoming_, outstanding_, closed_, flush_requests_).
// Everything else (batches, metadata, connections, timers) is owned by the
// I/O thread, which runs `io_` and is the only thread that calls delivery
// callbacks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sluice/config.hpp"
#include "sluice/net/broker_address.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/metadata_cache.hpp"
#include "sluice/net/reconnect_backoff.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

using Clock = std::chrono::steady_clock;

struct PendingRecord {
  Record record;
  DeliveryCallback callback;
  Clock::time_point enqueued;
};

// One partition's batch: records encoded in place plus who to tell.
struct Batch {
  protocol::RecordBatchBuilder builder;
  std::vector<DeliveryCallback> callbacks;
  std::vector<std::int64_t> timestamps;
  Clock::time_point created;
  Clock::time_point retry_at{};
  std::int32_t attempts = 0;
  bool maybe_sent = false;  // a request carrying it may have reached a broker
};

struct PartitionQueue {
  std::deque<std::unique_ptr<Batch>> batches;  // back() is the open one
  bool in_flight = false;                      // one batch in flight keeps order
};

struct TopicState {
  std::deque<PartitionQueue> partitions;  // deque: grows without moving queues
  std::deque<PendingRecord> waiting;  // records waiting for metadata
  std::int32_t sticky_partition = -1;
  Clock::time_point next_metadata_try{};
};

class ProducerEngine {
 public:
  explicit ProducerEngine(ProducerSettings settings);
  ~ProducerEngine();

  void send(Record record, DeliveryCallback callback);
  std::size_t flush(std::chrono::milliseconds timeout);
  void close(std::chrono::milliseconds timeout);
  const ProducerSettings& settings() const noexcept { return settings_; }

 private:
  // --- I/O thread only ---
  void kick();  // schedule run_pass() soon (coalesced)
  void run_pass();
  void take_incoming();
  void place(PendingRecord&& pending, TopicState& topic, const net::TopicInfo& info);
  void request_metadata();
  void on_metadata(const net::RequestOutcome& out, std::int16_t version);
  void send_ready_batches(Clock::time_point now);
  void send_to(std::int32_t node_id, std::vector<std::pair<std::string, std::int32_t>> partitions);
  void on_produce(std::int32_t node_id, std::vector<std::pair<std::string, std::int32_t>> partitions,
                  std::vector<std::unique_ptr<Batch>> batches, const net::RequestOutcome& out, std::int16_t version);
  void retry_or_fail(const std::string& topic, std::int32_t partition, std::unique_ptr<Batch> batch,
                     std::error_code ec, std::string message, bool maybe_sent, bool refresh);
  void complete(Batch& batch, const std::string& topic, std::int32_t partition, std::int64_t base_offset,
                std::error_code ec, const std::string& message, bool outcome_unknown);
  void fail_record(PendingRecord& pending, std::error_code ec, const std::string& message);
  void expire(Clock::time_point now);
  std::shared_ptr<net::BrokerConnection> connection(std::int32_t node_id);
  std::shared_ptr<net::BrokerConnection> any_ready_connection();
  void arm_timer(Clock::time_point now);
  bool is_ready(const Batch& b, Clock::time_point now) const;
  void report(const DeliveryCallback& cb, const DeliveryReport& r);
  void fail_everything(std::error_code ec);
  void rebootstrap();
  void note_throttle(std::int32_t node_id, std::int32_t throttle_ms);

  ProducerSettings settings_;
  std::vector<net::BrokerAddress> bootstrap_;
  protocol::Compression compression_ = protocol::Compression::none;

  // --- shared, guarded by mu_ ---
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<PendingRecord> incoming_;
  std::size_t outstanding_ = 0;  // records accepted without a report yet
  std::size_t flush_requests_ = 0;
  bool kick_posted_ = false;
  bool closed_ = false;

  // --- I/O thread ---
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  std::map<std::string, TopicState> topics_;
  net::MetadataCache metadata_;
  std::map<std::int32_t, std::shared_ptr<net::BrokerConnection>> connections_;
  // Per broker (bootstrap entries use ids -1, -2, ...): when the next
  // connection attempt may start, and the backoff that spaced it.
  std::map<std::int32_t, Clock::time_point> reconnect_at_;
  std::map<std::int32_t, net::ReconnectBackoff> backoff_;
  std::map<std::int32_t, Clock::time_point> throttled_until_;  // KIP-219 pauses
  std::size_t next_bootstrap_ = 0;
  bool metadata_in_flight_ = false;
  bool metadata_wanted_ = false;
  Clock::time_point next_metadata_at_{};
  Clock::time_point last_metadata_at_{};  // last successful Metadata response
  bool stopping_ = false;
  bool flushing_ = false;
  std::thread thread_;
};

}  // namespace sluice::detail
