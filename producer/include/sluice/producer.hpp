#pragma once
// sluice::Producer — the object an application embeds.
//
// One producer is safe to share across threads and is meant to be shared.
// send() is asynchronous: it moves the record into the producer's queue and
// returns; the delivery callback runs later on the producer's callback
// thread, one callback at a time in completion order. A slow callback
// delays other callbacks, never the network. With
// ProducerOptions::io_context, callbacks run on the thread running that
// io_context instead.
// Order: the records one thread sends to one partition are written, and
// their successful reports delivered, in send order when idempotence is on
// (the default) or max.in.flight.requests.per.connection=1. Without
// idempotence and with more in flight, a retried batch can be written (and
// reported) after a later one. Records of different threads have no order
// between them, and a failure (delivery.timeout.ms, a refusal in send())
// may be reported before earlier records still in flight.
#include "sluice/export.hpp"
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <future>
#include <memory>
#include <span>
#include <vector>

#include "sluice/admin.hpp"
#include "sluice/config.hpp"
#include "sluice/errors.hpp"
#include "sluice/log.hpp"
#include "sluice/oauth.hpp"
#include "sluice/record.hpp"

namespace boost::asio {
class io_context;
}

namespace sluice {

// Chooses the partition of a record without an explicit one; returns a
// partition in [0, partition_count). Runs on the thread that calls send()
// once the topic's metadata is known (as Java's Partitioner), else on the
// producer's I/O thread when the record is placed; never two calls at once,
// so it needs no lock of its own. It must not call back into the producer.
struct PartitionRequest {
  std::string_view topic;
  const std::optional<std::string>& key;  // nullopt: null key
  std::int32_t partition_count;
};
using PartitionFunction = std::function<std::int32_t(const PartitionRequest&)>;

// What a producer takes besides its properties: code, not configuration.
struct ProducerOptions {
  LogSink log_sink;                       // none: stderr, up to LogLevel::notice
  // Messages above this level are dropped. The log_level property, when
  // set, replaces it; debug (a context that applies) raises it to debug.
  LogLevel log_level = LogLevel::info;
  // Client-wide events (all brokers down, authentication failed, a fatal
  // state) beside the per-record reports; see ErrorCallback (errors.hpp)
  // for what and on which thread.
  ErrorCallback error_callback;
  // Called every statistics.interval.ms (when > 0) with statistics_json().
  std::function<void(const std::string& json)> statistics_callback;
  // A user partitioner; overrides the `partitioner` property.
  PartitionFunction partitioner;
  // Run on the application's io_context instead of Sluice's own I/O thread:
  // the application must keep running it (callbacks then run on whatever
  // thread runs it) until close() has returned. Sluice starts no thread.
  boost::asio::io_context* io_context = nullptr;
  // SASL OAUTHBEARER tokens from the application (sluice/oauth.hpp): with
  // sasl.mechanism=OAUTHBEARER and no sasl.oauthbearer.method=oidc.
  OAuthBearerTokenProvider oauthbearer_token_provider;
};

namespace detail {
class ProducerDriver;
class BulkTracker;
}

class SLUICE_API Producer {
 public:
  // Validates the configuration (throws ConfigError) and starts the I/O
  // thread. Connecting to the brokers happens in the background.
  explicit Producer(const Config& config, ProducerOptions options = {});
  // close() with delivery.timeout.ms: every record gets its report first.
  // Destroyed inside one of its own callbacks, it does not wait (that would
  // wait for the very thread it runs on): once the callback returns, what
  // is left is reported once, with errc::closed, as close(0) would.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `record`; `callback` gets exactly one DeliveryReport. Errors found
  // at once (closed producer, record over max.request.size, buffer full
  // after max.block.ms) are reported through the callback too, before
  // send() returns, on the calling thread.
  // Blocks only while the buffer (buffer.memory, queue.buffering.max.messages)
  // is full, for at most max.block.ms (0: fail at once with errc::queue_full).
  // Called from a delivery callback it never blocks: a full buffer fails the
  // record at once with errc::queue_full.
  // With producer.type=sync it is send_sync() followed by the callback on
  // the calling thread.
  // With delivery.report.only.error=true the callback runs for failed
  // records only (librdkafka's dr_msg_cb); an acknowledged record is still
  // counted by flush() and the statistics, it just calls nobody.
  void send(Record record, DeliveryCallback callback);
  // The same, with the report as a future (always set, whatever
  // delivery.report.only.error says).
  std::future<DeliveryReport> send(Record record);
  // send() from views of the caller's bytes: they are copied before
  // send_ref() returns and nothing of the caller's is kept (librdkafka's
  // RD_KAFKA_MSG_F_COPY). Reports and blocking as send(); for a hot loop,
  // it spares building (allocating and freeing) a Record per record.
  void send_ref(const RecordRef& record, DeliveryCallback callback);

