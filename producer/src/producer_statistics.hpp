#pragma once
// ProducerStatistics: the producer's counters and their JSON form
// (Boost.JSON), in librdkafka's STATISTICS.md schema (docs/CONFIGURATION.md
// "Statistics" says which fields are filled and how) with Sluice's own
// counters under "sluice". Counters are updated on the I/O thread; buffer
// use comes from the application side. to_json() takes a consistent
// snapshot made on the I/O thread. No clocks here: times are passed in.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "producer_batch.hpp"
#include "sluice/net/wire_traffic.hpp"

namespace sluice::detail {

// A window of samples (librdkafka's rolling "window stats"): exact min, max,
// sum, count and standard deviation; percentiles from a fixed log-linear
// histogram (values below 16 exact, above that 8 buckets per power of two,
// so a percentile is at most 12.5% above the true value, never above max;
// values of 2^41 and more are out of range). Reset each statistics interval.
class StatsWindow {
 public:
  static constexpr std::size_t kBuckets = 16 + 37 * 8;
  void add(std::int64_t v) noexcept;
  void reset() noexcept { *this = StatsWindow{}; }
  std::int64_t count() const noexcept { return cnt_; }
  std::int64_t min() const noexcept { return cnt_ ? min_ : 0; }
  std::int64_t max() const noexcept { return max_; }
  std::int64_t sum() const noexcept { return sum_; }
  std::int64_t out_of_range() const noexcept { return outofrange_; }
  double stddev() const noexcept;
  // The value at or below which fraction `p` of the samples lie.
  std::int64_t percentile(double p) const noexcept;

 private:
  std::array<std::uint32_t, kBuckets> buckets_{};
  std::int64_t cnt_ = 0, min_ = 0, max_ = 0, sum_ = 0, outofrange_ = 0;
  double sum_sq_ = 0;
};

// One broker's traffic. tx, tx_bytes, tx_errs, rx, rx_bytes and rx_errs
// count every request kind: the snapshot takes them from the broker's
// connections (net::WireTraffic, LinkHistory::wire). The rest is Produce
// traffic, counted by the broker's BrokerSink, which adds to rx_errs the
// Produce answers it cannot decode.
struct BrokerTraffic {
  std::uint64_t tx = 0;          // requests written in full, every kind
  std::uint64_t tx_bytes = 0;    // bytes written (framing included)
  std::uint64_t tx_errs = 0;     // requests that failed before they were written in full
  std::uint64_t tx_retries = 0;  // Produce requests carrying a retried batch
  std::uint64_t req_timeouts = 0;  // Produce requests that timed out
  std::uint64_t rx = 0;          // answers read, every kind
  std::uint64_t rx_bytes = 0;    // their bytes (framing included)
  std::uint64_t rx_errs = 0;     // written and never answered, bad frames, undecodable Produce answers
  std::int64_t waitresp_msg_cnt = 0;  // records in Produce requests awaiting their answer
  StatsWindow int_latency;  // µs a batch's first record waited before its batch was first sent
  StatsWindow rtt;       // µs, send to answer
  StatsWindow throttle;  // ms, throttle_time_ms of each answer
};

// One broker link's history, kept by the driver.
struct LinkHistory {
  std::uint64_t connects = 0;     // attempts, successful or not
  std::uint64_t disconnects = 0;  // a ready link lost or closed
  bool up = false;
  Clock::time_point state_since{};
  // The failure last logged as an error for this broker (TLS, SASL): the
  // same failure again on the next attempts is logged at info, so a
  // misconfigured client does not fill the log with one error per retry.
  // Cleared when a connection comes up.
  std::string failure_logged;
  // What its connections wrote and read, each connection adding to it.
  std::shared_ptr<net::WireTraffic> wire = std::make_shared<net::WireTraffic>();
};

// One partition's transmit counters, kept by the sinks.
struct PartitionTraffic {
  std::uint64_t txmsgs = 0;
  std::uint64_t txbytes = 0;
  std::int64_t msgs_inflight = 0;
  std::int64_t next_ack_seq = 0;  // idempotent: sequence after the last acknowledged batch
  std::int64_t next_err_seq = 0;  // idempotent: sequence after the last failed batch
  std::uint64_t acked_msgid = 0;  // records acknowledged
};

struct TopicTraffic {
  Clock::time_point first_seen{};  // its first batch, or the first snapshot naming it
  StatsWindow batchsize;  // bytes per batch, first sent
  StatsWindow batchcnt;   // records per batch, first sent
};

struct ProducerStatistics {
  std::uint64_t records_sent = 0;       // records carried by Produce requests (retries count again)
  std::uint64_t records_acked = 0;
  std::uint64_t records_failed = 0;
  std::uint64_t records_retried = 0;
  std::uint64_t batches_sent = 0;       // batches carried by Produce requests
  std::uint64_t batch_bytes_sent = 0;   // their bytes on the wire (compressed)
  std::uint64_t batch_fill_sum = 0;     // sum of uncompressed size per batch, for average fill
  std::uint64_t requests_sent = 0;
  std::uint64_t request_latency_us_sum = 0;  // send to answer, answered requests
  std::uint64_t request_latency_us_max = 0;
  std::uint64_t requests_answered = 0;
  std::uint64_t epoch_bumps = 0;
  std::map<TopicPartition, PartitionTraffic> partitions;
  std::map<std::string, TopicTraffic, std::less<>> topics;

