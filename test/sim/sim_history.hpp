#pragma once
// SimHistory: the judge of a simulated run. It records what the producer
// under test sent (each record's verify::RecordId: producer = the simulated
// sending thread, seq = its send order) and every delivery report it gave,
// reads the simulated cluster's log back, and runs the same checker as
// sluice-verify on real clusters (tools/verify/history_checker.hpp), so a
// simulated run is judged by the definitions of docs/RELIABILITY.md.
//
// A record's id travels in the record itself (sim_record_id.hpp), so any
// copy in the log names the record it is a copy of, whatever the producer
// did to it on the way. Values are remembered as a hash (not kept): a copy whose value differs
// from what was sent is "corrupt".
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history_checker.hpp"
#include "sim_cluster.hpp"
#include "sim_record_id.hpp"

namespace sluice::sim {

class SimHistory {
 public:
  // A record handed to the producer. `partition`: the explicit partition the
  // record named, if any. Throws std::invalid_argument for an id sent twice.
  // `value` nullopt: a null value.
  void sent(const verify::RecordId& id, std::optional<std::string> key, std::optional<std::string_view> value,
            std::optional<std::int32_t> partition = std::nullopt);
  // A delivery report for a sent record (every one, in arrival order).
  // Throws std::invalid_argument for an id never sent.
  void report(const verify::RecordId& id, verify::Report report);

  // The topic's records as the checker reads a log: each with its id (from
  // the header; nullopt = foreign) and whether its value is the one sent.
  std::vector<verify::LogRecord> log_records(const SimCluster& cluster, std::string_view topic) const;
  // check_history over everything sent and the topic's log.
  verify::CheckResult check(const SimCluster& cluster, std::string_view topic,
                            const verify::CheckOptions& options = {}) const;

  const std::vector<verify::SentRecord>& sent_records() const noexcept { return sent_; }

 private:
  std::vector<verify::SentRecord> sent_;
  std::vector<std::uint64_t> value_hashes_;  // parallel to sent_
  std::map<verify::RecordId, std::size_t> index_;
};

// The checker's verdict in one call: the names of the violated counters
// (empty = the run passed), as verify::violations gives them.
std::vector<std::string> violations(const verify::CheckResult& result, const verify::Tolerance& tolerance = {});

}  // namespace sluice::sim
