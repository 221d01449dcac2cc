// sluice-verify's record format (tools/verify/record_format.hpp).
#include "record_format.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace sluice::verify;

TEST_CASE("a value parses back to its run, producer and sequence, intact") {
  const RecordId id{3, 123456789012ULL};
  const std::string v = make_value("run-1.x_Y", id, 200);
  CHECK(v.size() == 200);
  auto p = parse_value(v);
  REQUIRE(p.has_value());
  CHECK(p->run_id == "run-1.x_Y");
  CHECK(p->id == id);
  CHECK(p->intact);
}

TEST_CASE("values have the requested size to within one byte, down to the header's size") {
  for (std::size_t size = 0; size < 1200; ++size) {
    const std::string v = make_value("r1", RecordId{0, size * 7}, size);
    INFO("size " << size << " -> " << v.size());
    const std::string header_only = make_value("r1", RecordId{0, size * 7}, 0);
    if (size <= header_only.size()) {
      CHECK(v == header_only);
    } else {
      CHECK(v.size() + 1 >= size);
      CHECK(v.size() <= size + 1);
    }
    auto p = parse_value(v);
    REQUIRE(p.has_value());
    CHECK(p->intact);
  }
}

TEST_CASE("a damaged value is still recognised as ours but not intact") {
  const std::string v = make_value("r1", RecordId{0, 5}, 120);
  std::string flipped = v;
  flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
  std::string shorter = v.substr(0, v.size() - 1);
  std::string longer = v + "a";
  for (const auto& bad : {flipped, shorter, longer}) {
    auto p = parse_value(bad);
    REQUIRE(p.has_value());
    CHECK(p->id == RecordId{0, 5});
    CHECK_FALSE(p->intact);
  }
}

TEST_CASE("values of other writers are not ours") {
  CHECK_FALSE(parse_value("").has_value());
  CHECK_FALSE(parse_value("xxxxxxxxxx").has_value());
  CHECK_FALSE(parse_value("sluice-verify/2 run=r p=0 seq=1 pad=0|").has_value());
  CHECK_FALSE(parse_value("sluice-verify/1 run=r p=x seq=1 pad=0|").has_value());
  CHECK_FALSE(parse_value("sluice-verify/1 run=r p=0 seq=-1 pad=0|").has_value());
  CHECK_FALSE(parse_value("sluice-verify/1 run=r p=0 seq=1 pad=0").has_value());
  CHECK_FALSE(parse_value("sluice-verify/1 run=a|b p=0 seq=1 pad=0|").has_value());
  CHECK(parse_value("sluice-verify/1 run=r p=0 seq=1 pad=0|").has_value());
}

TEST_CASE("run ids are 1..64 characters of [A-Za-z0-9_.-]") {
  CHECK(valid_run_id("r0a1b2c3d4e5f"));
  CHECK(valid_run_id("fault.kill-leader_1"));
  CHECK(valid_run_id(std::string(64, 'a')));
  CHECK_FALSE(valid_run_id(""));
  CHECK_FALSE(valid_run_id(std::string(65, 'a')));
  CHECK_FALSE(valid_run_id("a b"));
  CHECK_FALSE(valid_run_id("a|b"));
  CHECK_FALSE(valid_run_id("a=b"));
}

TEST_CASE("keys are null without --keys, else cycle so that every key gets records of every thread") {
  CHECK_FALSE(make_key(RecordId{0, 0}, 1, 0).has_value());
  CHECK(make_key(RecordId{0, 0}, 1, 4) == "key-0");
  CHECK(make_key(RecordId{0, 5}, 1, 4) == "key-1");
  // 2 threads, 3 keys: per key, which threads write it.
  std::map<std::string, std::map<std::uint32_t, int>> writers;
  for (std::uint32_t t = 0; t < 2; ++t) {
    for (std::uint64_t seq = 0; seq < 30; ++seq) writers[*make_key(RecordId{t, seq}, 2, 3)][t]++;
  }
  REQUIRE(writers.size() == 3);
  for (const auto& [key, by_thread] : writers) {
    INFO(key);
    CHECK(by_thread.size() == 2);
    CHECK(by_thread.at(0) == 10);
    CHECK(by_thread.at(1) == 10);
  }
}
