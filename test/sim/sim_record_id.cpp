#include "sim_record_id.hpp"

#include <charconv>

namespace sluice::sim {

namespace {

// Whole string, digits only: from_chars alone would accept a prefix.
template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<verify::RecordId> parse_record_id(std::string_view text) {
  if (text.size() < 4 || text[0] != 'p') return std::nullopt;
  const auto hash = text.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  verify::RecordId id;
  if (!parse_number(text.substr(1, hash - 1), id.producer) || !parse_number(text.substr(hash + 1), id.seq)) {
    return std::nullopt;
  }
  return id;
}

}  // namespace sluice::sim
