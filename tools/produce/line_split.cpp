#include "line_split.hpp"

namespace sluice::produce {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string unescape_delimiter(std::string_view flag, std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 >= text.size()) {
      throw UsageError(std::string(flag) + ": '" + std::string(text) + "' ends in a lone backslash (write \\\\ for one)");
    }
    const char c = text[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        const int hi = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          throw UsageError(std::string(flag) + ": '\\x' needs two hex digits, in '" + std::string(text) + "'");
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        throw UsageError(std::string(flag) + ": unknown escape '\\" + std::string(1, c) + "' in '" +
                         std::string(text) + "' (accepted: \\n \\r \\t \\0 \\\\ \\xNN)");
    }
  }
  if (out.empty()) throw UsageError(std::string(flag) + ": the delimiter must not be empty");
  return out;
}

RecordSplitter::RecordSplitter(std::string delimiter) : delimiter_(std::move(delimiter)) {
  if (delimiter_.empty()) throw UsageError("the record delimiter must not be empty");
}

void RecordSplitter::feed(std::string_view chunk, const std::function<void(std::string_view)>& on_record) {
  pending_.append(chunk);
  std::size_t start = 0;
  std::size_t from = searched_;
  for (;;) {
    const std::size_t at = pending_.find(delimiter_, from);
    if (at == std::string::npos) break;
    on_record(std::string_view(pending_).substr(start, at - start));
    start = at + delimiter_.size();
    from = start;
  }
  pending_.erase(0, start);
  // A delimiter may start in the last size-1 bytes and end in the next
  // chunk: search again from there, not from the start of the record.
  searched_ = pending_.size() >= delimiter_.size() ? pending_.size() - delimiter_.size() + 1 : 0;
}

std::optional<std::string> RecordSplitter::finish() {
  if (pending_.empty()) return std::nullopt;
  std::string rest = std::move(pending_);
  pending_.clear();
  searched_ = 0;
  return rest;
}

KeyValue split_key(std::string_view record, std::string_view key_delimiter) {
  if (key_delimiter.empty()) return {std::nullopt, record};
  const std::size_t at = record.find(key_delimiter);
  if (at == std::string_view::npos) return {std::nullopt, record};
  return {record.substr(0, at), record.substr(at + key_delimiter.size())};
}

std::pair<std::string, std::optional<std::string>> parse_header(std::string_view text) {
  const std::size_t eq = text.find('=');
  const std::string_view name = text.substr(0, eq);
  if (name.empty()) {
    throw UsageError("-H: expected name=value (or name alone for a null value), got '" + std::string(text) + "'");
  }
  if (eq == std::string_view::npos) return {std::string(name), std::nullopt};
  return {std::string(name), std::string(text.substr(eq + 1))};
}

}  // namespace sluice::produce
