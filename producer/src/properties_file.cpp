#include "properties_file.hpp"

#include <cstdint>
#include <optional>

namespace sluice::detail {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// The natural lines of `text` (without their terminators), each with its number.
struct NaturalLines {
  std::string_view text;
  std::size_t at = 0;
  int number = 0;
  bool next(std::string_view& line) {
    if (at >= text.size()) return false;
    std::size_t end = text.find_first_of("\r\n", at);
    if (end == std::string_view::npos) end = text.size();
    line = text.substr(at, end - at);
    at = end;
    if (at < text.size() && text[at] == '\r') ++at;  // "\r\n" is one terminator
    if (at < text.size() && text[at] == '\n') ++at;
    ++number;
    return true;
  }
};

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  return s.substr(i);
}

// True when `s` ends in an odd number of backslashes (the line continues).
bool continues(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
    else return std::nullopt;
  }
  return v;
}

// Undoes the escapes of a key or value; `trim` drops trailing unescaped
// blanks. Returns an error text (empty on success).
std::string unescape(std::string_view s, bool trim, std::string& out) {
  out.clear();
  std::size_t kept = 0;  // out's length up to its last escaped character
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) break;  // a lone backslash at the very end: dropped (Java does the same)
    const char e = s[i];
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        auto unit = hex4(s, i + 1);
        if (!unit) return "malformed \\uXXXX escape (four hex digits expected)";
        i += 4;
        std::uint32_t cp = *unit;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          auto low = i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u' ? hex4(s, i + 3) : std::nullopt;
          if (!low || *low < 0xDC00 || *low > 0xDFFF) {
            return "\\u escape of a lone UTF-16 high surrogate (a low surrogate \\uDC00..\\uDFFF must follow)";
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
          i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return "\\u escape of a lone UTF-16 low surrogate";
        }
        put_utf8(out, cp);
        break;
      }
      default: out += e; break;
    }
    kept = out.size();
  }
  if (trim) {
    while (out.size() > kept && blank(out.back())) out.pop_back();
  }
  return {};
}

}  // namespace

PropertiesParse parse_properties(std::string_view text) {
  PropertiesParse result;
  NaturalLines lines{text};
  std::string_view natural;
  while (lines.next(natural)) {
    const int first_line = lines.number;
    std::string_view start = skip_blanks(natural);
    if (start.empty() || start.front() == '#' || start.front() == '!') continue;
    // The logical line: natural lines joined at their escaped terminators.
    std::string logical(start);
    while (continues(logical)) {
      logical.pop_back();
      std::string_view more;
      if (!lines.next(more)) break;
      logical += skip_blanks(more);
    }
    // Key: up to the first unescaped '=', ':' or blank.
    std::size_t key_end = 0;
    std::size_t value_start = logical.size();
    bool separator = false;
    bool escaped = false;
    for (; key_end < logical.size(); ++key_end) {
      const char c = logical[key_end];
      if (!escaped && (c == '=' || c == ':')) {
        value_start = key_end + 1;
        separator = true;
        break;
      }
      if (!escaped && blank(c)) {
        value_start = key_end + 1;
        break;
      }
      escaped = c == '\\' ? !escaped : false;
    }
    // Value: after blanks, one '=' or ':' (if the key ended at a blank), blanks.
    for (; value_start < logical.size(); ++value_start) {
      const char c = logical[value_start];
      if (blank(c)) continue;
      if (!separator && (c == '=' || c == ':')) {
        separator = true;
        continue;
      }
      break;
    }
    PropertyEntry entry;
    entry.line = first_line;
    auto fail = [&](const std::string& why, const std::string& key) {
      result.entries.clear();
      result.error = why;
      result.error_key = key;
      result.error_line = first_line;
      return result;
    };
    if (auto why = unescape(std::string_view(logical).substr(0, key_end), false, entry.key); !why.empty()) {
      return fail(why + " in a property name", "");
    }
    if (auto why = unescape(std::string_view(logical).substr(value_start), true, entry.value); !why.empty()) {
      return fail(why + " in the value of '" + entry.key + "'", entry.key);
    }
    result.entries.push_back(std::move(entry));
  }
  return result;
}

}  // namespace sluice::detail
