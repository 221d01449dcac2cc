// Inbox: records staged by send() come back byte for byte (keys, values,
// headers, nulls, explicit partitions and timestamps), topics are kept once,
// and a cleared or swapped inbox starts empty.
#include "inbox.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sluice::detail;

namespace {

sluice::Record record(std::string topic, std::optional<std::string> key, std::optional<std::string> value) {
  sluice::Record r;
  r.topic = std::move(topic);
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

std::string text(std::optional<sluice::protocol::ByteView> b) {
  return b ? std::string(reinterpret_cast<const char*>(b->data()), b->size()) : std::string("<null>");
}

}  // namespace

TEST_CASE("the inbox gives back what was staged, nulls included") {
  Inbox inbox;
  sluice::Record a = record("a-rather-long-topic-name", "k1", "value one");
  a.headers = {{"h1", std::string("v1")}, {"h2", std::nullopt}};
  a.partition = 3;
  a.timestamp_ms = 1234;
  int called = 0;
  inbox.push(a, [&called](const sluice::DeliveryReport&) { ++called; }, 42, true, 7);
  inbox.push(record("a-rather-long-topic-name", std::nullopt, std::nullopt), nullptr, 1, false, 8);
  inbox.push(record("other", "", std::string(5000, 'x')), nullptr, 1, false, 8);

  REQUIRE(inbox.entries().size() == 3);
  CHECK(inbox.topic_count() == 2);  // the first topic is kept once
  auto& e0 = inbox.entries()[0];
  CHECK(inbox.topic(e0) == "a-rather-long-topic-name");
  CHECK(text(inbox.bytes(e0.key)) == "k1");
  CHECK(text(inbox.bytes(e0.value)) == "value one");
  CHECK(e0.has_partition);
  CHECK(e0.partition == 3);
  CHECK(e0.has_timestamp);
  CHECK(e0.timestamp_ms == 1234);
  CHECK(e0.reserved == 42);
  CHECK(e0.urgent);
  CHECK(e0.generation == 7);
  std::vector<sluice::protocol::RecordHeaderView> headers;
  inbox.header_views(e0, headers);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].key == "h1");
  CHECK(text(headers[0].value) == "v1");
  CHECK(headers[1].key == "h2");
  CHECK_FALSE(headers[1].value);
  e0.callback(sluice::DeliveryReport{});
  CHECK(called == 1);

  auto& e1 = inbox.entries()[1];
  CHECK_FALSE(inbox.bytes(e1.key));
  CHECK_FALSE(inbox.bytes(e1.value));
  CHECK_FALSE(e1.has_partition);
  CHECK_FALSE(e1.has_timestamp);
  inbox.header_views(e1, headers);
  CHECK(headers.empty());

  auto& e2 = inbox.entries()[2];
  CHECK(inbox.topic(e2) == "other");
  CHECK(text(inbox.bytes(e2.key)).empty());  // an empty key is not a null key
  CHECK(inbox.bytes(e2.key).has_value());
  CHECK(text(inbox.bytes(e2.value)) == std::string(5000, 'x'));
}

TEST_CASE("a staged record rebuilds as the same Record") {
  Inbox inbox;
  sluice::Record a = record("t", "key", std::nullopt);
  a.headers = {{"h", std::string("v")}, {"n", std::nullopt}};
  a.partition = 0;
  inbox.push(a, nullptr, 1, false, 0);
  const sluice::Record r = inbox.record(inbox.entries()[0]);
  CHECK(r.topic == "t");
  CHECK(r.key == std::optional<std::string>("key"));
  CHECK_FALSE(r.value);
  CHECK(r.partition == std::optional<std::int32_t>(0));
  CHECK_FALSE(r.timestamp_ms);
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[0].key == "h");
  CHECK(r.headers[0].value == std::optional<std::string>("v"));
  CHECK(r.headers[1].key == "n");
  CHECK_FALSE(r.headers[1].value);
}

TEST_CASE("swap and clear hand over staged records and leave an empty inbox") {
  Inbox filling, placing;
  filling.push(record("t", "k", "v"), nullptr, 1, false, 0);
  filling.swap(placing);
  CHECK(filling.empty());
  REQUIRE(placing.entries().size() == 1);
  CHECK(text(placing.bytes(placing.entries()[0].value)) == "v");
  placing.clear();
  CHECK(placing.empty());
  // Staging after a clear starts over (offsets from the start again).
  placing.push(record("t", std::nullopt, "w"), nullptr, 1, false, 0);
  CHECK(text(placing.bytes(placing.entries()[0].value)) == "w");
  CHECK(placing.topic(placing.entries()[0]) == "t");
}

TEST_CASE("a burst's large buffer is given back only after the inbox stayed mostly empty for a while") {
  Inbox inbox;
  const std::string big(4 << 20, 'x');  // over the 1 MiB kept for good
  inbox.push(record("t", std::nullopt, big), nullptr, 1, false, 0);
  inbox.clear();
  const std::size_t burst = inbox.byte_capacity();
  REQUIRE(burst >= big.size());
  // Small passes under a steady load keep the buffer (no regrowing it).
  for (int i = 0; i < 63; ++i) {
    inbox.push(record("t", std::nullopt, "small"), nullptr, 1, false, 0);
    inbox.clear();
  }
  CHECK(inbox.byte_capacity() == burst);
  // A pass that used much of it again starts the count over.
  inbox.push(record("t", std::nullopt, big), nullptr, 1, false, 0);
  inbox.clear();
  for (int i = 0; i < 63; ++i) inbox.clear();
  CHECK(inbox.byte_capacity() == burst);
  // The 64th mostly-empty clear in a row gives it back.
  inbox.clear();
  CHECK(inbox.byte_capacity() < burst);
  inbox.push(record("t", "k", "v"), nullptr, 1, false, 0);
  CHECK(text(inbox.bytes(inbox.entries()[0].value)) == "v");
}

TEST_CASE("a RecordRef is staged like the Record it views, and nothing of the caller's is kept") {
  Inbox inbox;
  std::string topic = "views", key = "k1", value = "value one";
  std::vector<sluice::Header> headers = {{"h1", std::string("v1")}, {"h2", std::nullopt}};
  sluice::RecordRef ref{topic, 2, key, value, headers, 99};
  inbox.push(ref, nullptr, 1, false, 0);
  std::fill(topic.begin(), topic.end(), '#');
  std::fill(key.begin(), key.end(), '#');
  std::fill(value.begin(), value.end(), '#');
  headers[0].key = "##";
  auto& e = inbox.entries()[0];
  CHECK(inbox.topic(e) == "views");
  CHECK(text(inbox.bytes(e.key)) == "k1");
  CHECK(text(inbox.bytes(e.value)) == "value one");
  CHECK(e.partition == 2);
  CHECK(e.timestamp_ms == 99);
  const sluice::Record back = inbox.record(e);
  REQUIRE(back.headers.size() == 2);
  CHECK(back.headers[0].key == "h1");
  CHECK(back.headers[1].value == std::nullopt);
  // And a RecordRef rebuilds the Record it views.
  const sluice::Record r = sluice::RecordRef::of(back).to_record();
  CHECK(r.topic == back.topic);
  CHECK(r.key == back.key);
  CHECK(r.value == back.value);
  CHECK(r.partition == back.partition);
  CHECK(r.timestamp_ms == back.timestamp_ms);
  CHECK(r.headers.size() == back.headers.size());
}
