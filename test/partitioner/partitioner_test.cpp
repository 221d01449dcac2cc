#include "sluice/partitioner/partitioner.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sluice/partitioner/crc32.hpp"
#include "sluice/partitioner/fnv1a.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "support.hpp"

using namespace sluice::partitioner;
using sluice::partitioner::test::bytes_of;

namespace {

using Key = std::optional<std::span<const std::uint8_t>>;
const Key kNull = std::nullopt;
const std::vector<std::int32_t> kNone;  // no partition listed available

PartitionerOptions options(PartitionerKind kind, std::uint64_t seed = 1) {
  PartitionerOptions o;
  o.kind = kind;
  o.sticky_batch_bytes = 1000;
  o.seed = seed;
  return o;
}

std::int32_t choose_ok(Partitioner& p, std::string_view topic, Key key, std::int32_t count,
                       std::span<const std::int32_t> available = {}) {
  auto r = p.choose(topic, key, count, available);
  if (!r) FAIL("choose failed: " << r.error().message);
  return r.value();
}

// Places `records` null-key records of `bytes` each on `topic`, reporting
// every append; returns the partitions used.
std::vector<std::int32_t> place_null(Partitioner& p, std::string_view topic, int records, std::size_t bytes,
                                     std::int32_t count, std::span<const std::int32_t> available = {}) {
  std::vector<std::int32_t> out;
  for (int i = 0; i < records; ++i) {
    const std::int32_t part = choose_ok(p, topic, kNull, count, available);
    p.on_append(topic, part, bytes);
    out.push_back(part);
  }
  return out;
}

// True when the partitions change only every `run` records.
bool changes_only_every(const std::vector<std::int32_t>& parts, std::size_t run) {
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] != parts[i - 1] && i % run != 0) return false;
  }
  return true;
}

std::size_t distinct(const std::vector<std::int32_t>& parts) { return std::set(parts.begin(), parts.end()).size(); }

}  // namespace

TEST_CASE("java_default: keyed records go where Java puts them, over all partitions whatever is available") {
  Partitioner p(options(PartitionerKind::java_default));
  const std::vector<std::int32_t> only_zero{0};
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "customer-" + std::to_string(i);
    const std::int32_t expected = java_keyed_partition(bytes_of(key), 12);
    CHECK(choose_ok(p, "orders", bytes_of(key), 12, only_zero) == expected);
    CHECK(choose_ok(p, "orders", bytes_of(key), 12) == expected);
  }
  CHECK(choose_ok(p, "orders", bytes_of(""), 12) == java_keyed_partition({}, 12));  // empty is a key, not null
}

TEST_CASE("java_default: null keys are sticky, moving on after sticky_batch_bytes, within the available") {
  Partitioner p(options(PartitionerKind::java_default));
  const std::vector<std::int32_t> available{1, 3, 4, 8};
  const auto parts = place_null(p, "events", 4000, 100, 10, available);
  CHECK(changes_only_every(parts, 10));
  CHECK(distinct(parts) == 4);
  for (std::int32_t part : parts) CHECK((part == 1 || part == 3 || part == 4 || part == 8));
}

TEST_CASE("java_default: keyed appends to the sticky partition count towards moving on") {
  Partitioner p(options(PartitionerKind::java_default));
  const std::int32_t sticky = choose_ok(p, "t", kNull, 4);
  p.on_append("t", sticky, 600);
  CHECK(choose_ok(p, "t", kNull, 4) == sticky);
  p.on_append("t", (sticky + 1) % 4, 5000);  // elsewhere: not counted
  CHECK(choose_ok(p, "t", kNull, 4) == sticky);
  p.on_append("t", sticky, 400);  // e.g. a keyed record hashed onto it
  // Moved on: the next pick is fresh (it may by chance be the same
  // partition, so check over many moves that it is not stuck).
  std::set<std::int32_t> seen;
  for (int i = 0; i < 200; ++i) {
    const std::int32_t s = choose_ok(p, "t", kNull, 4);
    seen.insert(s);
    p.on_append("t", s, 1000);
  }
  CHECK(seen.size() == 4);
}

