#include "log_reader.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "subprocess.hpp"

namespace sluice::verify {

namespace {

using Clock = std::chrono::steady_clock;

std::string kcat_not_found() {
  return "kcat not found in PATH: sluice-verify reads the log back with kcat (Debian: apt-get install kcat; "
         "tools/setup installs it)";
}

}  // namespace

std::string check_brokers_reachable(const std::string& bootstrap, const std::string& topic) {
  // -t limits the answer to one topic and, unlike a producer's request, does
  // not create it.
  auto r = run_capture({"kcat", "-L", "-b", bootstrap, "-t", topic, "-m", "10"}, std::chrono::seconds(30));
  if (!r.started) return kcat_not_found();
  if (r.ok()) return {};
  std::string why = kcat_error_line(r.err);
  return "cannot reach the brokers at " + bootstrap + " (kcat -L " + r.status() + (why.empty() ? "" : ": " + why) +
         "); check -b and that the cluster runs";
}

LogRead read_log(const std::string& bootstrap, const std::string& topic,
                 const std::map<std::int32_t, std::int64_t>& need, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  LogRead out;
  bool have_read = false;  // some attempt produced a complete kcat run
  std::string last_problem;
  for (;;) {
    ++out.attempts;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // check.crcs: the consumer verifies every batch's CRC too.
    auto r = run_capture({"kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-m", "10", "-X",
                          "check.crcs=true", "-f", kcat_record_format()},
                         std::max(left, std::chrono::milliseconds(1000)));
    if (!r.started) {
      out.error = kcat_not_found();
      return out;
    }
    if (r.ok()) {
      try {
        out.records = parse_kcat_records(r.out);
        out.ends = parse_end_offsets(r.err, topic);
        out.uncovered = uncovered_partitions(need, out.ends);
        have_read = true;
        if (out.uncovered.empty()) return out;
        last_problem.clear();
      } catch (const std::runtime_error& e) {
        last_problem = e.what();
      }
    } else {
      const std::string why = kcat_error_line(r.err);
      // Nothing acknowledged and no such topic: every record failed before
      // the topic existed. The log is then empty, which the checker judges.
      if (need.empty() && why.find("Unknown topic or partition") != std::string::npos) {
        out.records.clear();
        out.ends.clear();
        out.uncovered.clear();
        out.note = "topic " + topic + " does not exist: read as empty";
        return out;
      }
      last_problem = "kcat -C " + r.status() + (why.empty() ? "" : ": " + why);
    }
    if (Clock::now() >= deadline) break;
    // Poll again: a high watermark still below an acknowledged offset
    // (acks=1), or a partition without a leader right now.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (!have_read) {
    out.error = last_problem + " (after " + std::to_string(out.attempts) + " attempt(s) in " +
                std::to_string(timeout.count()) + " ms)";
  } else if (!last_problem.empty()) {
    out.note = "the last read failed (" + last_problem + "); checking the one before";
  }
  return out;
}

}  // namespace sluice::verify
