// summary_json and failure_json: sluice-verify's --json object, built with
// Boost.JSON (the only file of tools/verify that includes it).
#include <boost/json.hpp>
#include <cmath>

#include "summary.hpp"

namespace sluice::verify {
namespace {

namespace json = boost::json;

json::array text_list(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(json_text(item));
  return out;
}

double milliseconds_precision(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

}  // namespace

std::string json_text(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string summary_json(const CheckResult& result, const std::vector<std::string>& violations, const RunFacts& facts) {
  const Counts& c = result.counts;
  auto counters = counter_list(c);
  counters.emplace_back("extra_copies", c.extra_copies);
  counters.emplace_back("no_report_landed", c.no_report_landed);
  counters.emplace_back("acked_without_offset", c.acked_without_offset);
  json::object counts;
  for (const auto& [name, value] : counters) counts[name] = value;
  json::object examples;
  for (const auto& [name, list] : result.examples) examples[json_text(name)] = text_list(list);
  json::object failure_reasons;
  for (const auto& [reason, n] : facts.failure_reasons) failure_reasons[json_text(reason)] = n;
  json::object failure_examples;
  for (const auto& [reason, text] : facts.failure_examples) failure_examples[json_text(reason)] = json_text(text);
  json::object acked_per_partition;
  for (const auto& [partition, n] : facts.acked_per_partition) acked_per_partition[std::to_string(partition)] = n;

  const json::object out{
      {"run_id", json_text(facts.run_id)},
      {"topic", json_text(facts.topic)},
      {"ok", violations.empty()},
      {"counts", std::move(counts)},
      {"violations", text_list(violations)},
      {"examples", std::move(examples)},
      {"produce_seconds", milliseconds_precision(facts.produce_seconds)},
      {"slowest_report_seconds", milliseconds_precision(facts.slowest_report)},
      {"read_seconds", milliseconds_precision(facts.read_seconds)},
      {"records_read", facts.records_read},
      {"read_attempts", facts.read_attempts},
      {"notes", text_list(facts.notes)},
      {"slowest_send_seconds", milliseconds_precision(facts.slowest_send)},
      {"failure_reasons", std::move(failure_reasons)},
      {"failure_examples", std::move(failure_examples)},
      {"acked_per_partition", std::move(acked_per_partition)},
  };
  return json::serialize(out);
}

std::string failure_json(const RunFacts& facts, const std::string& error, int exit_code) {
  const json::object out{
      {"run_id", json_text(facts.run_id)},
      {"topic", json_text(facts.topic)},
      {"ok", false},
      {"error", json_text(error)},
      {"exit_code", exit_code},
      {"notes", text_list(facts.notes)},
  };
  return json::serialize(out);
}

}  // namespace sluice::verify
