#pragma once
// Reads a topic back with kcat (a consumer Sluice did not write) until the
// read provably covers every acknowledged record: kcat -e stops at each
// partition's end as fetched (its high watermark), and with acks=1 an
// acknowledged record can sit above the high watermark for a moment, so
// the read is repeated until every partition's end passes its highest
// acknowledged offset, or the deadline passes.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kcat_output.hpp"

namespace sluice::verify {

// An empty string when kcat can fetch metadata from `bootstrap`, else one
// line saying what is wrong (kcat missing, brokers unreachable).
std::string check_brokers_reachable(const std::string& bootstrap, const std::string& topic);

struct LogRead {
  std::vector<KcatRecord> records;
  std::map<std::int32_t, std::int64_t> ends;  // partition -> end offset of the last read
  std::vector<std::string> uncovered;         // not empty: the deadline passed before the log was complete
  int attempts = 0;
  std::string error;  // not empty: kcat never produced a usable read
  std::string note;   // something the summary should mention
};

// `need`: partition -> highest acknowledged offset + 1.
LogRead read_log(const std::string& bootstrap, const std::string& topic,
                 const std::map<std::int32_t, std::int64_t>& need, std::chrono::milliseconds timeout);

}  // namespace sluice::verify
