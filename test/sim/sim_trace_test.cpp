// SimTrace: equal entries give equal hashes; any difference shows.
#include "sim_trace.hpp"

#include <catch2/catch.hpp>

using sluice::sim::SimTrace;

TEST_CASE("a trace's hash depends on every tag, value and their order") {
  auto hash_of = [](auto fill) {
    SimTrace t;
    fill(t);
    return t.hash();
  };
  const auto base = hash_of([](SimTrace& t) {
    t.add("a", {1, 2});
    t.add("b", {3});
  });
  CHECK(base == hash_of([](SimTrace& t) {
          t.add("a", {1, 2});
          t.add("b", {3});
        }));
  CHECK(base != hash_of([](SimTrace& t) {
          t.add("b", {3});
          t.add("a", {1, 2});
        }));
  CHECK(base != hash_of([](SimTrace& t) {
          t.add("a", {1, 2});
          t.add("b", {4});
        }));
  // The tag's end is marked: a tag cannot blend into the next entry.
  CHECK(hash_of([](SimTrace& t) { t.add("ab", {}); }) != hash_of([](SimTrace& t) {
          t.add("a", {});
          t.add("b", {});
        }));
}

TEST_CASE("lines are kept only when asked for, and say what was added") {
  SimTrace t;
  t.add("x", {1});
  CHECK(t.lines().empty());
  t.keep_lines(true);
  t.add("arrive", {5, -1});
  REQUIRE(t.lines().size() == 1);
  CHECK(t.lines()[0] == "arrive 5 -1");
  CHECK(t.entries() == 2);
}
