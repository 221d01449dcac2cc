#include "producer_statistics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include <boost/json.hpp>

namespace sluice::detail {

namespace json = boost::json;

namespace {

// Bucket of a value: 0..15 exact, then 8 per power of two (2^4 .. 2^40).
std::size_t bucket_of(std::uint64_t v) noexcept {
  if (v < 16) return static_cast<std::size_t>(v);
  const auto e = static_cast<std::size_t>(std::bit_width(v) - 1);  // 4..40
  return 16 + (e - 4) * 8 + static_cast<std::size_t>((v >> (e - 3)) & 7);
}

// The largest value a bucket holds.
std::int64_t bucket_top(std::size_t i) noexcept {
  if (i < 16) return static_cast<std::int64_t>(i);
  const std::size_t e = (i - 16) / 8 + 4, sub = (i - 16) % 8;
  const std::uint64_t base = (std::uint64_t{1} << e) + (std::uint64_t{sub} << (e - 3));
  return static_cast<std::int64_t>(base + (std::uint64_t{1} << (e - 3)) - 1);
}

json::object window_json(const StatsWindow& w) {
  const std::int64_t n = w.count();
  return {{"min", w.min()},
          {"max", w.max()},
          {"avg", n == 0 ? 0 : w.sum() / n},
          {"sum", w.sum()},
          {"cnt", n},
          {"stddev", static_cast<std::int64_t>(std::llround(w.stddev()))},
          {"hdrsize", sizeof(StatsWindow)},
          {"p50", w.percentile(0.50)},
          {"p75", w.percentile(0.75)},
          {"p90", w.percentile(0.90)},
          {"p95", w.percentile(0.95)},
          {"p99", w.percentile(0.99)},
          {"p99_99", w.percentile(0.9999)},
          {"outofrange", w.out_of_range()}};
}

double average(std::uint64_t sum, std::uint64_t n) {
  return n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n);
}

// Broker key and name: "host:port/id", "host:port/bootstrap" for a
// bootstrap.servers entry.
std::string broker_name(const BrokerStatistics& b) {
  return b.address + "/" + (b.node_id < 0 ? std::string("bootstrap") : std::to_string(b.node_id));
}

json::object broker_json(const BrokerStatistics& b) {
  const BrokerTraffic& t = b.traffic;
  json::object toppars;
  for (const auto& tp : b.toppars) toppars[tp.str()] = {{"topic", tp.topic}, {"partition", tp.partition}};
  return {{"name", broker_name(b)},
          {"nodeid", b.node_id < 0 ? -1 : b.node_id},
          {"nodename", b.address},
          {"source", b.node_id < 0 ? "configured" : "learned"},
          {"state", b.state},
          {"stateage", b.state_age_us},
          {"outbuf_cnt", b.requests_unwritten},
          {"outbuf_msg_cnt", 0},
          {"waitresp_cnt", b.requests_in_flight - std::min(b.requests_unwritten, b.requests_in_flight)},
          {"waitresp_msg_cnt", t.waitresp_msg_cnt},
          {"tx", t.tx},
          {"txbytes", t.tx_bytes},
          {"txerrs", t.tx_errs},
          {"txretries", t.tx_retries},
          {"req_timeouts", t.req_timeouts},
          {"rx", t.rx},
          {"rxbytes", t.rx_bytes},
          {"rxerrs", t.rx_errs},
          {"rxcorriderrs", 0},
          {"rxpartial", 0},
          {"zbuf_grow", 0},
          {"buf_grow", 0},
          {"connects", b.link.connects},
          {"disconnects", b.link.disconnects},
          {"int_latency", window_json(t.int_latency)},
          {"outbuf_latency", window_json(StatsWindow{})},  // requests are written at once
          {"rtt", window_json(t.rtt)},
          {"throttle", window_json(t.throttle)},
          {"toppars", std::move(toppars)}};
}

json::object partition_json(std::int32_t id, const PartitionStatistics& p) {
  const PartitionTraffic& t = p.traffic;
  return {{"partition", id},
          {"broker", p.leader},
          {"leader", p.leader},
          {"desired", false},
          {"unknown", p.unknown},
          {"msgq_cnt", p.msgq_cnt},
          {"msgq_bytes", p.msgq_bytes},
          {"xmit_msgq_cnt", p.xmit_msgq_cnt},
          {"xmit_msgq_bytes", p.xmit_msgq_bytes},
          {"fetchq_cnt", 0},
          {"fetchq_size", 0},
          {"txmsgs", t.txmsgs},
          {"txbytes", t.txbytes},
          {"rxmsgs", 0},
          {"rxbytes", 0},
          {"msgs", p.msgs},
          {"rx_ver_drops", 0},
          {"msgs_inflight", t.msgs_inflight},
          {"next_ack_seq", t.next_ack_seq},
          {"next_err_seq", t.next_err_seq},
          {"acked_msgid", t.acked_msgid}};
}

json::object sluice_json(const StatisticsSnapshot& s) {
  const auto& c = s.counters;
  json::object brokers;
  for (const auto& [id, b] : s.brokers) {
    if (id < 0) continue;
    brokers[std::to_string(id)] = {{"node_id", b.node_id},
                                   {"address", b.address},
                                   {"connected", b.connected},
                                   {"requests_in_flight", b.requests_in_flight}};
  }
  const double avg_batch_bytes = average(c.batch_fill_sum, c.batches_sent);
  return {
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
      {"brokers", std::move(brokers)},
  };
}

}  // namespace

