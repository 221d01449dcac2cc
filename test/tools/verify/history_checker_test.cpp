// The checker's definitions (tools/verify/history_checker.hpp), each pinned
// on a small made-up history.
#include "history_checker.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

using namespace sluice::verify;

namespace {

Report acked(std::int32_t p, std::int64_t o) { return Report{ReportKind::acked, p, o, ""}; }
Report failed(const char* why = "record too large") { return Report{ReportKind::failed, -1, -1, why}; }
Report unknown(const char* why = "request timed out") { return Report{ReportKind::unknown, 0, -1, why}; }

SentRecord sent(std::uint32_t producer, std::uint64_t seq, std::vector<Report> reports,
                std::optional<std::string> key = std::nullopt) {
  SentRecord s;
  s.id = RecordId{producer, seq};
  s.key = std::move(key);
  s.reports = std::move(reports);
  return s;
}

LogRecord at(std::int32_t p, std::int64_t o, std::uint32_t producer, std::uint64_t seq,
             std::optional<std::string> key = std::nullopt) {
  return LogRecord{p, o, std::move(key), RecordId{producer, seq}, true};
}

LogRecord foreign(std::int32_t p, std::int64_t o) { return LogRecord{p, o, std::string("x"), std::nullopt, true}; }

// N records of producer 0, acknowledged at p0@0..N-1, and the log holding exactly them.
struct Clean {
  std::vector<SentRecord> sent_list;
  std::vector<LogRecord> log;
  explicit Clean(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      sent_list.push_back(sent(0, i, {acked(0, static_cast<std::int64_t>(i))}));
      log.push_back(at(0, static_cast<std::int64_t>(i), 0, i));
    }
  }
};

bool mentions(const CheckResult& r, const std::string& counter, const std::string& text) {
  auto it = r.examples.find(counter);
  if (it == r.examples.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

// Records of producer 0 whose first copies appear in partition 0 in the
// order `seqs` (each acknowledged where it is).
CheckResult order_of(const std::vector<std::uint64_t>& seqs) {
  std::vector<SentRecord> s;
  std::vector<LogRecord> log;
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    s.push_back(sent(0, seqs[i], {acked(0, static_cast<std::int64_t>(i))}));
    log.push_back(at(0, static_cast<std::int64_t>(i), 0, seqs[i]));
  }
  return check_history(s, log);
}

}  // namespace

TEST_CASE("a clean history has no violation and counts what was sent and acknowledged") {
  Clean h(5);
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.sent == 5);
  CHECK(r.counts.acked == 5);
  CHECK(r.counts.lost == 0);
  CHECK(r.counts.dup == 0);
  CHECK(r.counts.reordered == 0);
  CHECK(r.counts.wrong_offset == 0);
  CHECK(r.counts.foreign == 0);
  CHECK(violations(r.counts, {}).empty());
  CHECK(r.examples.empty());
}

TEST_CASE("an acknowledged record missing from the log is lost, with its acknowledged position as example") {
  Clean h(4);
  h.log.erase(h.log.begin() + 2);  // p0#2 acknowledged at p0@2
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.lost == 1);
  CHECK(r.counts.wrong_offset == 0);
  CHECK(mentions(r, "lost", "p0#2"));
  CHECK(mentions(r, "lost", "p0@2"));
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"lost"});
}

TEST_CASE("a record present twice is one dup with one extra copy, three copies are two extra copies") {
  Clean h(3);
  h.log.push_back(at(0, 3, 0, 1));
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.dup == 1);
  CHECK(r.counts.extra_copies == 1);
  CHECK(r.counts.wrong_offset == 0);  // the acknowledged position holds a copy
  CHECK(r.counts.reordered == 0);     // a later copy is a duplicate, not a reordering
  CHECK(mentions(r, "dup", "p0@1, p0@3"));

  h.log.push_back(at(1, 0, 0, 1));  // a third copy, in another partition
  r = check_history(h.sent_list, h.log);
  CHECK(r.counts.dup == 1);
  CHECK(r.counts.extra_copies == 2);
  CHECK(r.counts.misplaced == 0);  // no explicit partition was asked for
}

TEST_CASE("duplicates are a violation unless tolerated") {
  Clean h(2);
  h.log.push_back(at(0, 2, 0, 0));
  auto r = check_history(h.sent_list, h.log);
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"dup"});
  CHECK(violations(r.counts, Tolerance{true, false}).empty());
}

