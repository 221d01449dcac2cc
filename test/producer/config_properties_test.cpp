// The property table (config_properties.cpp): every row documented in
// docs/CONFIGURATION.md with its Java and librdkafka names, and the value
// helpers it shares with config.cpp.
#include "config_properties.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <string>

using namespace sluice::detail;

namespace {
std::string doc_text() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/CONFIGURATION.md");
  REQUIRE(in);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
std::string cell(const char* name) { return *name == '\0' ? std::string() : "`" + std::string(name) + "`"; }
}  // namespace

TEST_CASE("docs/CONFIGURATION.md has a row per property: name, Java name, librdkafka name, aliases") {
  const std::string doc = doc_text();
  for (const auto& p : sluice::property_table()) {
    INFO(p.name);
    // | `name` | `java` | `librdkafka` | ...
    const std::string row = "| `" + std::string(p.name) + "` | " + cell(p.java) + " | " + cell(p.librdkafka) + " |";
    CHECK(doc.find(row) != std::string::npos);
    for (const char* alias : p.aliases) {
      INFO(alias);
      CHECK(doc.find(std::string("`") + alias + "`") != std::string::npos);
    }
  }
}

TEST_CASE("the table's rows are not in the table's prose: no sentence inside it") {
  // Reported: a stray sentence sat between two rows of the property table.
  const std::string doc = doc_text();
  const auto start = doc.find("| property |");
  REQUIRE(start != std::string::npos);
  std::size_t at = doc.find('\n', start) + 1;
  bool in_table = true;
  int rows = 0;
  while (at < doc.size() && in_table) {
    const auto end = doc.find('\n', at);
    const std::string line = doc.substr(at, end - at);
    in_table = line.starts_with("|");
    rows += in_table ? 1 : 0;
    at = end + 1;
  }
  // Every property's row is in the one contiguous table.
  CHECK(rows == static_cast<int>(sluice::property_table().size()) + 1);  // + the |---| line
}

// The other way round: every row of the doc's table is a property the code
// knows (a row left behind for a removed or renamed property is caught).
TEST_CASE("docs/CONFIGURATION.md's table has no row for a property the code does not know") {
  const std::string doc = doc_text();
  std::set<std::string> known;
  for (const auto& p : sluice::property_table()) known.insert(p.name);
  const auto start = doc.find("| property |");
  REQUIRE(start != std::string::npos);
  std::size_t at = doc.find('\n', start) + 1;
  int rows = 0;
  for (std::size_t end = doc.find('\n', at); at < doc.size() && doc.compare(at, 1, "|") == 0;
       at = end + 1, end = doc.find('\n', at)) {
    const std::string line = doc.substr(at, end - at);
    if (line.starts_with("|---")) continue;
    REQUIRE(line.starts_with("| `"));
    const std::string name = line.substr(3, line.find('`', 3) - 3);
    INFO(line.substr(0, 80));
    CHECK(known.count(name) == 1);
    ++rows;
  }
  CHECK(rows == static_cast<int>(known.size()));
}

TEST_CASE("names are unique across properties and aliases") {
  std::set<std::string> seen;
  for (const auto& p : sluice::property_table()) {
    CHECK(seen.insert(p.name).second);
    for (const char* a : p.aliases) CHECK(seen.insert(a).second);
  }
  CHECK(find_spec("queue.buffering.max.ms") == find_spec("linger.ms"));
  CHECK(find_spec("message.timeout.ms") == find_spec("delivery.timeout.ms"));
  CHECK(find_spec("ssl.keystore.key") == find_spec("ssl.key.pem"));
  CHECK(find_spec("topic.metadata.refresh.interval.ms") != find_spec("metadata.max.age.ms"));
  CHECK(find_spec("key.serializer") != find_spec("value.serializer"));
  CHECK(find_spec("no.such") == nullptr);
}

TEST_CASE("decimal milliseconds to microseconds") {
  CHECK(parse_decimal_ms("5") == 5000);
  CHECK(parse_decimal_ms("0.5") == 500);
  CHECK(parse_decimal_ms("0.001") == 1);
  CHECK(parse_decimal_ms("2.25") == 2250);
  CHECK(parse_decimal_ms("0.0009") == 0);  // truncated to the microsecond, as librdkafka
  CHECK(parse_decimal_ms("900000") == 900000000);
  for (const char* bad : {"", ".5", "5.", "-1", "+1", "1e3", "1,5", " 1", "0x10", "1.2.3"}) {
    INFO(bad);
    CHECK_FALSE(parse_decimal_ms(bad));
  }
}

TEST_CASE("debug contexts: librdkafka's names, the producer's ones apply") {
  for (const char* c : {"generic", "broker", "topic", "metadata", "msg", "protocol", "security", "eos", "all"}) {
    CHECK(debug_context_applies(c));
  }
  for (const char* c : {"consumer", "cgrp", "fetch", "assignor"}) {
    CHECK(debug_context_known(c));
    CHECK_FALSE(debug_context_applies(c));
  }
  CHECK_FALSE(debug_context_known("everything"));
}

TEST_CASE("secret rows") {
  for (const char* n : {"sasl.password", "ssl.key.password", "sasl.jaas.config", "ssl.key.pem", "ssl.keystore.password"}) {
    INFO(n);
    CHECK(is_secret(spec_of(n)));
    CHECK(std::string(spec_of(n).info.type) == "password");
  }
  CHECK_FALSE(is_secret(spec_of("ssl.keystore.location")));
}
