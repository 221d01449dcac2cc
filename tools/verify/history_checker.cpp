#include "history_checker.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace sluice::verify {

std::string to_string(const RecordId& id) { return "p" + std::to_string(id.producer) + "#" + std::to_string(id.seq); }

std::vector<std::pair<std::string_view, std::int64_t>> counter_list(const Counts& c) {
  return {{"sent", c.sent},
          {"acked", c.acked},
          {"failed", c.failed},
          {"unknown", c.unknown},
          {"unknown_landed", c.unknown_landed},
          {"lost", c.lost},
          {"dup", c.dup},
          {"reordered", c.reordered},
          {"wrong_offset", c.wrong_offset},
          {"phantom", c.phantom},
          {"missing_report", c.missing_report},
          {"multi_report", c.multi_report},
          {"misplaced", c.misplaced},
          {"corrupt", c.corrupt},
          {"foreign", c.foreign}};
}

std::vector<std::string> violations(const Counts& c, const Tolerance& tolerance) {
  std::vector<std::string> out;
  for (const auto& [name, value] : counter_list(c)) {
    if (value == 0) continue;
    const bool violation = name == "lost" || name == "wrong_offset" || name == "phantom" ||
                           name == "missing_report" || name == "multi_report" || name == "misplaced" ||
                           name == "corrupt" || (name == "dup" && !tolerance.duplicates) ||
                           (name == "reordered" && !tolerance.reordering);
    if (violation) out.emplace_back(name);
  }
  return out;
}

namespace {

// Keys in examples may hold any bytes (a corrupt record): show them safely.
std::string printable(const std::optional<std::string>& s) {
  if (!s) return "null";
  std::string out = "'";
  static const char* hex = "0123456789abcdef";
  for (std::size_t i = 0; i < s->size() && i < 40; ++i) {
    auto c = static_cast<unsigned char>((*s)[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (s->size() > 40) out += "...";
  return out + "'";
}

std::string at(std::int32_t partition, std::int64_t offset) {
  return "p" + std::to_string(partition) + "@" + std::to_string(offset);
}

std::string where(const std::vector<const LogRecord*>& copies) {
  std::string out;
  for (std::size_t i = 0; i < copies.size(); ++i) {
    if (i == 3) return out + ", ...";
    out += (i == 0 ? "" : ", ") + at(copies[i]->partition, copies[i]->offset);
  }
  return out;
}

std::string name(const SentRecord& s) {
  return to_string(s.id) + (s.key ? " (key " + printable(s.key) + ")" : "");
}

std::string describe(const Report& r) {
  switch (r.kind) {
    case ReportKind::acked:
      return "acknowledged at " + (r.offset < 0 ? "p" + std::to_string(r.partition) + " (no offset)" : at(r.partition, r.offset));
    case ReportKind::failed:
      return "failed (" + r.error + ")";
    case ReportKind::unknown:
      return "outcome unknown (" + r.error + ")";
  }
  return "?";
}

struct Examples {
  CheckResult& result;
  std::size_t max;
  void add(const char* counter, std::string text) {
    auto& v = result.examples[counter];
    if (v.size() < max) v.push_back(std::move(text));
  }
};

// One entry of a (producer, partition) stream: a record's first copy there.
struct StreamEntry {
  std::uint64_t seq;
  std::int64_t offset;
};

// Marks the entries of `s` outside one longest strictly increasing
// subsequence of seq (patience sorting with back-pointers, O(n log n)).
std::vector<bool> out_of_order(const std::vector<StreamEntry>& s) {
  std::vector<std::size_t> tails;  // tails[k]: index ending the best run of length k+1
  std::vector<std::ptrdiff_t> prev(s.size(), -1);
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto pos = std::lower_bound(tails.begin(), tails.end(), s[i].seq,
                                [&](std::size_t t, std::uint64_t seq) { return s[t].seq < seq; });
    if (pos != tails.begin()) prev[i] = static_cast<std::ptrdiff_t>(*(pos - 1));
    if (pos == tails.end()) {
      tails.push_back(i);
    } else {
      *pos = i;
    }
  }
  std::vector<bool> out(s.size(), true);
  for (auto i = tails.empty() ? std::ptrdiff_t{-1} : static_cast<std::ptrdiff_t>(tails.back()); i >= 0;
       i = prev[static_cast<std::size_t>(i)]) {
    out[static_cast<std::size_t>(i)] = false;
  }
  return out;
}

// Counts and explains the out-of-order records of one stream.
void check_stream(std::uint32_t producer, std::int32_t partition, const std::vector<StreamEntry>& s, Counts& c,
                  Examples& ex) {
  const auto bad = out_of_order(s);
  // For each entry, the latest-sent record before it and the earliest-sent
  // after it: one of them shows why the entry is out of order.
  std::vector<std::size_t> max_before(s.size()), min_after(s.size());
  for (std::size_t i = 1; i < s.size(); ++i) {
    max_before[i] = (i == 1 || s[i - 1].seq > s[max_before[i - 1]].seq) ? i - 1 : max_before[i - 1];
  }
  for (std::size_t i = s.size(); i-- > 0;) {
    if (i + 2 <= s.size()) {
      min_after[i] = (i + 2 == s.size() || s[i + 1].seq < s[min_after[i + 1]].seq) ? i + 1 : min_after[i + 1];
    }
  }
  auto label = [&](std::size_t i) {
    return "p" + std::to_string(producer) + "#" + std::to_string(s[i].seq) + " at " + at(partition, s[i].offset);
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!bad[i]) continue;
    ++c.reordered;
    if (i > 0 && s[max_before[i]].seq > s[i].seq) {
      ex.add("reordered", label(i) + " comes after " + label(max_before[i]) + ", which was sent after it");
    } else if (i + 1 < s.size() && s[min_after[i]].seq < s[i].seq) {
      ex.add("reordered", label(i) + " comes before " + label(min_after[i]) + ", which was sent before it");
    }
  }
}

}  // namespace

CheckResult check_history(const std::vector<SentRecord>& sent, const std::vector<LogRecord>& log,
                          const CheckOptions& options) {
  CheckResult result;
  Counts& c = result.counts;
  Examples ex{result, options.max_examples};

  std::map<RecordId, std::size_t> index;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (!index.emplace(sent[i].id, i).second) {
      throw std::invalid_argument("record " + to_string(sent[i].id) + " appears twice in the list of sent records");
    }
  }
  c.sent = static_cast<std::int64_t>(sent.size());

