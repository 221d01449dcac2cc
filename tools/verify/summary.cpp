#include "summary.hpp"

#include <algorithm>
#include <cstdio>

namespace sluice::verify {

std::string summary_line(const Counts& counts) {
  std::string out;
  for (const auto& [name, value] : counter_list(counts)) {
    if (!out.empty()) out += ' ';
    out += std::string(name) + "=" + std::to_string(value);
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      // Bytes, not code points: escaping each keeps invalid UTF-8 out.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

namespace {

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

std::string summary_json(const CheckResult& result, const std::vector<std::string>& violations, const RunFacts& facts) {
  const Counts& c = result.counts;
  std::string out = "{\"run_id\":" + json_string(facts.run_id) + ",\"topic\":" + json_string(facts.topic) +
                    ",\"ok\":" + (violations.empty() ? "true" : "false") + ",\"counts\":{";
  auto counters = counter_list(c);
  counters.emplace_back("extra_copies", c.extra_copies);
  counters.emplace_back("no_report_landed", c.no_report_landed);
  counters.emplace_back("acked_without_offset", c.acked_without_offset);
  for (std::size_t i = 0; i < counters.size(); ++i) {
    out += (i ? "," : "") + json_string(std::string(counters[i].first)) + ":" + std::to_string(counters[i].second);
  }
  out += "},\"violations\":" + json_list(violations) + ",\"examples\":{";
  bool first = true;
  for (const auto& [name, list] : result.examples) {
    out += (first ? "" : ",") + json_string(name) + ":" + json_list(list);
    first = false;
  }
  out += "},\"produce_seconds\":" + number(facts.produce_seconds) +
         ",\"slowest_report_seconds\":" + number(facts.slowest_report) + ",\"read_seconds\":" + number(facts.read_seconds) +
         ",\"records_read\":" + std::to_string(facts.records_read) +
         ",\"read_attempts\":" + std::to_string(facts.read_attempts) + ",\"notes\":" + json_list(facts.notes) +
         ",\"slowest_send_seconds\":" + number(facts.slowest_send) + ",\"failure_reasons\":{";
  first = true;
  for (const auto& [reason, n] : facts.failure_reasons) {
    out += (first ? "" : ",") + json_string(reason) + ":" + std::to_string(n);
    first = false;
  }
  out += "},\"failure_examples\":{";
  first = true;
  for (const auto& [reason, text] : facts.failure_examples) {
    out += (first ? "" : ",") + json_string(reason) + ":" + json_string(text);
    first = false;
  }
  out += "},\"acked_per_partition\":{";
  first = true;
  for (const auto& [partition, n] : facts.acked_per_partition) {
    out += (first ? "" : ",") + json_string(std::to_string(partition)) + ":" + std::to_string(n);
    first = false;
  }
  return out + "}}";
}

std::string failure_json(const RunFacts& facts, const std::string& error, int exit_code) {
  return "{\"run_id\":" + json_string(facts.run_id) + ",\"topic\":" + json_string(facts.topic) +
         ",\"ok\":false,\"error\":" + json_string(error) + ",\"exit_code\":" + std::to_string(exit_code) +
         ",\"notes\":" + json_list(facts.notes) + "}";
}

std::string run_line(const RunFacts& facts) {
  return "run " + facts.run_id + " on " + facts.topic + ": produced and closed in " + number(facts.produce_seconds) +
         " s (slowest report " + number(facts.slowest_report) + " s after its send), read " +
         std::to_string(facts.records_read) + " records back in " + number(facts.read_seconds) + " s (" +
         std::to_string(facts.read_attempts) + " kcat run(s))";
}

std::string failures_line(const RunFacts& facts) {
  std::string out;
  for (const auto& [reason, n] : facts.failure_reasons) {
    out += (out.empty() ? "failure reports: " : "; ") + std::to_string(n) + " x " + reason;
  }
  for (const auto& [reason, text] : facts.failure_examples) out += "\n  e.g. " + text;
  return out;
}

std::string examples_text(const CheckResult& result, const std::vector<std::string>& violations) {
  auto is_violation = [&](const std::string& n) {
    return std::find(violations.begin(), violations.end(), n) != violations.end();
  };
  // Violations first (in summary order), then the rest.
  std::string head, tail;
  for (const auto& [name_view, value] : counter_list(result.counts)) {
    const std::string name(name_view);
    auto it = result.examples.find(name);
    if (value == 0 || it == result.examples.end() || it->second.empty()) continue;
    const char* kind = is_violation(name)                         ? "violation"
                       : (name == "dup" || name == "reordered")   ? "allowed"
                                                                  : "info";
    std::string block = name + "=" + std::to_string(value) + " (" + kind + "), e.g.:\n";
    for (const auto& e : it->second) block += "  " + e + "\n";
    (is_violation(name) ? head : tail) += block;
  }
  return head + tail;
}

}  // namespace sluice::verify
