// Java's .properties grammar (properties_file.cpp): separators, comments,
// continuations at every position, escapes, line ends, errors.
#include "properties_file.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using sluice::detail::parse_properties;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs(const std::string& text) {
  const auto r = parse_properties(text);
  INFO(text);
  REQUIRE(r.ok());
  Pairs out;
  for (const auto& e : r.entries) out.emplace_back(e.key, e.value);
  return out;
}

// Positions of `line` where a continuation may be inserted without changing
// its meaning: not inside an escape (after a backslash, or in \uXXXX), and
// not before a blank (a continuation line loses its leading blanks).
std::vector<std::size_t> split_points(const std::string& line) {
  std::vector<std::size_t> out;
  std::vector<bool> inside(line.size() + 1, false);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\') continue;
    const std::size_t len = i + 1 < line.size() && line[i + 1] == 'u' ? 6 : 2;
    for (std::size_t k = i + 1; k < i + len && k <= line.size(); ++k) inside[k] = true;
    i += len - 1;
  }
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (!inside[i] && line[i] != ' ' && line[i] != '\t' && line[i] != '\f') out.push_back(i);
  }
  return out;
}

}  // namespace

TEST_CASE("every separator form gives the same entry") {
  for (const char* line : {"bootstrap.servers=127.0.0.1:1", "bootstrap.servers: 127.0.0.1:1",
                           "bootstrap.servers 127.0.0.1:1", "bootstrap.servers = 127.0.0.1:1",
                           "bootstrap.servers\t:\t127.0.0.1:1", "  bootstrap.servers   127.0.0.1:1",
                           "\f bootstrap.servers :127.0.0.1:1   "}) {
    CHECK(pairs(line) == Pairs{{"bootstrap.servers", "127.0.0.1:1"}});
  }
  // Only the first separator counts; later ones belong to the value.
  CHECK(pairs("a=b=c") == Pairs{{"a", "b=c"}});
  CHECK(pairs("a = = b") == Pairs{{"a", "= b"}});
  CHECK(pairs("a b : c") == Pairs{{"a", "b : c"}});
  CHECK(pairs("a:=b") == Pairs{{"a", "=b"}});
}

TEST_CASE("a key alone has an empty value") {
  CHECK(pairs("debug") == Pairs{{"debug", ""}});
  CHECK(pairs("debug =   ") == Pairs{{"debug", ""}});
  CHECK(pairs("debug:") == Pairs{{"debug", ""}});
}

TEST_CASE("comments and blank lines") {
  CHECK(pairs("# a comment\n! another\n   # indented\n\n \t \nk=v\n#k=w") == Pairs{{"k", "v"}});
  // A comment line never continues, even ending in a backslash.
  CHECK(pairs("# comment \\\nk=v") == Pairs{{"k", "v"}});
  // '#' inside a value is text.
  CHECK(pairs("k=v # not a comment") == Pairs{{"k", "v # not a comment"}});
}

