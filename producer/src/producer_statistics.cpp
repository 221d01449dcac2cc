#include "producer_statistics.hpp"

#include <boost/json.hpp>

namespace sluice::detail {

std::string to_json(const StatisticsSnapshot& s) {
  namespace json = boost::json;
  const auto& c = s.counters;
  auto average = [](std::uint64_t sum, std::uint64_t n) {
    return n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n);
  };
  json::object brokers;
  for (const auto& [id, b] : s.brokers) {
    brokers[std::to_string(id)] = {{"node_id", b.node_id},
                                   {"address", b.address},
                                   {"connected", b.connected},
                                   {"requests_in_flight", b.requests_in_flight}};
  }
  const double avg_batch_bytes = average(c.batch_fill_sum, c.batches_sent);
  json::object o{
      {"client_id", s.client_id},
      {"time_ms", s.time_ms},
      {"records", {{"sent", c.records_sent},
                   {"acknowledged", c.records_acked},
                   {"failed", c.records_failed},
                   {"retried", c.records_retried},
                   {"outstanding", s.records_outstanding}}},
      {"batches", {{"sent", c.batches_sent},
                   {"queued", s.batches_queued},
                   {"average_records", average(c.records_sent, c.batches_sent)},
                   {"average_bytes", avg_batch_bytes},
                   {"average_fill", s.batch_size == 0 ? 0.0 : avg_batch_bytes / static_cast<double>(s.batch_size)},
                   {"bytes_sent", c.batch_bytes_sent}}},
      {"requests", {{"sent", c.requests_sent},
                    {"answered", c.requests_answered},
                    {"latency_avg_us", average(c.request_latency_us_sum, c.requests_answered)},
                    {"latency_max_us", c.request_latency_us_max}}},
      {"buffer", {{"bytes", s.buffer_bytes}, {"limit_bytes", s.buffer_limit}}},
      {"idempotence", {{"producer_id", s.producer_id}, {"producer_epoch", s.producer_epoch},
                       {"epoch_bumps", c.epoch_bumps}}},
      {"brokers", brokers},
  };
  return json::serialize(o);
}

}  // namespace sluice::detail
