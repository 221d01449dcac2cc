#pragma once
// Java's .properties grammar (java.util.Properties.load), what Kafka's
// tools read with --producer.config and kcat reads with -F:
// - a key and its value are separated by '=', ':' or whitespace (with
//   whitespace around '=' / ':' skipped): "a=b", "a: b", "a b";
// - lines whose first non-blank character is '#' or '!' are comments;
// - leading whitespace is skipped; a line ending in an odd number of
//   backslashes continues on the next line, whose leading whitespace is
//   dropped (comment lines are never continued);
// - escapes: \t \n \r \f, \uXXXX (UTF-16, written as UTF-8; a surrogate
//   pair makes one character), and a backslash before any other character
//   stands for that character ("\=", "\:", "\ ", "\\", "\#");
// - a key alone is the key with an empty value.
// Values lose trailing unescaped whitespace (Kafka trims every value it
// parses). Bytes outside ASCII are kept as they are (kcat does the same;
// Java's Properties.load(InputStream) would read them as ISO-8859-1).
// Lines end at \n, \r or \r\n.
#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

struct PropertyEntry {
  std::string key;
  std::string value;
  int line = 0;  // the natural line the entry starts on, from 1
};

struct PropertiesParse {
  std::vector<PropertyEntry> entries;  // in file order (a repeated key: both)
  // Empty on success; else what is wrong, without the value (it may be a
  // secret), and the line it is on.
  std::string error;
  std::string error_key;  // the key of the bad entry, if it got that far
  int error_line = 0;
  bool ok() const noexcept { return error.empty(); }
};

PropertiesParse parse_properties(std::string_view text);

}  // namespace sluice::detail