TEST_CASE("line ends: LF, CR LF and CR alike, last line without one") {
  const Pairs want{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  CHECK(pairs("a=1\nb=2\nc=3") == want);
  CHECK(pairs("a=1\r\nb=2\r\nc=3\r\n") == want);
  CHECK(pairs("a=1\rb=2\rc=3\r") == want);
  CHECK(pairs("a=1\r\n\r\nb=2\n\rc=3") == want);
}

TEST_CASE("a continuation at every position of a line gives the same entry") {
  const std::vector<std::string> lines = {
      "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
      "password=\"pw\";",
      "bootstrap.servers: kafka1:9092,kafka2:9092",
      "key\\:with\\=escapes = a\\u00e9b\\\\c\\td",
      "linger.ms 0.5",
  };
  for (const auto& line : lines) {
    const Pairs want = pairs(line);
    REQUIRE(want.size() == 1);
    for (const std::size_t at : split_points(line)) {
      for (const char* join : {"\\\n", "\\\n      ", "\\\r\n\t", "\\\r  "}) {
        const std::string text = line.substr(0, at) + join + line.substr(at) + "\nnext=1\n";
        INFO("split at " << at << ": " << text);
        Pairs got = pairs(text);
        REQUIRE(got.size() == 2);
        CHECK(got[0] == want[0]);
        CHECK(got[1] == std::pair<std::string, std::string>{"next", "1"});
      }
    }
  }
}

TEST_CASE("continuations: the next line's leading blanks go, '#' there is text, an even backslash run ends the line") {
  CHECK(pairs("k = one, \\\n    two, \\\n    three") == Pairs{{"k", "one, two, three"}});
  CHECK(pairs("k = a\\\n# b") == Pairs{{"k", "a# b"}});
  CHECK(pairs("k = a\\\\\nj = b") == Pairs{{"k", "a\\"}, {"j", "b"}});
  CHECK(pairs("k = a\\\\\\\nb") == Pairs{{"k", "a\\b"}});
  // A continuation into an empty line ends the entry there.
  CHECK(pairs("k = a\\\n\nj = b") == Pairs{{"k", "a"}, {"j", "b"}});
  // A continuation at the end of the file: the backslash is dropped.
  CHECK(pairs("k = a\\") == Pairs{{"k", "a"}});
}

TEST_CASE("escapes") {
  CHECK(pairs("k=\\t\\n\\r\\f") == Pairs{{"k", "\t\n\r\f"}});
  CHECK(pairs("a\\ b\\=c\\:d = e") == Pairs{{"a b=c:d", "e"}});
  CHECK(pairs("k=\\#\\!\\\\\\q") == Pairs{{"k", "#!\\q"}});
  CHECK(pairs("\\#k=v") == Pairs{{"#k", "v"}});
  // \uXXXX as UTF-8: 1, 2 and 3 bytes, and a surrogate pair as 4.
  CHECK(pairs("k=\\u0041\\u00e9\\u20AC") == Pairs{{"k", "A\xC3\xA9\xE2\x82\xAC"}});
  CHECK(pairs("k=\\uD83D\\uDE00") == Pairs{{"k", "\xF0\x9F\x98\x80"}});
  // Bytes outside ASCII pass through.
  CHECK(pairs("k=caf\xC3\xA9") == Pairs{{"k", "caf\xC3\xA9"}});
}

TEST_CASE("trailing blanks of a value go, escaped ones stay") {
  CHECK(pairs("k = v  \t") == Pairs{{"k", "v"}});
  CHECK(pairs("k = v\\ ") == Pairs{{"k", "v "}});
  CHECK(pairs("k = v\\  ") == Pairs{{"k", "v "}});
  CHECK(pairs("k = \\u0020") == Pairs{{"k", " "}});
}

TEST_CASE("line numbers count natural lines, and an entry has its first line's") {
  const auto r = parse_properties("# c\n\na=1\nb=2\\\n  3\nc=4\r\nd=5");
  REQUIRE(r.ok());
  REQUIRE(r.entries.size() == 4);
  CHECK(r.entries[0].line == 3);
  CHECK(r.entries[1].line == 4);
  CHECK(r.entries[1].value == "23");
  CHECK(r.entries[2].line == 6);
  CHECK(r.entries[3].line == 7);
}

TEST_CASE("malformed u-escapes are errors with the line, never the value") {
  for (const char* bad : {"a=1\nsasl.password=hunter2\\u12", "a=1\nsasl.password=hunter2\\uZZZZ",
                          "a=1\nsasl.password=hunter2\\uD83D", "a=1\nsasl.password=hunter2\\uDE00x"}) {
    const auto r = parse_properties(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.entries.empty());
    CHECK(r.error_line == 2);
    CHECK(r.error_key == "sasl.password");
    CHECK(r.error.find("sasl.password") != std::string::npos);
    CHECK(r.error.find("hunter2") == std::string::npos);
  }
  const auto r = parse_properties("ke\\u00y=v");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("property name") != std::string::npos);
}

TEST_CASE("a repeated key is kept twice, in order (the caller lets the later win)") {
  CHECK(pairs("a=1\na=2") == Pairs{{"a", "1"}, {"a", "2"}});
}
