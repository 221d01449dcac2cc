// RecordAccumulator on a fake clock: readiness by count, size and time each
// on its own, retries in creation order, expiry.
#include "record_accumulator.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace sluice::detail;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0{};  // the fake clock's epoch
const TopicPartition tp{"t", 0};

AccumulatorOptions options(std::size_t batch_size = 1 << 20, std::int32_t count = 1000,
                           std::chrono::milliseconds linger = 100ms) {
  AccumulatorOptions o;
  o.batch_size = batch_size;
  o.batch_num_messages = count;
  o.linger = linger;
  o.max_request_size = 1 << 20;
  o.delivery_timeout = 10s;
  return o;
}

ProducerBatch& add(RecordAccumulator& acc, Clock::time_point at, std::size_t value_size = 10,
                   const TopicPartition& where = tp, bool urgent = false) {
  const std::string value(value_size, 'v');
  return acc.append(where, 0, std::nullopt, sluice::protocol::as_bytes(value), {}, nullptr, value_size, at, urgent);
}

}  // namespace

TEST_CASE("a batch is ready by linger.ms alone") {
  RecordAccumulator acc(options());
  add(acc, t0);
  add(acc, t0 + 50ms);
  CHECK(acc.ready(t0 + 99ms, false).empty());
  CHECK(acc.next_wakeup(t0 + 99ms, false) == t0 + 100ms);  // linger runs from the first record
  CHECK(acc.ready(t0 + 100ms, false) == std::vector<TopicPartition>{tp});
}

TEST_CASE("a batch is ready by record count alone") {
  RecordAccumulator acc(options(1 << 20, 3));
  add(acc, t0);
  add(acc, t0);
  CHECK(acc.ready(t0, false).empty());
  add(acc, t0);
  CHECK(acc.ready(t0, false).size() == 1);
  CHECK(acc.head(tp)->record_count() == 3);
  add(acc, t0);  // the fourth opens a second batch
  CHECK(acc.queued_batches() == 2);
}

TEST_CASE("a batch is ready by size alone") {
  RecordAccumulator acc(options(500));
  add(acc, t0, 100);
  CHECK(acc.ready(t0, false).empty());
  for (int i = 0; i < 3; ++i) add(acc, t0, 100);
  CHECK(acc.ready(t0, false).empty());  // about 61 + 4 x 110 bytes: under 500
  add(acc, t0, 100);                     // would pass 500: a new batch, so the first is full
  CHECK(acc.queued_batches() == 2);
  CHECK(acc.ready(t0, false).size() == 1);
  CHECK(acc.head(tp)->builder.size_in_bytes() <= 500);
}

TEST_CASE("a record larger than batch.size gets a batch of its own") {
  RecordAccumulator acc(options(100));
  add(acc, t0, 1000);
  CHECK(acc.queued_batches() == 1);
  CHECK(acc.ready(t0, false).size() == 1);  // over batch.size: ready at once
}

TEST_CASE("flush and sync sends make a batch ready at once") {
  RecordAccumulator acc(options());
  add(acc, t0);
  CHECK(acc.ready(t0, false).empty());
  CHECK(acc.ready(t0, true).size() == 1);
  RecordAccumulator acc2(options());
  add(acc2, t0, 10, tp, /*urgent=*/true);
  CHECK(acc2.ready(t0, false).size() == 1);
}

TEST_CASE("drained batches count in flight and come back in creation order") {
  RecordAccumulator acc(options(1 << 20, 1));  // one record per batch
  for (int i = 0; i < 3; ++i) add(acc, t0);
  auto first = acc.take_head(tp);
  auto second = acc.take_head(tp);
  CHECK(acc.in_flight(tp) == 2);
  CHECK(first->order < second->order);
  // Both fail; the second comes back first, yet the first is sent first.
  acc.returned(tp);
  acc.returned(tp);
  second->attempts = 1;
  second->retry_at = t0 + 10ms;
  acc.reenqueue(std::move(second));
  first->attempts = 1;
  first->retry_at = t0 + 10ms;
  acc.reenqueue(std::move(first));
  CHECK(acc.in_flight(tp) == 0);
  CHECK(acc.head(tp)->order == 0);
  CHECK(acc.ready(t0 + 9ms, false).empty());  // retry backoff
  CHECK(acc.ready(t0 + 10ms, false).size() == 1);
  CHECK(acc.take_head(tp)->order == 0);
  CHECK(acc.take_head(tp)->order == 1);
  CHECK(acc.take_head(tp)->order == 2);
}

TEST_CASE("a batch taken for sending is sealed: later records open a new batch") {
  RecordAccumulator acc(options());
  add(acc, t0);
  auto sent = acc.take_head(tp);
  CHECK(sent->sealed);
  add(acc, t0);
  CHECK(acc.queued_batches() == 1);
  CHECK(acc.head(tp) != sent.get());
}

TEST_CASE("queued batches expire at delivery.timeout.ms, purge takes only unsent ones") {
  RecordAccumulator acc(options(1 << 20, 1));
  add(acc, t0);
  add(acc, t0 + 1s);
  CHECK(acc.expire(t0 + 10s - 1ms).empty());
  auto expired = acc.expire(t0 + 10s);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0]->created == t0);
  auto retried = acc.take_head(tp);
  retried->attempts = 1;
  acc.returned(tp);
  acc.reenqueue(std::move(retried));
  add(acc, t0 + 2s);
  CHECK(acc.take_unsent().size() == 1);  // the retry may be in the log: kept
  CHECK(acc.queued_batches() == 1);
  CHECK(acc.take_all().size() == 1);
  CHECK(acc.empty());
}

TEST_CASE("partitions are independent") {
  RecordAccumulator acc(options(1 << 20, 2));
  const TopicPartition other{"t", 1};
  add(acc, t0, 10, tp);
  add(acc, t0, 10, other);
  add(acc, t0, 10, other);
  CHECK(acc.ready(t0, false) == std::vector<TopicPartition>{other});
  CHECK(acc.idle(TopicPartition{"t", 2}));
  CHECK_FALSE(acc.idle(tp));
}