  // The log in (partition, offset) order: the order a consumer sees.
  std::vector<const LogRecord*> ordered;
  ordered.reserve(log.size());
  for (const auto& r : log) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](const LogRecord* a, const LogRecord* b) {
    return std::pair(a->partition, a->offset) < std::pair(b->partition, b->offset);
  });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->partition == ordered[i - 1]->partition && ordered[i]->offset == ordered[i - 1]->offset) {
      throw std::invalid_argument("the log read back lists " + at(ordered[i]->partition, ordered[i]->offset) +
                                  " twice (a reader bug: each offset holds one record)");
    }
  }

  // Match log records to sent records.
  std::vector<std::vector<const LogRecord*>> copies(sent.size());
  std::vector<std::ptrdiff_t> owner(ordered.size(), -1);
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const LogRecord& r = *ordered[i];
    if (!r.id) {
      ++c.foreign;
      continue;
    }
    auto it = index.find(*r.id);
    if (it == index.end()) {
      ++c.corrupt;
      ex.add("corrupt", at(r.partition, r.offset) + " carries this run's id " + to_string(*r.id) +
                            ", which was never sent");
      continue;
    }
    const SentRecord& s = sent[it->second];
    if (r.key != s.key) {
      ++c.corrupt;
      ex.add("corrupt", to_string(s.id) + " at " + at(r.partition, r.offset) + " has key " + printable(r.key) +
                            ", sent with key " + printable(s.key));
    } else if (!r.value_intact) {
      ++c.corrupt;
      ex.add("corrupt", to_string(s.id) + " at " + at(r.partition, r.offset) + ": the value differs from what was sent");
    }
    copies[it->second].push_back(&r);
    owner[i] = static_cast<std::ptrdiff_t>(it->second);
  }

  for (std::size_t i = 0; i < sent.size(); ++i) {
    const SentRecord& s = sent[i];
    const auto& cp = copies[i];
    const bool present = !cp.empty();

    if (s.reports.empty()) {
      ++c.missing_report;
      if (present) ++c.no_report_landed;
      ex.add("missing_report", name(s) + " got no delivery report" +
                                   (present ? "; it is in the log at " + where(cp) : "; it is not in the log"));
    } else if (s.reports.size() > 1) {
      ++c.multi_report;
      std::string all;
      for (const auto& r : s.reports) all += (all.empty() ? "" : "; ") + describe(r);
      ex.add("multi_report", name(s) + " got " + std::to_string(s.reports.size()) + " reports: " + all);
    }

    const bool acked = std::any_of(s.reports.begin(), s.reports.end(),
                                   [](const Report& r) { return r.kind == ReportKind::acked; });
    const bool unknown = std::any_of(s.reports.begin(), s.reports.end(),
                                     [](const Report& r) { return r.kind == ReportKind::unknown; });
    if (acked) {
      ++c.acked;
      bool without_offset = false;
      std::string wrong;
      for (const auto& r : s.reports) {
        if (r.kind != ReportKind::acked) continue;
        if (r.offset < 0) without_offset = true;
        const bool found = std::any_of(cp.begin(), cp.end(), [&](const LogRecord* l) {
          return l->partition == r.partition && (r.offset < 0 || l->offset == r.offset);
        });
        if (!found && wrong.empty()) wrong = describe(r);
      }
      if (without_offset) ++c.acked_without_offset;
      if (!present) {
        ++c.lost;
        auto first_ack = std::find_if(s.reports.begin(), s.reports.end(),
                                      [](const Report& r) { return r.kind == ReportKind::acked; });
        ex.add("lost", name(s) + ": " + describe(*first_ack) + ", not in the log");
      } else if (!wrong.empty()) {
        ++c.wrong_offset;
        ex.add("wrong_offset", name(s) + ": " + wrong + ", but in the log at " + where(cp));
      }
    } else if (unknown) {
      ++c.unknown;
      if (present) {
        ++c.unknown_landed;
        ex.add("unknown_landed", name(s) + ": outcome unknown, in the log at " + where(cp));
      }
    } else if (!s.reports.empty()) {
      ++c.failed;
      if (present) {
        ++c.phantom;
        ex.add("phantom", name(s) + ": " + describe(s.reports.front()) + ", yet in the log at " + where(cp));
      }
    }

    if (cp.size() > 1) {
      ++c.dup;
      c.extra_copies += static_cast<std::int64_t>(cp.size() - 1);
      ex.add("dup", name(s) + ": " + std::to_string(cp.size()) + " copies, at " + where(cp));
    }

    if (s.partition) {
      const std::int32_t want = *s.partition;
      const bool acked_elsewhere = std::any_of(s.reports.begin(), s.reports.end(), [&](const Report& r) {
        return r.kind == ReportKind::acked && r.partition != want;
      });
      const bool copy_elsewhere =
          std::any_of(cp.begin(), cp.end(), [&](const LogRecord* l) { return l->partition != want; });
      if (acked_elsewhere || copy_elsewhere) {
        ++c.misplaced;
        ex.add("misplaced", name(s) + ": sent to partition " + std::to_string(want) +
                                (acked_elsewhere ? ", acknowledged elsewhere" : "") +
                                (present ? "; in the log at " + where(cp) : ""));
      }
    }
  }

  // Order: each (producer, partition) stream of first copies, in offset order.
  std::map<std::pair<std::uint32_t, std::int32_t>, std::vector<StreamEntry>> streams;
  std::set<std::pair<std::size_t, std::int32_t>> first_copy_seen;
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    if (owner[i] < 0) continue;
    const auto idx = static_cast<std::size_t>(owner[i]);
    const LogRecord& r = *ordered[i];
    if (!first_copy_seen.emplace(idx, r.partition).second) continue;
    streams[{sent[idx].id.producer, r.partition}].push_back({sent[idx].id.seq, r.offset});
  }
  for (const auto& [key, stream] : streams) check_stream(key.first, key.second, stream, c, ex);

  return result;
}

}  // namespace sluice::verify
