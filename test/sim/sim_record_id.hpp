#pragma once
// How a simulated record names itself: its verify::RecordId (producer = the
// simulated sending thread, seq = its send order) travels inside the record
// as the header "sim-id" = "p<producer>#<seq>" (verify::to_string). Whoever
// builds the records (a workload driver, a test) writes it; the judge
// (sim_history.hpp) reads it back from the log, so every copy of a record in
// the log names the record it is a copy of.
#include <optional>
#include <string>
#include <string_view>

#include "history_checker.hpp"

namespace sluice::sim {

inline constexpr std::string_view kRecordIdHeader = "sim-id";

inline std::string record_id_text(const verify::RecordId& id) { return verify::to_string(id); }

// "p<producer>#<seq>" (decimal, nothing else) back to the id; nullopt otherwise.
std::optional<verify::RecordId> parse_record_id(std::string_view text);

}  // namespace sluice::sim
