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

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

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