TEST_CASE("reordered counts the fewest records whose removal restores send order") {
  CHECK(order_of({0, 1, 2, 3}).counts.reordered == 0);
  CHECK(order_of({0, 2, 1, 3}).counts.reordered == 1);        // one adjacent swap
  CHECK(order_of({1, 2, 3, 4, 0}).counts.reordered == 1);     // one record overtaken by a whole run
  CHECK(order_of({4, 0, 1, 2, 3}).counts.reordered == 1);     // one record overtaking a whole run
  CHECK(order_of({3, 2, 1, 0}).counts.reordered == 3);        // reversed
  CHECK(order_of({2, 3, 0, 1}).counts.reordered == 2);        // two blocks swapped
  CHECK(order_of({0, 5, 9, 12}).counts.reordered == 0);       // gaps (records elsewhere) are fine
}

TEST_CASE("a reordering example names both records and their positions") {
  auto r = order_of({0, 2, 1, 3});
  REQUIRE(r.counts.reordered == 1);
  const auto& ex = r.examples.at("reordered");
  REQUIRE(ex.size() == 1);
  // Either explanation is valid; the LIS keeps one of p0#1 / p0#2.
  const bool ok = ex[0] == "p0#1 at p0@2 comes after p0#2 at p0@1, which was sent after it" ||
                  ex[0] == "p0#2 at p0@1 comes before p0#1 at p0@2, which was sent before it";
  CHECK(ok);
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"reordered"});
  CHECK(violations(r.counts, Tolerance{false, true}).empty());
}

TEST_CASE("order is only compared within one producer and one partition") {
  // Producer 1's records interleave with producer 0's in any order; producer
  // 0's seq 2 sits in p1 before its seq 1 in p0: different streams.
  std::vector<SentRecord> s = {sent(0, 0, {acked(0, 0)}), sent(0, 1, {acked(0, 2)}), sent(0, 2, {acked(1, 0)}),
                               sent(1, 0, {acked(0, 3)}), sent(1, 1, {acked(0, 1)})};
  std::vector<LogRecord> log = {at(0, 0, 0, 0), at(0, 1, 1, 1), at(0, 2, 0, 1), at(0, 3, 1, 0), at(1, 0, 0, 2)};
  auto r = check_history(s, log);
  CHECK(r.counts.reordered == 1);  // only producer 1 in p0: seq 1 before seq 0
  CHECK(mentions(r, "reordered", "p1#"));
  CHECK_FALSE(mentions(r, "reordered", "p0#"));
}

TEST_CASE("order uses each record's first copy in a partition") {
  // 0 1 2 0: the late copy of 0 is a dup only.
  std::vector<SentRecord> s = {sent(0, 0, {acked(0, 0)}), sent(0, 1, {acked(0, 1)}), sent(0, 2, {acked(0, 2)})};
  std::vector<LogRecord> log = {at(0, 0, 0, 0), at(0, 1, 0, 1), at(0, 2, 0, 2), at(0, 3, 0, 0)};
  auto r = check_history(s, log);
  CHECK(r.counts.reordered == 0);
  CHECK(r.counts.dup == 1);
  // 1 0 1: the first copies are 1 then 0: reordered, and a dup.
  s = {sent(0, 0, {acked(0, 1)}), sent(0, 1, {acked(0, 0)})};
  log = {at(0, 0, 0, 1), at(0, 1, 0, 0), at(0, 2, 0, 1)};
  r = check_history(s, log);
  CHECK(r.counts.reordered == 1);
  CHECK(r.counts.dup == 1);
}

TEST_CASE("reordered equals the stream length minus its longest increasing subsequence (brute force)") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = 1 + rng() % 8;
    std::vector<std::uint64_t> seqs(n);
    for (std::size_t i = 0; i < n; ++i) seqs[i] = i * 3;
    std::shuffle(seqs.begin(), seqs.end(), rng);
    std::size_t best = 0;
    for (std::uint32_t mask = 1; mask < (1u << n); ++mask) {
      std::uint64_t last = 0;
      bool first = true, increasing = true;
      std::size_t len = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if ((mask & (1u << i)) == 0) continue;
        if (!first && seqs[i] <= last) increasing = false;
        last = seqs[i];
        first = false;
        ++len;
      }
      if (increasing) best = std::max(best, len);
    }
    INFO("round " << round);
    const auto r = order_of(seqs);
    REQUIRE(r.counts.reordered == static_cast<std::int64_t>(n - best));
    // Every out-of-order record gets an explanation (up to the cap).
    const auto it = r.examples.find("reordered");
    const std::size_t shown = it == r.examples.end() ? 0 : it->second.size();
    REQUIRE(shown == std::min<std::size_t>(5, n - best));
  }
}

