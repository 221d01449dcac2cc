// sluice-produce's input rules: delimiters, record splitting, keys, headers.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "line_split.hpp"

using namespace sluice::produce;

namespace {

// Feeds `input` in chunks of `chunk` bytes; returns every record, the
// unterminated rest last.
std::vector<std::string> split(const std::string& input, const std::string& delimiter, std::size_t chunk) {
  RecordSplitter s(delimiter);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < input.size(); i += chunk) {
    s.feed(std::string_view(input).substr(i, chunk), [&](std::string_view r) { out.emplace_back(r); });
  }
  if (auto rest = s.finish()) out.push_back(*rest);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("records end at newlines, an unterminated last line is a record, empty lines are empty records") {
  for (std::size_t chunk : {1, 2, 3, 7, 1000}) {
    INFO("chunk size " << chunk);
    CHECK(split("a\nbb\n\nccc", "\n", chunk) == Strings{"a", "bb", "", "ccc"});
    CHECK(split("a\nbb\n", "\n", chunk) == Strings{"a", "bb"});
    CHECK(split("\r\n", "\n", chunk) == Strings{"\r"});  // bytes kept exactly
  }
  CHECK(split("", "\n", 1).empty());
}

TEST_CASE("a multi-byte delimiter is found also when it straddles two chunks") {
  for (std::size_t chunk : {1, 2, 3, 4, 5, 64}) {
    INFO("chunk size " << chunk);
    CHECK(split("one;;two;;;three;;", ";;", chunk) == Strings{"one", "two", ";three"});
    CHECK(split("x;|;y;|", ";|;", chunk) == Strings{"x", "y;|"});
  }
}

TEST_CASE("records may hold any bytes but the delimiter, NUL included") {
  const std::string input("a\0b\tc\xff\n\0\n", 9);
  CHECK(split(input, "\n", 2) == Strings{std::string("a\0b\tc\xff", 6), std::string("\0", 1)});
}

TEST_CASE("an empty record delimiter is refused") {
  CHECK_THROWS_AS(RecordSplitter(""), UsageError);
}

TEST_CASE("split_key cuts at the first key delimiter") {
  auto kv = split_key("user-1:{\"a\":1}:x", ":");
  REQUIRE(kv.key.has_value());
  CHECK(*kv.key == "user-1");
  CHECK(kv.value == "{\"a\":1}:x");

  kv = split_key(":value", ":");  // empty key, not null
  REQUIRE(kv.key.has_value());
  CHECK(kv.key->empty());
  CHECK(kv.value == "value");

  kv = split_key("key:", ":");
  CHECK(*kv.key == "key");
  CHECK(kv.value.empty());

  kv = split_key("k::v", "::");
  CHECK(*kv.key == "k");
  CHECK(kv.value == "v");
}

TEST_CASE("split_key: no delimiter in the record, or no -K, gives a null key") {
  auto kv = split_key("no delimiter here", ":");
  CHECK_FALSE(kv.key.has_value());
  CHECK(kv.value == "no delimiter here");
  kv = split_key("a:b", "");
  CHECK_FALSE(kv.key.has_value());
  CHECK(kv.value == "a:b");
}

TEST_CASE("delimiter escapes") {
  CHECK(unescape_delimiter("-D", "\\n") == "\n");
  CHECK(unescape_delimiter("-D", "\\r\\n") == "\r\n");
  CHECK(unescape_delimiter("-K", "\\t") == "\t");
  CHECK(unescape_delimiter("-K", "\\0") == std::string(1, '\0'));
  CHECK(unescape_delimiter("-K", "\\x1F\\x1e") == "\x1f\x1e");
  CHECK(unescape_delimiter("-K", "a\\\\b") == "a\\b");
  CHECK(unescape_delimiter("-K", ";;") == ";;");
}

TEST_CASE("bad delimiter escapes name the flag") {
  auto error_of = [](std::string_view text) {
    try {
      unescape_delimiter("-K", text);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of("\\q") == "-K: unknown escape '\\q' in '\\q' (accepted: \\n \\r \\t \\0 \\\\ \\xNN)");
  CHECK(error_of("\\x4") == "-K: '\\x' needs two hex digits, in '\\x4'");
  CHECK(error_of("ab\\") == "-K: 'ab\\' ends in a lone backslash (write \\\\ for one)");
  CHECK(error_of("") == "-K: the delimiter must not be empty");
}

TEST_CASE("headers: name=value, a value with '=', name alone is a null value") {
  using H = std::pair<std::string, std::optional<std::string>>;
  CHECK(parse_header("trace=abc") == H{"trace", "abc"});
  CHECK(parse_header("q=a=b") == H{"q", "a=b"});
  CHECK(parse_header("empty=") == H{"empty", ""});
  CHECK(parse_header("flag") == H{"flag", std::nullopt});
  CHECK_THROWS_WITH(parse_header("=v"), "-H: expected name=value (or name alone for a null value), got '=v'");
}
