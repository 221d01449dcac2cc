#include "record_format.hpp"

#include <charconv>

namespace sluice::verify {

namespace {

constexpr std::string_view kPrefix = "sluice-verify/1 ";

char pad_byte(std::uint64_t seq, std::size_t i) { return static_cast<char>('a' + (seq + i) % 26); }

std::string header(std::string_view run_id, const RecordId& id, std::size_t pad) {
  std::string h(kPrefix);
  h += "run=";
  h += run_id;
  h += " p=" + std::to_string(id.producer) + " seq=" + std::to_string(id.seq) + " pad=" + std::to_string(pad) + "|";
  return h;
}

// Reads "NAME=<digits>" followed by `end` at `pos`.
template <typename T>
bool read_field(std::string_view s, std::size_t& pos, std::string_view name, char end, T& out) {
  if (s.substr(pos, name.size()) != name) return false;
  pos += name.size();
  const char* first = s.data() + pos;
  const char* last = s.data() + s.size();
  auto [p, ec] = std::from_chars(first, last, out);
  if (ec != std::errc{} || p == first || p == last || *p != end) return false;
  pos = static_cast<std::size_t>(p - s.data()) + 1;
  return true;
}

}  // namespace

bool valid_run_id(std::string_view run_id) {
  if (run_id.empty() || run_id.size() > 64) return false;
  for (char c : run_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string make_value(std::string_view run_id, const RecordId& id, std::size_t size) {
  // The header holds the padding's length, whose digits count towards the
  // size: settle it by recomputing until it stops changing (<= 3 rounds).
  std::size_t pad = 0;
  for (int round = 0; round < 4; ++round) {
    const std::size_t h = header(run_id, id, pad).size();
    const std::size_t next = size > h ? size - h : 0;
    if (next == pad) break;
    pad = next;
  }
  std::string v = header(run_id, id, pad);
  v.reserve(v.size() + pad);
  for (std::size_t i = 0; i < pad; ++i) v += pad_byte(id.seq, i);
  return v;
}

std::optional<std::string> make_key(const RecordId& id, std::uint32_t producers, std::uint64_t keys) {
  if (keys == 0) return std::nullopt;
  return "key-" + std::to_string((id.seq * producers + id.producer) % keys);
}

std::optional<ParsedValue> parse_value(std::string_view value) {
  if (value.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::size_t pos = kPrefix.size();
  if (value.substr(pos, 4) != "run=") return std::nullopt;
  pos += 4;
  const auto space = value.find(' ', pos);
  if (space == std::string_view::npos) return std::nullopt;
  ParsedValue out;
  out.run_id = std::string(value.substr(pos, space - pos));
  if (!valid_run_id(out.run_id)) return std::nullopt;
  pos = space + 1;
  std::size_t pad = 0;
  if (!read_field(value, pos, "p=", ' ', out.id.producer) || !read_field(value, pos, "seq=", ' ', out.id.seq) ||
      !read_field(value, pos, "pad=", '|', pad)) {
    return std::nullopt;
  }
  // From here on it is ours: anything wrong is damage, not a foreign record.
  out.intact = value.size() - pos == pad;
  for (std::size_t i = 0; out.intact && i < pad; ++i) out.intact = value[pos + i] == pad_byte(out.id.seq, i);
  return out;
}

}  // namespace sluice::verify