void StatsWindow::add(std::int64_t v) noexcept {
  v = std::max<std::int64_t>(v, 0);
  if (cnt_ == 0 || v < min_) min_ = v;
  if (v > max_) max_ = v;
  ++cnt_;
  sum_ += v;
  sum_sq_ += static_cast<double>(v) * static_cast<double>(v);
  const std::size_t i = bucket_of(static_cast<std::uint64_t>(v));
  if (i < kBuckets) {
    ++buckets_[i];
  } else {
    ++outofrange_;
  }
}

double StatsWindow::stddev() const noexcept {
  if (cnt_ == 0) return 0;
  const double n = static_cast<double>(cnt_), mean = static_cast<double>(sum_) / n;
  return std::sqrt(std::max(0.0, sum_sq_ / n - mean * mean));
}

std::int64_t StatsWindow::percentile(double p) const noexcept {
  const std::int64_t in_range = cnt_ - outofrange_;
  if (in_range <= 0) return cnt_ ? max_ : 0;
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p * static_cast<double>(in_range))));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(bucket_top(i), min_, max_);
  }
  return max_;
}

std::string to_json(const StatisticsSnapshot& s) {
  std::uint64_t tx = 0, tx_bytes = 0, rx = 0, rx_bytes = 0;
  json::object brokers;
  for (const auto& [id, b] : s.brokers) {
    tx += b.traffic.tx;
    tx_bytes += b.traffic.tx_bytes;
    rx += b.traffic.rx;
    rx_bytes += b.traffic.rx_bytes;
    brokers[broker_name(b)] = broker_json(b);
  }
  json::object topics;
  for (const auto& [name, t] : s.topics) {
    json::object partitions;
    for (const auto& [id, p] : t.partitions) partitions[std::to_string(id)] = partition_json(id, p);
    topics[name] = {{"topic", name},
                    {"age", t.age_ms},
                    {"metadata_age", t.metadata_age_ms},
                    {"batchsize", window_json(t.traffic.batchsize)},
                    {"batchcnt", window_json(t.traffic.batchcnt)},
                    {"partitions", std::move(partitions)}};
  }
  const auto& c = s.counters;
  json::object o{
      {"name", s.name},
      {"client_id", s.client_id},
      {"type", "producer"},
      {"ts", s.ts_us},
      {"time", s.time_ms / 1000},
      {"age", s.age_us},
      {"replyq", s.replyq},
      {"msg_cnt", s.records_outstanding},
      {"msg_size", s.buffer_bytes},
      {"msg_max", s.msg_max},
      {"msg_size_max", s.buffer_limit},
      {"tx", tx},
      {"tx_bytes", tx_bytes},
      {"rx", rx},
      {"rx_bytes", rx_bytes},
      {"txmsgs", c.records_sent},
      {"txmsg_bytes", c.batch_bytes_sent},
      {"rxmsgs", 0},
      {"rxmsg_bytes", 0},
      {"simple_cnt", 0},
      {"metadata_cache_cnt", s.metadata_cache_cnt},
      {"brokers", std::move(brokers)},
      {"topics", std::move(topics)},
      {"eos", {{"idemp_state", s.idemp_state},
               {"idemp_stateage", 0},
               {"txn_state", "Init"},
               {"txn_stateage", 0},
               {"txn_may_enq", false},
               {"producer_id", s.producer_id},
               {"producer_epoch", s.producer_epoch},
               {"epoch_cnt", c.epoch_bumps}}},
      {"sluice", sluice_json(s)},
  };
  return json::serialize(o);
}

}  // namespace sluice::detail
