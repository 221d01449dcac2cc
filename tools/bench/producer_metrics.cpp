// producer_metrics: the statistics JSON read into Java's producer metric
// names (see producer_metrics.hpp; the mapping is docs/TOOLS.md's table).
#include "producer_metrics.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sluice::bench {
namespace {

namespace json = boost::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double number(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return 0;
}

double at(const json::object& o, std::string_view key) { return number(o.if_contains(key)); }

double at_path(const json::object& o, std::initializer_list<std::string_view> path) {
  const json::object* cur = &o;
  const json::value* v = nullptr;
  for (auto key : path) {
    if (cur == nullptr) return 0;
    v = cur->if_contains(key);
    if (v == nullptr) return 0;
    cur = v->if_object();
  }
  return number(v);
}

double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

// librdkafka windows (rtt, throttle, int_latency, batchsize) merged: the
// run's count, sum and max.
struct Window {
  double cnt = 0, sum = 0, max = 0;
  void add(const json::value* w) {
    const json::object* o = w ? w->if_object() : nullptr;
    if (o == nullptr || at(*o, "cnt") <= 0) return;
    cnt += at(*o, "cnt");
    sum += at(*o, "sum");
    max = std::max(max, at(*o, "max"));
  }
  double avg() const { return ratio(sum, cnt); }
  double max_or_nan() const { return cnt > 0 ? max : kNaN; }  // Java's Max of no samples is NaN
};

class Collector {
 public:
  Collector(std::string client_id, double age_s) : client_(std::move(client_id)), age_s_(age_s) {}

  void add(const char* group, std::string name, double value,
           std::vector<std::pair<std::string, std::string>> extra = {}) {
    ProducerMetric m{group, std::move(name), {{"client-id", client_}}, value};
    for (auto& t : extra) m.tags.push_back(std::move(t));
    out_.push_back(std::move(m));
  }
  // Java's Meter: NAME-rate (per second) and NAME-total.
  void meter(const char* group, const std::string& name, double total,
             const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    add(group, name + "-rate", age_s_ > 0 ? total / age_s_ : 0, extra);
    add(group, name + "-total", total, extra);
  }
  std::vector<ProducerMetric> take() { return std::move(out_); }

 private:
  std::string client_;
  double age_s_;
  std::vector<ProducerMetric> out_;
};

constexpr const char* kProducer = "producer-metrics";
constexpr const char* kNode = "producer-node-metrics";
constexpr const char* kTopic = "producer-topic-metrics";

}  // namespace

std::string ProducerMetric::display_name() const {
  std::string s = group + ":" + name + ":{";
  for (std::size_t i = 0; i < tags.size(); ++i) s += (i ? ", " : "") + tags[i].first + "=" + tags[i].second;
  return s + "}";
}

