// ParkedInboxes: records waiting for metadata keep send order across the
// inboxes they were parked in, whole inboxes are parked without a copy,
// and an inbox is freed as soon as its last record has left.
#include "parked_inboxes.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sluice::detail;

namespace {

sluice::Record record(std::string topic, std::string value) {
  sluice::Record r;
  r.topic = std::move(topic);
  r.value = std::move(value);
  return r;
}

std::string value_of(const Inbox& in, const Inbox::Entry& e) {
  const auto b = in.bytes(e.value);
  return b ? std::string(reinterpret_cast<const char*>(b->data()), b->size()) : std::string("<null>");
}

// Every parked record as "topic:value", in the order retain() visits them.
std::vector<std::string> visit(ParkedInboxes& parked) {
  std::vector<std::string> seen;
  parked.retain([&](Inbox& in, Inbox::Entry& e) {
    seen.push_back(in.topic(e) + ":" + value_of(in, e));
    return true;
  });
  return seen;
}

}  // namespace

TEST_CASE("parked records come back in send order across whole and adopted inboxes") {
  ParkedInboxes parked;
  CHECK(parked.empty());
  Inbox first;
  first.push(record("a", "1"), nullptr, 1, false, 0);
  first.push(record("b", "2"), nullptr, 1, false, 0);
  const std::uint8_t* staged_at = first.bytes(first.entries()[0].value)->data();
  parked.park_whole(first);
  CHECK(first.empty());
  CHECK(parked.inbox_count() == 1);
  // Parked whole means not copied: the first record's bytes are where send() staged them.
  bool same_place = false;
  parked.retain([&](Inbox& in, Inbox::Entry& e) {
    if (value_of(in, e) == "1") same_place = in.bytes(e.value)->data() == staged_at;
    return true;
  });
  CHECK(same_place);
  Inbox second;
  second.push(record("a", "3"), nullptr, 1, false, 0);
  second.push(record("c", "4"), nullptr, 1, false, 0);
  parked.adopt(second, second.entries()[1]);  // one record copied into the last parked inbox
  CHECK(parked.inbox_count() == 1);
  Inbox third;
  third.push(record("c", "5"), nullptr, 1, false, 0);
  parked.park_whole(third);
  CHECK(parked.inbox_count() == 2);
  CHECK(visit(parked) == std::vector<std::string>{"a:1", "b:2", "c:4", "c:5"});
}

TEST_CASE("an inbox whose records all left is freed at once, the others stay in order") {
  ParkedInboxes parked;
  for (const char* v : {"1", "2", "3"}) {
    Inbox in;
    in.push(record(std::string(v) == "2" ? "b" : "a", v), nullptr, 1, false, 0);
    parked.park_whole(in);
  }
  REQUIRE(parked.inbox_count() == 3);
  CHECK(parked.any_topic([](const std::string& t) { return t == "b"; }));
  CHECK_FALSE(parked.any_topic([](const std::string& t) { return t == "z"; }));
  // Topic "b" gets its metadata: its record leaves, its inbox goes with it.
  parked.retain([](Inbox& in, Inbox::Entry& e) { return in.topic(e) != "b"; });
  CHECK(parked.inbox_count() == 2);
  CHECK(visit(parked) == std::vector<std::string>{"a:1", "a:3"});
  CHECK_FALSE(parked.any_topic([](const std::string& t) { return t == "b"; }));
  parked.retain([](Inbox&, Inbox::Entry&) { return false; });
  CHECK(parked.empty());
  CHECK(parked.inbox_count() == 0);
  Inbox empty;
  parked.park_whole(empty);  // nothing to park: no inbox kept
  CHECK(parked.empty());
}
