// PartitionChooser: the built-in partitioner or the user's function, its
// failures as values naming the topic and the count, and calls from many
// threads one at a time.
#include "partition_chooser.hpp"

#include <catch2/catch.hpp>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "sluice/errors.hpp"
#include "sluice/partitioner/murmur2.hpp"

using namespace sluice::detail;
using sluice::protocol::as_bytes;

TEST_CASE("without a user function, keyed records go where Java's partitioner puts them") {
  PartitionChooser chooser(sluice::partitioner::PartitionerOptions{}, nullptr);
  const std::vector<std::int32_t> available{0, 1, 2, 3, 4, 5, 6};
  for (const std::string key : {"a", "order-17", "zz"}) {
    const auto c = chooser.choose("t", as_bytes(key), 7, available);
    REQUIRE(c.ok());
    CHECK(c.partition == sluice::partitioner::java_keyed_partition(as_bytes(key), 7));
  }
  const auto bad = chooser.choose("t", std::nullopt, 0, {});
  CHECK(bad.error == sluice::errc::partitioner_failed);
}

TEST_CASE("a user function gets the key as a string, and a bad answer or an exception is a named failure") {
  std::vector<std::string> keys;
  PartitionChooser chooser(sluice::partitioner::PartitionerOptions{}, [&keys](const sluice::PartitionRequest& r) {
    keys.push_back(r.key.value_or("<null>"));
    if (r.key == "throw") throw std::runtime_error("boom");
    if (r.key == "far") return r.partition_count;
    return r.partition_count - 1;
  });
  CHECK(chooser.choose("orders", as_bytes(std::string("k")), 4, {}).partition == 3);
  CHECK(chooser.choose("orders", std::nullopt, 4, {}).partition == 3);
  const auto far = chooser.choose("orders", as_bytes(std::string("far")), 4, {});
  CHECK(far.error == sluice::errc::partitioner_failed);
  CHECK_THAT(far.message, Catch::Contains("'orders'") && Catch::Contains("returned 4") && Catch::Contains("0..3"));
  const auto threw = chooser.choose("orders", as_bytes(std::string("throw")), 4, {});
  CHECK_THAT(threw.message, Catch::Contains("threw: boom"));
  CHECK(keys == std::vector<std::string>{"k", "<null>", "far", "throw"});
}

// A fresh sticky pick among 8 partitions differs from the last one 7 times
// in 8: over 200 rounds, more than 100 changes means the partition moved on
// every round; none means it never did.
constexpr int kRounds = 200;

sluice::partitioner::PartitionerOptions sticky_at_100_bytes() {
  sluice::partitioner::PartitionerOptions options;
  options.sticky_batch_bytes = 100;
  return options;
}

// Runs kRounds rounds of `round` (which places a round's records on one
// partition and returns it) and counts the rounds that began elsewhere.
template <class Round>
int rounds_that_moved(Round&& round) {
  int changes = 0;
  std::int32_t last = -1;
  for (int i = 0; i < kRounds; ++i) {
    const auto [first, final] = round();
    if (last >= 0 && first != last) ++changes;
    last = final;
  }
  return changes;
}

const std::vector<std::int32_t> kEight{0, 1, 2, 3, 4, 5, 6, 7};

TEST_CASE("choose_and_count counts the record's bytes: the partition holds below twice the batch bytes, then moves on") {
  PartitionChooser chooser(sticky_at_100_bytes(), nullptr);
  const int changes = rounds_that_moved([&] {
    const auto a = chooser.choose_and_count("t", std::nullopt, 8, kEight, 120);
    const auto b = chooser.choose_and_count("t", std::nullopt, 8, kEight, 120);  // 240 counted after it
    REQUIRE((a.ok() && b.ok()));
    CHECK(b.partition == a.partition);  // 120 counted: over the batch bytes, under twice
    return std::pair{a.partition, b.partition};
  });
  CHECK(changes > kRounds / 2);
}

TEST_CASE("after choose_and_count, a closed batch moves the partition on once the batch bytes were counted") {
  PartitionChooser chooser(sticky_at_100_bytes(), nullptr);
  const int changes = rounds_that_moved([&] {
    const auto a = chooser.choose_and_count("t", std::nullopt, 8, kEight, 60);
    REQUIRE(a.ok());
    chooser.on_batch_closed("t", a.partition);  // 60 counted: below the batch bytes, it holds
    const auto b = chooser.choose_and_count("t", std::nullopt, 8, kEight, 60);
    REQUIRE(b.ok());
    CHECK(b.partition == a.partition);
    chooser.on_batch_closed("t", b.partition);  // 120 counted: moves on
    return std::pair{a.partition, b.partition};
  });
  CHECK(changes > kRounds / 2);
}

TEST_CASE("a user function is called one call at a time from many threads") {
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  PartitionChooser chooser(sluice::partitioner::PartitionerOptions{}, [&](const sluice::PartitionRequest& r) {
    if (inside.fetch_add(1) != 0) overlapped = true;
    std::this_thread::yield();
    inside.fetch_sub(1);
    return static_cast<std::int32_t>(r.key->size() % 3);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) chooser.choose("t", as_bytes(std::string(i % 5, 'k')), 3, {});
    });
  }
  for (auto& t : threads) t.join();
  CHECK_FALSE(overlapped.load());
}