ProducerMetrics producer_metrics(std::string_view statistics_json) {
  ProducerMetrics result;
  json::error_code ec;
  const json::value doc = json::parse(statistics_json, ec);
  if (ec || !doc.is_object()) {
    result.error = "the producer's statistics are not a JSON object" + (ec ? ": " + ec.message() : std::string());
    return result;
  }
  const json::object& s = doc.as_object();
  const json::value* id = s.if_contains("client_id");
  const std::string client = id && id->is_string() ? std::string(id->as_string()) : std::string();
  Collector c(client, at(s, "age") / 1e6);

  Window throttle, queue_time, batch_size;
  double in_flight = 0, up = 0, disconnects = 0;
  if (const json::value* brokers = s.if_contains("brokers"); brokers && brokers->is_object()) {
    for (const auto& [name, v] : brokers->as_object()) {
      const json::object* b = v.if_object();
      if (b == nullptr) continue;
      throttle.add(b->if_contains("throttle"));
      queue_time.add(b->if_contains("int_latency"));
      in_flight += at(*b, "waitresp_cnt");
      disconnects += at(*b, "disconnects");
      const json::value* state = b->if_contains("state");
      if (state && state->is_string() && state->as_string() == "UP") ++up;
      if (at(*b, "tx") <= 0) continue;  // Java has node metrics for nodes it talked to
      // Java names a bootstrap node -1, -2, ... as Sluice does: node--1.
      const std::vector<std::pair<std::string, std::string>> node{
          {"node-id", "node-" + std::to_string(static_cast<long long>(at(*b, "nodeid")))}};
      c.meter(kNode, "request", at(*b, "tx"), node);
      c.meter(kNode, "response", at(*b, "rx"), node);
      c.meter(kNode, "outgoing-byte", at(*b, "txbytes"), node);
      c.meter(kNode, "incoming-byte", at(*b, "rxbytes"), node);
      Window rtt;  // Produce round trips, µs
      rtt.add(b->if_contains("rtt"));
      c.add(kNode, "request-latency-avg", rtt.avg() / 1000, node);
      c.add(kNode, "request-latency-max", rtt.max_or_nan() / 1000, node);
    }
  }
  double metadata_age_ms = -1;
  if (const json::value* topics = s.if_contains("topics"); topics && topics->is_object()) {
    for (const auto& [name, v] : topics->as_object()) {
      const json::object* t = v.if_object();
      if (t == nullptr) continue;
      batch_size.add(t->if_contains("batchsize"));
      metadata_age_ms = std::max(metadata_age_ms, at(*t, "metadata_age"));
      double records = 0, bytes = 0;
      if (const json::value* parts = t->if_contains("partitions"); parts && parts->is_object()) {
        for (const auto& [pid, p] : parts->as_object()) {
          if (const json::object* po = p.if_object()) {
            records += at(*po, "txmsgs");
            bytes += at(*po, "txbytes");
          }
        }
      }
      const std::vector<std::pair<std::string, std::string>> topic{{"topic", std::string(name)}};
      c.meter(kTopic, "record-send", records, topic);
      c.meter(kTopic, "byte", bytes, topic);
    }
  }

  const double batches = at_path(s, {"sluice", "batches", "sent"});
  const double uncompressed = at_path(s, {"sluice", "batches", "average_bytes"}) * batches;
  const double requests = at_path(s, {"sluice", "requests", "sent"});
  const double records = at_path(s, {"sluice", "records", "sent"});
  c.add(kProducer, "batch-size-avg", batch_size.avg());
  c.add(kProducer, "batch-size-max", batch_size.max_or_nan());
  c.add(kProducer, "compression-rate-avg", ratio(at_path(s, {"sluice", "batches", "bytes_sent"}), uncompressed));
  c.add(kProducer, "buffer-total-bytes", at(s, "msg_size_max"));
  c.add(kProducer, "buffer-available-bytes", at(s, "msg_size_max") - at(s, "msg_size"));
  c.add(kProducer, "connection-count", up);
  c.meter(kProducer, "connection-close", disconnects);
  c.meter(kProducer, "request", at(s, "tx"));
  c.meter(kProducer, "response", at(s, "rx"));
  c.meter(kProducer, "outgoing-byte", at(s, "tx_bytes"));
  c.meter(kProducer, "incoming-byte", at(s, "rx_bytes"));
  c.add(kProducer, "request-latency-avg",
        requests > 0 ? at_path(s, {"sluice", "requests", "latency_avg_us"}) / 1000 : kNaN);
  c.add(kProducer, "request-latency-max",
        requests > 0 ? at_path(s, {"sluice", "requests", "latency_max_us"}) / 1000 : kNaN);
  c.add(kProducer, "requests-in-flight", in_flight);
  c.meter(kProducer, "record-send", records);
  c.add(kProducer, "records-per-request-avg", ratio(records, requests));
  c.meter(kProducer, "record-retry", at_path(s, {"sluice", "records", "retried"}));
  c.meter(kProducer, "record-error", at_path(s, {"sluice", "records", "failed"}));
  c.add(kProducer, "record-queue-time-avg", queue_time.avg() / 1000);
  c.add(kProducer, "record-queue-time-max", queue_time.max_or_nan() / 1000);
  c.add(kProducer, "produce-throttle-time-avg", throttle.avg());
  c.add(kProducer, "produce-throttle-time-max", throttle.max_or_nan());
  if (metadata_age_ms >= 0) c.add(kProducer, "metadata-age", metadata_age_ms / 1000);

  result.metrics = c.take();
  std::sort(result.metrics.begin(), result.metrics.end(),
            [](const ProducerMetric& a, const ProducerMetric& b) { return a.display_name() < b.display_name(); });
  return result;
}

std::string metrics_text(const std::vector<ProducerMetric>& metrics) {
  if (metrics.empty()) return {};
  std::size_t width = 0;
  for (const auto& m : metrics) width = std::max(width, m.display_name().size());
  auto pad = [width](std::string s) {
    s.resize(std::max(width, s.size()), ' ');
    return s;
  };
  std::string out = "\n" + pad("Metric Name") + "   Value\n";
  for (const auto& m : metrics) {
    char value[64];
    if (std::isnan(m.value)) {
      std::snprintf(value, sizeof value, "NaN");
    } else {
      std::snprintf(value, sizeof value, "%.3f", m.value);
    }
    out += pad(m.display_name()) + " : " + value + "\n";
  }
  return out;
}

}  // namespace sluice::bench
