#pragma once
// The no-loss checker behind sluice-verify: compares what a run sent, what
// the producer reported for each record, and what the topic's log holds
// when read back by an independent consumer. Pure: no I/O, no clock, no
// threads, so every definition below is pinned by unit tests on made-up
// histories (test/tools/verify/history_checker_test.cpp).
//
// Definitions (docs/RELIABILITY.md has the long form):
//   acked          at least one report acknowledged the record
//   failed         every report was a definite failure ("certainly not written")
//   unknown        no report acknowledged it and at least one said "outcome unknown"
//   lost           acked, but no copy of it is in the log
//   dup            present in the log more than once (anywhere in the topic)
//   reordered      see below
//   wrong_offset   acked and present, but some acknowledgement's position
//                  (partition and offset; partition only when the broker gave
//                  no offset, as with acks=0) holds no copy of it
//   phantom        failed, yet present
//   unknown_landed unknown and present (allowed: that is what "unknown" means)
//   missing_report no report at all
//   multi_report   more than one report
//   misplaced      sent to an explicit partition, but acknowledged in or
//                  present in another one
//   corrupt        a log record that carries this run's id but does not match
//                  what was sent (never-sent id, other key, damaged value)
//   foreign        a log record not written by this run (ignored otherwise)
//
// Order. A record's send order is its `seq` among the records of the same
// `producer` (one sending thread; order between threads is undefined). Kafka
// and the producer promise order per partition, so the check is per stream
// = (producer, partition the copy is in): walking the partition in offset
// order and keeping each record's first copy there, the stream's seqs must
// increase. `reordered` is the fewest records whose removal makes every
// stream increasing (stream length minus its longest increasing
// subsequence): one record overtaken by, or overtaking, a whole run counts
// 1, not the size of the run. This implies per-key order (a key maps to one
// partition) and is stricter. Later copies of a record are counted as `dup`
// only, never as reordering.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::verify {

// A record's unique id within a run (the run id itself is checked when the
// log is parsed: a record of another run is foreign).
struct RecordId {
  std::uint32_t producer = 0;  // the sending thread
  std::uint64_t seq = 0;       // position in that thread's send order
  friend auto operator<=>(const RecordId&, const RecordId&) = default;
};
std::string to_string(const RecordId& id);  // "p1#17"

enum class ReportKind { acked, failed, unknown };

// One delivery report, as the producer gave it.
struct Report {
  ReportKind kind = ReportKind::acked;
  std::int32_t partition = -1;  // acked: the partition; failures: -1 or where it was headed
  std::int64_t offset = -1;     // acked: the offset, -1 when the broker gave none (acks=0)
  std::string error;            // failures: the producer's message
};

struct SentRecord {
  RecordId id;
  std::optional<std::string> key;
  std::optional<std::int32_t> partition;  // the explicit partition, if the record named one
  std::vector<Report> reports;            // every report received, in arrival order
};

// One record read back from the log.
struct LogRecord {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<RecordId> id;  // nullopt: not from this run (foreign)
  bool value_intact = true;    // the value is byte for byte what was sent for `id`
};

struct Counts {
  std::int64_t sent = 0;
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::int64_t unknown = 0;
  std::int64_t unknown_landed = 0;
  std::int64_t lost = 0;
  std::int64_t dup = 0;           // records with more than one copy
  std::int64_t extra_copies = 0;  // copies beyond the first, summed
  std::int64_t reordered = 0;
  std::int64_t wrong_offset = 0;
  std::int64_t phantom = 0;
  std::int64_t missing_report = 0;
  std::int64_t multi_report = 0;
  std::int64_t misplaced = 0;
  std::int64_t corrupt = 0;
  std::int64_t foreign = 0;
  std::int64_t no_report_landed = 0;      // missing_report records found in the log
  std::int64_t acked_without_offset = 0;  // acks=0: only the partition could be checked
};

// The counters in summary order, by the names the summary line uses.
std::vector<std::pair<std::string_view, std::int64_t>> counter_list(const Counts& c);

struct CheckOptions {
  std::size_t max_examples = 5;  // per counter
};

struct CheckResult {
  Counts counts;
  // Counter name -> up to max_examples human-readable cases.
  std::map<std::string, std::vector<std::string>> examples;
};

// Throws std::invalid_argument on malformed input: the same id sent twice,
// or the same (partition, offset) read twice.
CheckResult check_history(const std::vector<SentRecord>& sent, const std::vector<LogRecord>& log,
                          const CheckOptions& options = {});

// What a run may tolerate: without idempotence a retry after a lost answer
// writes a second copy, so such runs allow duplicates (and, for producers
// that keep several batches of a partition in flight, reordering).
struct Tolerance {
  bool duplicates = false;
  bool reordering = false;
};

// The names of the counters that are violations under `tolerance` and
// non-zero, in summary order. Empty = the run passed.
std::vector<std::string> violations(const Counts& counts, const Tolerance& tolerance);

}  // namespace sluice::verify