  // Sends `record` without waiting out linger.ms and waits for its report.
  // From a delivery callback it returns errc::would_deadlock at once (the
  // report would have to be delivered by the thread that is waiting).
  DeliveryReport send_sync(Record record);

  // Sends everything buffered now (ignoring linger.ms) and waits until every
  // record sent before the call has its report, or `timeout` passes.
  // Returns how many of those records are still without a report (0 = all
  // done); records other threads send meanwhile are not waited for.
  // Called from a delivery callback it cannot wait (the callback runs on
  // the thread that delivers the reports): it starts the flush and returns
  // at once. A timeout of milliseconds::max() (or anything past the clock's
  // range) waits without limit; 0 or less does not wait.
  std::size_t flush(std::chrono::milliseconds timeout);

  // Flushes for at most `timeout` (as flush(): milliseconds::max() waits for
  // every report), then fails whatever is left with
  // errc::closed and stops the I/O thread. Later sends fail with errc::closed.
  // Called from a delivery callback it does not wait: what is left fails
  // right after the callback returns.
  void close(std::chrono::milliseconds timeout);

  // Drops every record buffered and never sent; each gets its report with
  // errc::purged (definitely not written). Batches already sent, or waiting
  // for a retry, are not purged: they may be in the log. Returns how many
  // records were purged (0 when called from a delivery callback: the purge
  // then runs right after the callback returns).
  std::size_t purge();

  // Counters as one JSON object (docs/ARCHITECTURE.md, "Statistics"):
  // records sent/acknowledged/failed/retried, batches, average batch size
  // and fill, bytes, requests in flight per broker, request latency, buffer
  // use. From a delivery callback it returns the counters without waiting.
  std::string statistics_json() const;

  // True on the thread that runs this producer's delivery callbacks (its
  // I/O thread, or the thread running the application's io_context), where
  // blocking calls would wait for themselves.
  bool on_io_thread() const noexcept;

  // Creates topics (Kafka's CreateTopics) over this producer's connections
  // (same TLS/SASL), sent to the controller Metadata names (KRaft brokers
  // forward it). Blocks until the broker answers or `timeout` passes,
  // connecting first if no connection is up yet. Returns one result per
  // topic, in order; TOPIC_ALREADY_EXISTS is reported as such
  // (CreateTopicResult::already_exists()). After a creation the producer
  // refreshes its metadata, so sends to the new topic find it.
  // Called from a delivery callback (or on the application's io_context
  // thread) it cannot wait: every topic fails at once with
  // errc::would_deadlock. After close(): errc::closed.
  std::vector<CreateTopicResult> create_topics(std::span<const NewTopic> topics, std::chrono::milliseconds timeout);

 private:
  // bulk_send() counts every record's report whatever
  // delivery.report.only.error says (BulkTracker::send).
  friend class detail::BulkTracker;
  DeliveryCallback reported(DeliveryCallback callback) const;  // delivery.report.only.error

  std::unique_ptr<detail::ProducerDriver> engine_;
};

}  // namespace sluice