TEST_CASE("java_default: on_append's batch_full and on_batch_closed hold a move until the batch is done") {
  Partitioner p(options(PartitionerKind::java_default, 3));
  const std::int32_t s = choose_ok(p, "t", kNull, 50);
  p.on_append("t", s, 1500, false);  // past sticky_batch_bytes, batch still open
  CHECK(choose_ok(p, "t", kNull, 50) == s);
  p.on_batch_closed("t", s);
  // A fresh pick among 50: the same one again is 1 in 50; seed 3 is not that case.
  CHECK(choose_ok(p, "t", kNull, 50) != s);
}

TEST_CASE("ignore_keys: java_default places keyed records like null-key ones, other kinds ignore the flag") {
  auto o = options(PartitionerKind::java_default);
  o.ignore_keys = true;
  Partitioner p(o);
  std::vector<std::int32_t> parts;
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "k" + std::to_string(i);
    const std::int32_t part = choose_ok(p, "t", bytes_of(key), 12);
    p.on_append("t", part, 100);
    parts.push_back(part);
  }
  CHECK(changes_only_every(parts, 10));  // sticky runs, not hashing
  CHECK(distinct(parts) == 12);

  auto m = options(PartitionerKind::murmur2_random);
  m.ignore_keys = true;
  Partitioner q(m);
  CHECK(choose_ok(q, "t", bytes_of("kafka"), 12) == java_keyed_partition(bytes_of("kafka"), 12));
}

TEST_CASE("uniform_sticky ignores keys") {
  Partitioner p(options(PartitionerKind::uniform_sticky));
  std::vector<std::int32_t> parts;
  for (int i = 0; i < 3000; ++i) {
    const std::string key = "k" + std::to_string(i);
    const std::int32_t part = choose_ok(p, "t", i % 2 ? Key(bytes_of(key)) : kNull, 6);
    p.on_append("t", part, 100);
    parts.push_back(part);
  }
  CHECK(changes_only_every(parts, 10));
  CHECK(distinct(parts) == 6);
}

TEST_CASE("round_robin: each topic cycles through its partitions in order, keys ignored") {
  Partitioner p(options(PartitionerKind::round_robin));
  for (int i = 0; i < 10; ++i) {
    CHECK(choose_ok(p, "a", bytes_of("same key"), 4) == i % 4);
    if (i % 2 == 0) CHECK(choose_ok(p, "b", kNull, 3) == (i / 2) % 3);  // its own counter
  }
}

TEST_CASE("round_robin: cycles through the available partitions only, as Java does") {
  Partitioner p(options(PartitionerKind::round_robin));
  const std::vector<std::int32_t> available{0, 2, 5};
  std::vector<std::int32_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(choose_ok(p, "t", kNull, 6, available));
  CHECK(got == std::vector<std::int32_t>{0, 2, 5, 0, 2, 5});
  // One counter per topic, taken modulo the set of the moment: turn 6 of
  // {0, 2} is index 0.
  const std::vector<std::int32_t> fewer{0, 2};
  CHECK(choose_ok(p, "t", kNull, 6, fewer) == 0);
  CHECK(choose_ok(p, "t", kNull, 6, fewer) == 2);
  // None available: any partition, still in turn (turn 8 of 6).
  CHECK(choose_ok(p, "t", kNull, 6) == 2);
}

TEST_CASE("round_robin: appends and closed batches do not skip a partition") {
  Partitioner p(options(PartitionerKind::round_robin));
  for (int i = 0; i < 12; ++i) {
    const std::int32_t part = choose_ok(p, "t", kNull, 4);
    CHECK(part == i % 4);
    p.on_append("t", part, 5000, true);
    p.on_batch_closed("t", part);
  }
}

TEST_CASE("consistent: CRC-32 of the key, null and empty keys all go to partition 0") {
  Partitioner p(options(PartitionerKind::consistent));
  CHECK(choose_ok(p, "t", bytes_of("123456789"), 7) == 5);
  CHECK(choose_ok(p, "t", bytes_of("kafka"), 100) == consistent_partition(bytes_of("kafka"), 100));
  for (int i = 0; i < 50; ++i) {
    CHECK(choose_ok(p, "t", kNull, 7) == 0);
    CHECK(choose_ok(p, "t", bytes_of(""), 7) == 0);
  }
}