  void record_request(std::chrono::steady_clock::duration latency) noexcept {
    const auto us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    ++requests_answered;
    request_latency_us_sum += us;
    if (us > request_latency_us_max) request_latency_us_max = us;
  }
};

struct BrokerStatistics {
  std::int32_t node_id = -1;  // < 0: a bootstrap.servers entry
  std::string address;        // host:port
  std::size_t requests_in_flight = 0;
  std::size_t requests_unwritten = 0;  // of those, queued or being written (outbuf_cnt)
  bool connected = false;
  std::string state = "INIT";  // INIT, CONNECT, UP, DOWN
  std::int64_t state_age_us = 0;
  LinkHistory link;
  BrokerTraffic traffic;
  std::vector<TopicPartition> toppars;  // partitions it leads
};

// One partition as the snapshot sees it.
struct PartitionStatistics {
  std::int32_t leader = -1;
  bool unknown = false;  // not in the topic's metadata
  std::uint64_t msgq_cnt = 0, msgq_bytes = 0;            // in the open batch
  std::uint64_t xmit_msgq_cnt = 0, xmit_msgq_bytes = 0;  // in closed batches waiting to be sent
  std::uint64_t msgs = 0;                                // appended since start
  PartitionTraffic traffic;
};

struct TopicStatistics {
  std::int64_t age_ms = 0;
  std::int64_t metadata_age_ms = -1;  // -1: no Metadata answer yet
  TopicTraffic traffic;
  std::map<std::int32_t, PartitionStatistics> partitions;
};

struct StatisticsSnapshot {
  ProducerStatistics counters;
  std::string name;                      // librdkafka's handle name
  std::int64_t ts_us = 0;                // monotonic clock
  std::int64_t age_us = 0;               // since the producer was made
  std::size_t replyq = 0;                // reports waiting for the callback thread
  std::size_t msg_max = 0;               // queue.buffering.max.messages (0: no limit)
  std::size_t metadata_cache_cnt = 0;
  std::size_t batch_size = 0;            // batch.size, for the fill ratio
  std::size_t buffer_bytes = 0;          // buffer.memory in use
  std::size_t buffer_limit = 0;          // buffer.memory
  std::size_t records_outstanding = 0;   // accepted without a report yet
  std::size_t batches_queued = 0;
  bool idempotent = false;
  std::string idemp_state = "Init";
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::map<std::int32_t, BrokerStatistics> brokers;
  std::map<std::string, TopicStatistics, std::less<>> topics;
  std::string client_id;
  std::int64_t time_ms = 0;              // wall clock, ms since the epoch
};

std::string to_json(const StatisticsSnapshot& s);

}  // namespace sluice::detail
