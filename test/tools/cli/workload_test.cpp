// The benchmark's values and keys.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "workload.hpp"

using namespace sluice::bench;

TEST_CASE("values are random capital letters of the asked size, the same per seed") {
  const std::string v = make_value(1000);
  REQUIRE(v.size() == 1000);
  for (char c : v) REQUIRE((c >= 'A' && c <= 'Z'));
  CHECK(std::set<char>(v.begin(), v.end()).size() > 20);  // not a run of one letter
  CHECK(make_value(1000) == v);
  CHECK(make_value(1000, 7) != v);
  CHECK(make_value(0).empty());
}

TEST_CASE("key modes: none has no keys, seq is the index in decimal, random varies") {
  KeyMaker none(KeyMode::none);
  CHECK_FALSE(none.has_keys());
  CHECK(none.key(5).empty());

  KeyMaker seq(KeyMode::seq);
  CHECK(seq.has_keys());
  CHECK(seq.key(0) == "0");
  CHECK(seq.key(42) == "42");
  CHECK(seq.key(18446744073709551615ULL) == "18446744073709551615");

  KeyMaker random(KeyMode::random, 1);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.emplace(random.key(0));
  CHECK(seen.size() == 100);
  for (const auto& k : seen) CHECK(k.find_first_not_of("0123456789") == std::string::npos);
}