TEST_CASE("an acknowledged record present elsewhere than acknowledged is a wrong offset, not lost") {
  Clean h(3);
  h.log[1].offset = 7;  // p0#1 acknowledged at p0@1, found at p0@7
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.wrong_offset == 1);
  CHECK(r.counts.lost == 0);
  CHECK(mentions(r, "wrong_offset", "acknowledged at p0@1, but in the log at p0@7"));

  Clean other(1);
  other.log[0].partition = 1;  // right offset, other partition
  r = check_history(other.sent_list, other.log);
  CHECK(r.counts.wrong_offset == 1);
}

TEST_CASE("without an offset (acks=0) only the partition of an acknowledgement is checked") {
  std::vector<SentRecord> s = {sent(0, 0, {acked(2, -1)}), sent(0, 1, {acked(2, -1)})};
  std::vector<LogRecord> log = {at(2, 10, 0, 0), at(1, 4, 0, 1)};
  auto r = check_history(s, log);
  CHECK(r.counts.acked_without_offset == 2);
  CHECK(r.counts.wrong_offset == 1);  // p0#1 is in p1, acknowledged in p2
  CHECK(mentions(r, "wrong_offset", "p0#1"));
}

TEST_CASE("a definitely failed record in the log is a phantom, absent it is just failed") {
  std::vector<SentRecord> s = {sent(0, 0, {failed()}), sent(0, 1, {failed("closed")})};
  std::vector<LogRecord> log = {at(0, 0, 0, 1)};
  auto r = check_history(s, log);
  CHECK(r.counts.failed == 2);
  CHECK(r.counts.phantom == 1);
  CHECK(mentions(r, "phantom", "p0#1: failed (closed), yet in the log at p0@0"));
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"phantom"});
}

TEST_CASE("an unknown outcome may land or not: counted, never a violation") {
  std::vector<SentRecord> s = {sent(0, 0, {unknown()}), sent(0, 1, {unknown()}), sent(0, 2, {unknown()})};
  std::vector<LogRecord> log = {at(0, 0, 0, 0), at(0, 1, 0, 2)};
  auto r = check_history(s, log);
  CHECK(r.counts.unknown == 3);
  CHECK(r.counts.unknown_landed == 2);
  CHECK(r.counts.lost == 0);
  CHECK(r.counts.phantom == 0);
  CHECK(violations(r.counts, {}).empty());
}

TEST_CASE("a record without a report is a violation, and whether it landed is counted") {
  std::vector<SentRecord> s = {sent(0, 0, {}), sent(0, 1, {})};
  std::vector<LogRecord> log = {at(0, 0, 0, 1)};
  auto r = check_history(s, log);
  CHECK(r.counts.missing_report == 2);
  CHECK(r.counts.no_report_landed == 1);
  CHECK(r.counts.acked + r.counts.failed + r.counts.unknown == 0);
  CHECK(mentions(r, "missing_report", "p0#1 got no delivery report; it is in the log at p0@0"));
  CHECK(mentions(r, "missing_report", "p0#0 got no delivery report; it is not in the log"));
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"missing_report"});
}

TEST_CASE("more than one report is a violation, any acknowledgement makes the record acknowledged") {
  std::vector<SentRecord> s = {sent(0, 0, {failed(), acked(0, 0)}), sent(0, 1, {acked(0, 1), acked(0, 1)})};
  std::vector<LogRecord> log = {at(0, 1, 0, 1)};
  auto r = check_history(s, log);
  CHECK(r.counts.multi_report == 2);
  CHECK(r.counts.acked == 2);
  CHECK(r.counts.failed == 0);
  CHECK(r.counts.lost == 1);  // p0#0: failed, then acknowledged at p0@0, and absent
  CHECK(mentions(r, "multi_report", "p0#0 got 2 reports: failed (record too large); acknowledged at p0@0"));
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"lost", "multi_report"});
}

TEST_CASE("two acknowledgements at different positions: both must hold the record") {
  std::vector<SentRecord> s = {sent(0, 0, {acked(0, 0), acked(0, 5)})};
  std::vector<LogRecord> log = {at(0, 0, 0, 0)};
  auto r = check_history(s, log);
  CHECK(r.counts.wrong_offset == 1);
  CHECK(mentions(r, "wrong_offset", "acknowledged at p0@5"));
}