TEST_CASE("consistent_random: CRC-32 for keys, null and empty keys sticky") {
  Partitioner p(options(PartitionerKind::consistent_random));
  CHECK(choose_ok(p, "t", bytes_of("123456789"), 7) == 5);
  std::vector<std::int32_t> parts;
  for (int i = 0; i < 2000; ++i) {
    const std::int32_t part = choose_ok(p, "t", i % 2 ? kNull : Key(bytes_of("")), 7);
    p.on_append("t", part, 100);
    parts.push_back(part);
  }
  CHECK(changes_only_every(parts, 10));
  CHECK(distinct(parts) == 7);
}

TEST_CASE("murmur2: Java's hash for keys, a null key hashes as no bytes") {
  Partitioner p(options(PartitionerKind::murmur2));
  CHECK(choose_ok(p, "t", bytes_of("kafka"), 12) == java_keyed_partition(bytes_of("kafka"), 12));
  for (int i = 0; i < 20; ++i) CHECK(choose_ok(p, "t", kNull, 1000) == 0x106e08d9 % 1000);
}

TEST_CASE("murmur2_random: Java's hash for keys, including the empty key, null keys sticky") {
  Partitioner p(options(PartitionerKind::murmur2_random));
  CHECK(choose_ok(p, "t", bytes_of("kafka"), 12) == java_keyed_partition(bytes_of("kafka"), 12));
  CHECK(choose_ok(p, "t", bytes_of(""), 1000) == 0x106e08d9 % 1000);
  const auto parts = place_null(p, "t", 2000, 100, 12);
  CHECK(changes_only_every(parts, 10));
  CHECK(distinct(parts) == 12);
}

TEST_CASE("fnv1a and fnv1a_random: librdkafka's FNV-1a placement, null keys fixed or sticky") {
  Partitioner fixed(options(PartitionerKind::fnv1a));
  CHECK(choose_ok(fixed, "t", bytes_of("kafka"), 3) == fnv1a_partition(bytes_of("kafka"), 3));
  CHECK(choose_ok(fixed, "t", kNull, 1000) == static_cast<std::int32_t>(0x7ee3623bu % 1000u));
  Partitioner random(options(PartitionerKind::fnv1a_random));
  CHECK(choose_ok(random, "t", bytes_of("kafka"), 3) == fnv1a_partition(bytes_of("kafka"), 3));
  CHECK(choose_ok(random, "t", bytes_of(""), 1000) == static_cast<std::int32_t>(0x7ee3623bu % 1000u));
  const auto parts = place_null(random, "t", 2000, 100, 12);
  CHECK(changes_only_every(parts, 10));
  CHECK(distinct(parts) == 12);
}

TEST_CASE("random: each keyed record lands uniformly among the available, null keys sticky") {
  Partitioner p(options(PartitionerKind::random));
  const std::vector<std::int32_t> available{0, 1, 2, 3, 4, 6, 7};  // 5 has no leader
  std::vector<int> hits(8);
  constexpr int records = 70000;
  for (int i = 0; i < records; ++i) {
    const std::int32_t part = choose_ok(p, "t", bytes_of("always the same key"), 8, available);
    p.on_append("t", part, 100);
    ++hits[static_cast<std::size_t>(part)];
  }
  CHECK(hits[5] == 0);
  for (std::int32_t a : available) CHECK(std::abs(hits[static_cast<std::size_t>(a)] - records / 7) < 500);
  const auto parts = place_null(p, "u", 2000, 100, 8);
  CHECK(changes_only_every(parts, 10));
}

TEST_CASE("user: the function sees topic, key, count and available, and its partition is used") {
  auto o = options(PartitionerKind::user);
  std::vector<std::string> seen;
  o.user = [&](const UserPartitionerInput& in) {
    seen.push_back(std::string(in.topic) + "/" + (in.key ? std::to_string(in.key->size()) : "null") + "/" +
                   std::to_string(in.partition_count) + "/" + std::to_string(in.available.size()));
    return in.partition_count - 1;
  };
  Partitioner p(o);
  const std::vector<std::int32_t> available{1, 2};
  CHECK(choose_ok(p, "orders", bytes_of("abc"), 5, available) == 4);
  CHECK(choose_ok(p, "metrics", kNull, 3) == 2);
  CHECK(seen == std::vector<std::string>{"orders/3/5/2", "metrics/null/3/0"});
}

