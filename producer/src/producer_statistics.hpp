#pragma once
// ProducerStatistics: the producer's counters and their JSON form
// (Boost.JSON). Counters are updated on the I/O thread; buffer use comes
// from the application side. to_json() takes a consistent snapshot made on
// the I/O thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace sluice::detail {

struct BrokerStatistics {
  std::int32_t node_id = -1;
  std::string address;
  std::size_t requests_in_flight = 0;
  bool connected = false;
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

  void record_request(std::chrono::steady_clock::duration latency) noexcept {
    const auto us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
    ++requests_answered;
    request_latency_us_sum += us;
    if (us > request_latency_us_max) request_latency_us_max = us;
  }
};

struct StatisticsSnapshot {
  ProducerStatistics counters;
  std::size_t batch_size = 0;            // batch.size, for the fill ratio
  std::size_t buffer_bytes = 0;          // buffer.memory in use
  std::size_t buffer_limit = 0;          // buffer.memory
  std::size_t records_outstanding = 0;   // accepted without a report yet
  std::size_t batches_queued = 0;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::map<std::int32_t, BrokerStatistics> brokers;
  std::string client_id;
  std::int64_t time_ms = 0;              // wall clock, ms since the epoch
};

std::string to_json(const StatisticsSnapshot& s);

}  // namespace sluice::detail
