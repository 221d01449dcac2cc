#pragma once
// What sluice-verify reads back through kcat (a consumer Sluice did not
// write), parsed without any I/O so that the parsing is unit-tested.
//
// Records: kcat -f kcat_record_format() prints, per record,
//   PARTITION \t OFFSET \t KEYLEN \t VALUELEN \t KEY \t VALUE \n
// Lengths come first (-1 for null), so keys and values are taken byte-exact
// whatever bytes they hold (tabs and newlines included).
//
// End of each partition: without -q, kcat -e writes to stderr
//   % Reached end of topic TOPIC [P] at offset O
// (with ": exiting" after the last one). O is the partition's end (its high
// watermark when it was fetched): every record below O has been printed.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::verify {

const char* kcat_record_format();

struct KcatRecord {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

// Throws std::runtime_error naming the byte position when `out` is not a
// sequence of complete records in that format.
std::vector<KcatRecord> parse_kcat_records(std::string_view out);

// Partition -> end offset, from kcat's stderr (lines about other topics and
// every other line are ignored). A partition reported twice keeps the
// larger end.
std::map<std::int32_t, std::int64_t> parse_end_offsets(std::string_view err, std::string_view topic);

// The partitions whose end, as read, does not cover what was acknowledged
// there: `need` maps partition -> (highest acknowledged offset + 1). Each
// entry says "pP: read to O, acknowledged up to A". Empty = complete.
std::vector<std::string> uncovered_partitions(const std::map<std::int32_t, std::int64_t>& need,
                                              const std::map<std::int32_t, std::int64_t>& end);

// The line of kcat's stderr that best says what went wrong: the first
// "% ERROR: ..." line, else the first librdkafka "|FAIL|" line, else the last
// non-empty line, else "".
std::string kcat_error_line(std::string_view err);

}  // namespace sluice::verify