TEST_CASE("user: a partition out of range is an error value naming topic, value and count") {
  auto o = options(PartitionerKind::user);
  std::int32_t answer = 0;
  o.user = [&](const UserPartitionerInput&) { return answer; };
  Partitioner p(o);
  for (std::int32_t bad : {-1, 4, 1000}) {
    answer = bad;
    INFO("returned " << bad);
    auto r = p.choose("orders", bytes_of("k"), 4, kNone);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == PartitionErrc::user_partition_out_of_range);
    CHECK(r.error().topic == "orders");
    CHECK(r.error().partition == bad);
    CHECK(r.error().partition_count == 4);
    CHECK_THAT(r.error().message, Catch::Contains("'orders'") && Catch::Contains(std::to_string(bad)) &&
                                      Catch::Contains("4 partitions"));
  }
  answer = 3;
  CHECK(choose_ok(p, "orders", bytes_of("k"), 4) == 3);
}

TEST_CASE("user without a function, and a partition count of 0, are error values") {
  Partitioner p(options(PartitionerKind::user));
  auto r = p.choose("orders", kNull, 4, kNone);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == PartitionErrc::no_user_function);
  CHECK_THAT(r.error().message, Catch::Contains("'orders'") && Catch::Contains("PartitionerOptions::user"));

  Partitioner q(options(PartitionerKind::java_default));
  for (std::int32_t count : {0, -3}) {
    auto e = q.choose("t", kNull, count, kNone);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == PartitionErrc::invalid_partition_count);
    CHECK(e.error().partition_count == count);
    CHECK_THAT(e.error().message, Catch::Contains("'t'") && Catch::Contains(std::to_string(count) + " partitions"));
  }
}

TEST_CASE("sticky choices are per topic and reproducible from the seed") {
  auto sequence = [](std::uint64_t seed) {
    Partitioner p(options(PartitionerKind::uniform_sticky, seed));
    std::vector<std::int32_t> out;
    for (int i = 0; i < 200; ++i) {
      const std::int32_t a = choose_ok(p, "a", kNull, 100);
      p.on_append("a", a, 1000);  // a moves every record
      const std::int32_t b = choose_ok(p, "b", kNull, 100);
      p.on_append("b", b, 10);  // b moves every 100 records
      out.push_back(a);
      out.push_back(b);
    }
    return out;
  };
  const auto one = sequence(42);
  CHECK(one == sequence(42));
  CHECK(one != sequence(43));
  // b moved on once, after 100 appends of 10 bytes.
  std::vector<std::int32_t> b;
  for (std::size_t i = 1; i < one.size(); i += 2) b.push_back(one[i]);
  CHECK(changes_only_every(b, 100));
}

TEST_CASE("on_append and on_batch_closed for a topic never chosen are harmless") {
  Partitioner p(options(PartitionerKind::java_default));
  p.on_append("never", 0, 100000);
  p.on_batch_closed("never", 0);
  const auto parts = place_null(p, "never", 20, 100, 3);
  CHECK(changes_only_every(parts, 10));
}

TEST_CASE("copies and moves keep each partitioner's sticky state its own") {
  // The partitioner remembers the topic it looked up last; a copy or a
  // moved-to partitioner must use its own state, never the original's.
  Partitioner original(options(PartitionerKind::uniform_sticky, 7));
  const std::int32_t first = choose_ok(original, "topic-a", kNull, 1000);
  Partitioner copy(original);
  CHECK(choose_ok(copy, "topic-a", kNull, 1000) == first);
  copy.on_append("topic-a", first, 2000, true);  // moves the copy on, not the original
  CHECK(choose_ok(original, "topic-a", kNull, 1000) == first);
  Partitioner assigned(options(PartitionerKind::uniform_sticky, 9));
  choose_ok(assigned, "topic-b", kNull, 10);
  assigned = original;
  CHECK(choose_ok(assigned, "topic-a", kNull, 1000) == first);
  Partitioner moved(std::move(original));
  CHECK(choose_ok(moved, "topic-a", kNull, 1000) == first);
  // Alternating topics still find each topic's own state.
  const std::int32_t b = choose_ok(moved, "topic-b", kNull, 1000);
  CHECK(choose_ok(moved, "topic-a", kNull, 1000) == first);
  CHECK(choose_ok(moved, "topic-b", kNull, 1000) == b);
}
