#pragma once
// BrokerSink: one broker's Produce traffic (franz-go's sink, the Java
// client's Sender for one node). Sans-I/O: it is handed the partitions that
// are ready at this broker and the time, and returns the request to write;
// it is handed the answer (or the transport error) and the time, and says
// what became of each batch. It never touches a socket, a clock or a timer.
//
// What it decides, in one place each:
//  - what goes into a Produce request (max.request.size, compression once,
//    producer id/epoch/sequence stamped through IdempotenceState);
//  - a batch's fate after an attempt: acknowledged, retried after a backoff
//    (delivery_policy's decide(), e.g. NOT_LEADER_OR_FOLLOWER), split in two
//    (MESSAGE_TOO_LARGE), or failed, definitely or with its outcome unknown;
//  - KIP-219 throttling of this broker.
// Reports leave it as BatchEnd values: the driver delivers them. Leader
// hints (KIP-951) leave it as values too: the cluster view applies them.
//
// Threads: the producer's I/O thread owns every sink and what it refers to.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cluster_view.hpp"
#include "delivery_policy.hpp"
#include "idempotence_state.hpp"
#include "producer_batch.hpp"
#include "producer_statistics.hpp"
#include "record_accumulator.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/net/metadata_cache.hpp"
#include "partition_chooser.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch_builder.hpp"

namespace sluice::detail {

// A batch done with: the driver reports each of its records once.
struct BatchEnd {
  std::unique_ptr<ProducerBatch> batch;
  std::int64_t base_offset = -1;  // acknowledged: the first record's offset (-1: acks=0)
  std::error_code error;          // empty: acknowledged
  std::string message;
  bool outcome_unknown = false;   // failed, and it may be in the log
};

// What a sink's step produced besides the batches it keeps or requeues.
struct SinkActions {
  std::vector<BatchEnd> ended;
  std::vector<LeaderHint> leader_hints;
  bool refresh_metadata = false;
};

// A Produce request on its way: the batches it carries, in request order.
// The link's handler owns it (broker_link.hpp): the request views the
// batches' bytes until the handler runs.
struct InFlightProduce {
  std::int32_t node_id = -1;
  Clock::time_point sent_at{};
  std::int16_t version = 0;
  protocol::ProduceRequest request;  // views each batch in its builder's buffer
  std::vector<std::unique_ptr<ProducerBatch>> batches;
  // Per batch, the topic id it was sent under: a leader hint in the answer
  // belongs to that topic, which a recreate may have replaced meanwhile.
  std::vector<protocol::Uuid> topic_ids;
};

struct SinkOptions {
  std::int16_t acks = -1;
  std::chrono::milliseconds request_timeout{30000};
  std::size_t max_request_size = 1048576;
  protocol::Compression compression = protocol::Compression::none;
  RetryPolicy retry;
  std::optional<int> compression_level;  // compression.level (none: the codec's default)
};

// The parts of the core a sink works on, owned by the driver (I/O thread).
struct SinkParts {
  RecordAccumulator& accumulator;
  IdempotenceState& idempotence;
  PartitionChooser& partitioner;
  const net::MetadataCache& metadata;  // topic ids; read only
  ProducerStatistics& stats;
};

class BrokerSink {
 public:
  BrokerSink(std::int32_t node_id, const SinkOptions& options, SinkParts parts)
      : node_id_(node_id), options_(options), parts_(parts) {}

  std::int32_t node_id() const noexcept { return node_id_; }

  // KIP-219: the broker answered with a throttle time; nothing more goes to
  // it before then.
  bool throttled(Clock::time_point now) const noexcept { return now < throttled_until_; }
  Clock::time_point throttled_until() const noexcept { return throttled_until_; }
  // Its Produce traffic (statistics); reset_windows() starts new rtt and
  // throttle windows (each statistics interval).
  const BrokerTraffic& traffic() const noexcept { return traffic_; }
  void reset_windows() noexcept {
    traffic_.int_latency.reset();
    traffic_.rtt.reset();
    traffic_.throttle.reset();
  }
  // Another answer of this broker's (CreateTopics) asked to hold off.
  void throttle(std::int32_t throttle_ms, Clock::time_point now) noexcept {
    if (throttle_ms > 0) throttled_until_ = std::max(throttled_until_, now + std::chrono::milliseconds(throttle_ms));
  }

  // Takes the head batch of each partition in `ready` (in order, up to
  // max.request.size; each partition led by this broker, allowed to send)
  // out of the accumulator, finishes and stamps them, and returns the
  // request at `version`; null if nothing went in (a batch that cannot be
  // compressed ends in `out`).
  std::shared_ptr<InFlightProduce> build(const std::vector<TopicPartition>& ready, std::int16_t version,
                                         Clock::time_point now, SinkActions& out);

  // The request's outcome: each batch is acknowledged, requeued for a
  // retry, split, or ended in `out`. `jitter` gives a factor in 0.8..1.2
  // per batch, so the batches of one failed request do not retry in step;
  // `stopping`: the producer is closing, nothing is retried.
  void on_answer(InFlightProduce& request, const net::RequestOutcome& outcome, Clock::time_point now,
                 const std::function<double()>& jitter,
                 bool stopping, SinkActions& out);

  // One batch's attempt, decided (delivery_policy) and carried out. Public
  // for the answer paths that are not a Produce answer (tests).
  void handle_attempt(std::unique_ptr<ProducerBatch> batch, const AttemptResult& result, std::int64_t base_offset,
                      std::string message, std::int16_t code, Clock::time_point now, double jitter, bool stopping,
                      SinkActions& out);

 private:
  void split_and_requeue(std::unique_ptr<ProducerBatch> batch, Clock::time_point now, SinkActions& out);
  void end(std::unique_ptr<ProducerBatch> batch, std::int64_t base_offset, std::error_code ec, std::string message,
           bool outcome_unknown, SinkActions& out);

  std::int32_t node_id_;
  SinkOptions options_;
  SinkParts parts_;
  Clock::time_point throttled_until_{};
  BrokerTraffic traffic_;
};

}  // namespace sluice::detail