TEST_CASE("records of other writers are foreign: counted and otherwise ignored") {
  Clean h(2);
  h.log.push_back(foreign(0, 2));
  h.log.push_back(foreign(3, 0));
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.foreign == 2);
  CHECK(r.counts.reordered == 0);
  CHECK(violations(r.counts, {}).empty());
}

TEST_CASE("a record with this run's id that does not match what was sent is corrupt") {
  std::vector<SentRecord> s = {sent(0, 0, {acked(0, 0)}, "key-0"), sent(0, 1, {acked(0, 1)}, "key-1"),
                               sent(0, 2, {acked(0, 2)}, "key-2")};
  std::vector<LogRecord> log = {at(0, 0, 0, 0, "key-0"), at(0, 1, 0, 1, std::string("k\tz\x01", 4)),
                                at(0, 2, 0, 2, "key-2"), at(0, 3, 7, 0)};
  log[2].value_intact = false;
  auto r = check_history(s, log);
  CHECK(r.counts.corrupt == 3);
  CHECK(r.counts.lost == 0);  // damaged copies still count as present
  CHECK(mentions(r, "corrupt", "p0#1 at p0@1 has key 'k\\x09z\\x01', sent with key 'key-1'"));
  CHECK(mentions(r, "corrupt", "p0#2 at p0@2: the value differs"));
  CHECK(mentions(r, "corrupt", "p0@3 carries this run's id p7#0, which was never sent"));
  CHECK(violations(r.counts, {}) == std::vector<std::string>{"corrupt"});
}

TEST_CASE("a record sent to an explicit partition but acknowledged or found elsewhere is misplaced") {
  SentRecord right = sent(0, 0, {acked(2, 0)});
  right.partition = 2;
  SentRecord acked_wrong = sent(0, 1, {acked(1, 0)});
  acked_wrong.partition = 2;
  SentRecord landed_wrong = sent(0, 2, {unknown()});
  landed_wrong.partition = 2;
  std::vector<LogRecord> log = {at(2, 0, 0, 0), at(1, 0, 0, 1), at(0, 0, 0, 2)};
  auto r = check_history({right, acked_wrong, landed_wrong}, log);
  CHECK(r.counts.misplaced == 2);
  CHECK(mentions(r, "misplaced", "p0#1: sent to partition 2, acknowledged elsewhere"));
  CHECK(mentions(r, "misplaced", "p0#2: sent to partition 2; in the log at p0@0"));
}

TEST_CASE("the log's order of arrival does not matter") {
  Clean h(6);
  std::swap(h.log[0], h.log[5]);
  std::swap(h.log[2], h.log[3]);
  auto r = check_history(h.sent_list, h.log);
  CHECK(r.counts.reordered == 0);
  CHECK(violations(r.counts, {}).empty());
}

TEST_CASE("examples are capped per counter, the counts are not") {
  Clean h(20);
  h.log.clear();
  CheckOptions opts;
  opts.max_examples = 3;
  auto r = check_history(h.sent_list, h.log, opts);
  CHECK(r.counts.lost == 20);
  CHECK(r.examples.at("lost").size() == 3);
}

TEST_CASE("malformed input is rejected with a message naming the problem") {
  std::vector<SentRecord> twice = {sent(0, 3, {}), sent(0, 3, {})};
  CHECK_THROWS_WITH(check_history(twice, {}), Catch::Contains("p0#3 appears twice"));
  std::vector<LogRecord> same_position = {at(1, 4, 0, 0), foreign(1, 4)};
  CHECK_THROWS_WITH(check_history({sent(0, 0, {acked(1, 4)})}, same_position), Catch::Contains("p1@4 twice"));
}

TEST_CASE("violations are listed in summary order and ignore the informational counters") {
  Counts c;
  c.sent = c.acked = c.failed = c.unknown = c.unknown_landed = c.foreign = 5;
  CHECK(violations(c, {}).empty());
  c.corrupt = c.phantom = c.lost = c.reordered = 1;
  CHECK(violations(c, {}) == std::vector<std::string>{"lost", "reordered", "phantom", "corrupt"});
  CHECK(violations(c, Tolerance{true, true}) == std::vector<std::string>{"lost", "phantom", "corrupt"});
}

TEST_CASE("record ids print as producer#seq") {
  CHECK(to_string(RecordId{3, 1234}) == "p3#1234");
  CHECK(RecordId{0, 5} < RecordId{1, 0});
}
