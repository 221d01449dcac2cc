#pragma once
// --print-metrics: the producer's metrics at the end of a run, named and
// printed as Java's kafka-producer-perf-test prints its producer's
// (ToolsUtils.printMetrics: "group:name:{tags} : value", sorted by that
// name, values with three decimals). They are read from the client's
// statistics JSON (librdkafka's schema, docs/STATISTICS.md, plus Sluice's
// "sluice" object): only figures the client measures, under the Java name
// whose meaning they match (docs/TOOLS.md lists them and where they differ).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::bench {

struct ProducerMetric {
  std::string group;  // producer-metrics, producer-node-metrics, producer-topic-metrics
  std::string name;   // record-send-total, ...
  std::vector<std::pair<std::string, std::string>> tags;  // in Java's order: client-id first
  double value = 0;   // NaN: an average of no samples (Java prints NaN too)

  // "group:name:{client-id=x, node-id=node-1}", Java's MetricName rendering.
  std::string display_name() const;
};

struct ProducerMetrics {
  std::vector<ProducerMetric> metrics;  // sorted by display_name()
  std::string error;                    // non-empty: the statistics could not be read
};

// From one statistics JSON document. Rates are per second over the
// producer's age (the document's "age"), totals since it was made.
ProducerMetrics producer_metrics(std::string_view statistics_json);

// Java's layout: an empty line, "Metric Name   Value" padded to the longest
// name, then "name : value" per metric (value "%.3f", or NaN). Empty for
// no metrics.
std::string metrics_text(const std::vector<ProducerMetric>& metrics);

}  // namespace sluice::bench
