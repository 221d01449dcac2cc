#include "kcat_output.hpp"

#include <charconv>
#include <stdexcept>

namespace sluice::verify {

const char* kcat_record_format() { return "%p\\t%o\\t%K\\t%S\\t%k\\t%s\\n"; }

namespace {

[[noreturn]] void malformed(std::size_t pos, const std::string& what) {
  throw std::runtime_error("kcat output is malformed at byte " + std::to_string(pos) + ": " + what);
}

// A decimal number (maybe negative) ending with `sep`.
std::int64_t read_number(std::string_view s, std::size_t& pos, char sep, const char* field) {
  std::int64_t v = 0;
  const char* first = s.data() + pos;
  const char* last = s.data() + s.size();
  auto [p, ec] = std::from_chars(first, last, v);
  if (ec != std::errc{} || p == first || p == last || *p != sep) malformed(pos, std::string("expected the ") + field);
  pos = static_cast<std::size_t>(p - s.data()) + 1;
  return v;
}

// `len` raw bytes (-1: null) followed by `sep`.
std::optional<std::string> read_sized(std::string_view s, std::size_t& pos, std::int64_t len, char sep,
                                      const char* field) {
  std::optional<std::string> out;
  if (len < -1) malformed(pos, std::string("negative length of the ") + field);
  if (len >= 0) {
    const auto n = static_cast<std::size_t>(len);
    if (n > s.size() - pos) malformed(pos, std::string("the ") + field + " runs past the end");
    out = std::string(s.substr(pos, n));
    pos += n;
  }
  if (pos >= s.size() || s[pos] != sep) malformed(pos, std::string("expected a separator after the ") + field);
  ++pos;
  return out;
}

}  // namespace

std::vector<KcatRecord> parse_kcat_records(std::string_view out) {
  std::vector<KcatRecord> records;
  std::size_t pos = 0;
  while (pos < out.size()) {
    KcatRecord r;
    const std::int64_t partition = read_number(out, pos, '\t', "partition");
    if (partition < 0 || partition > INT32_MAX) malformed(pos, "partition out of range");
    r.partition = static_cast<std::int32_t>(partition);
    r.offset = read_number(out, pos, '\t', "offset");
    const std::int64_t klen = read_number(out, pos, '\t', "key length");
    const std::int64_t vlen = read_number(out, pos, '\t', "value length");
    r.key = read_sized(out, pos, klen, '\t', "key");
    r.value = read_sized(out, pos, vlen, '\n', "value");
    records.push_back(std::move(r));
  }
  return records;
}

std::map<std::int32_t, std::int64_t> parse_end_offsets(std::string_view err, std::string_view topic) {
  std::map<std::int32_t, std::int64_t> ends;
  const std::string prefix = "% Reached end of topic " + std::string(topic) + " [";
  std::size_t line_start = 0;
  while (line_start < err.size()) {
    auto nl = err.find('\n', line_start);
    std::string_view line = err.substr(line_start, nl == std::string_view::npos ? std::string_view::npos : nl - line_start);
    line_start = nl == std::string_view::npos ? err.size() : nl + 1;
    if (line.substr(0, prefix.size()) != prefix) continue;
    std::size_t pos = prefix.size();
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    auto [p1, e1] = std::from_chars(line.data() + pos, line.data() + line.size(), partition);
    if (e1 != std::errc{}) continue;
    std::string_view rest = line.substr(static_cast<std::size_t>(p1 - line.data()));
    constexpr std::string_view mid = "] at offset ";
    if (rest.substr(0, mid.size()) != mid) continue;
    rest.remove_prefix(mid.size());
    auto [p2, e2] = std::from_chars(rest.data(), rest.data() + rest.size(), offset);
    if (e2 != std::errc{} || p2 == rest.data()) continue;
    auto [it, inserted] = ends.emplace(partition, offset);
    if (!inserted && offset > it->second) it->second = offset;
  }
  return ends;
}

std::vector<std::string> uncovered_partitions(const std::map<std::int32_t, std::int64_t>& need,
                                              const std::map<std::int32_t, std::int64_t>& end) {
  std::vector<std::string> out;
  for (const auto& [partition, needed] : need) {
    auto it = end.find(partition);
    if (it == end.end()) {
      out.push_back("p" + std::to_string(partition) + ": no end reported, acknowledged up to " +
                    std::to_string(needed - 1));
    } else if (it->second < needed) {
      out.push_back("p" + std::to_string(partition) + ": read to " + std::to_string(it->second) +
                    ", acknowledged up to " + std::to_string(needed - 1));
    }
  }
  return out;
}

std::string kcat_error_line(std::string_view err) {
  // "% ERROR: ..." says what failed; librdkafka's "%3|...|FAIL|..." lines
  // before it only say which connection attempt failed.
  std::string_view error, fail, last;
  std::size_t line_start = 0;
  while (line_start < err.size()) {
    auto nl = err.find('\n', line_start);
    std::string_view line = err.substr(line_start, nl == std::string_view::npos ? std::string_view::npos : nl - line_start);
    line_start = nl == std::string_view::npos ? err.size() : nl + 1;
    if (error.empty() && line.find("ERROR") != std::string_view::npos) error = line;
    if (fail.empty() && line.find("|FAIL|") != std::string_view::npos) fail = line;
    if (!line.empty()) last = line;
  }
  return std::string(!error.empty() ? error : !fail.empty() ? fail : last);
}

}  // namespace sluice::verify
