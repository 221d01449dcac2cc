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
  const auto first_order = acc.head(tp)->order;
  CHECK(acc.ready(t0 + 9ms, false).empty());  // retry backoff
  CHECK(acc.ready(t0 + 10ms, false).size() == 1);
  auto a = acc.take_head(tp), b = acc.take_head(tp), c = acc.take_head(tp);
  CHECK(a->order == first_order);
  CHECK(a->order < b->order);
  CHECK(b->order < c->order);
  CHECK(c->attempts == 0);  // the never-sent batch stays behind both retries
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

TEST_CASE("split halves requeue in record order, also when split again") {
  // A batch [a..e] is split into [a,b] and [c,d,e]; [a,b] is split again
  // into [a] and [b]: the queue must read a, b, c-e, then newer batches.
  RecordAccumulator acc(options(1 << 20, 5));
  for (int i = 0; i < 5; ++i) add(acc, t0);
  add(acc, t0);  // a newer batch behind it
  auto whole = acc.take_head(tp);
  acc.returned(tp);
  auto half = [&](const ProducerBatch& from, int part) {
    auto b = std::make_unique<ProducerBatch>();
    b->tp = tp;
    b->attempts = 1;
    b->order_span = from.order_span / 2;
    b->order = from.order + (part == 0 ? 0 : b->order_span);
    return b;
  };
  auto ab = half(*whole, 0), cde = half(*whole, 1);
  const auto ab_order = ab->order, cde_order = cde->order;
  acc.reenqueue(std::move(ab));
  acc.reenqueue(std::move(cde));
  auto taken_ab = acc.take_head(tp);
  REQUIRE(taken_ab->order == ab_order);
  acc.returned(tp);
  auto a = half(*taken_ab, 0), b = half(*taken_ab, 1);
  const auto a_order = a->order, b_order = b->order;
  acc.reenqueue(std::move(b));  // the order they come back in must not matter
  acc.reenqueue(std::move(a));
  CHECK(acc.take_head(tp)->order == a_order);
  CHECK(acc.take_head(tp)->order == b_order);
  CHECK(acc.take_head(tp)->order == cde_order);
  CHECK(acc.take_head(tp)->order > cde_order);  // the newer batch last
}

TEST_CASE("a lane appends to its partition like append by name") {
  RecordAccumulator acc(options(1 << 20, 2));
  RecordAccumulator::Lane& lane = acc.lane(tp);
  CHECK(&acc.lane(tp) == &lane);  // the same lane every time
  const std::string value = "v";
  for (int i = 0; i < 3; ++i) {
    acc.append(lane, 0, std::nullopt, sluice::protocol::as_bytes(value), {}, nullptr, 1, t0, false, 0);
  }
  add(acc, t0);  // by name: the same queue
  CHECK(acc.queued_batches() == 2);
  CHECK(acc.head(tp)->record_count() == 2);
  CHECK(acc.head(tp)->tp == tp);
}

TEST_CASE("a recycled batch's buffers serve a later batch, which starts empty") {
  RecordAccumulator acc(options(1 << 20, 2));
  add(acc, t0, 1000);
  add(acc, t0, 1000);
  auto first = acc.take_head(tp);
  REQUIRE_FALSE(first->builder.finish(sluice::protocol::Compression::none));
  acc.returned(tp);
  acc.recycle(*first);
  CHECK(first->builder.empty());
  ProducerBatch& next = add(acc, t0, 10);
  CHECK(next.record_count() == 1);
  CHECK(next.callbacks.size() == 1);
  CHECK(next.builder.size_in_bytes() < 100);  // nothing of the old batch's records
  CHECK(next.order > first->order);
}

TEST_CASE("a partition's next batch reserves what its last batch became, so it never regrows") {
  const std::size_t batch_size = 16384;
  RecordAccumulator acc(options(batch_size, 1000));
  // The first batch starts small and grows to about batch.size.
  while (acc.queued_batches() < 2) add(acc, t0, 100);
  const std::size_t first_bytes = acc.head(tp)->builder.size_in_bytes();
  const std::int32_t first_records = acc.head(tp)->record_count();
  CHECK(first_bytes > batch_size - 200);
  // The second (open, one record) already has room for as much as the first.
  auto first = acc.take_head(tp);
  ProducerBatch& second = *acc.head(tp);
  CHECK(second.record_count() == 1);
  CHECK(second.builder.capacity() >= first_bytes);
  CHECK(second.callbacks.capacity() >= static_cast<std::size_t>(first_records));
  // Filling it up to the same size keeps its buffer where it is.
  const std::uint8_t* where = second.builder.bytes().data();
  while (second.record_count() < first_records) add(acc, t0, 100);
  CHECK(second.builder.bytes().data() == where);
  // A quiet partition's first batch does not reserve batch.size.
  ProducerBatch& other = add(acc, t0, 10, TopicPartition{"t", 1});
  CHECK(other.builder.capacity() < 1024);
}

TEST_CASE("take_head_within takes the head batch only if it fits the bytes left in a request") {
  RecordAccumulator acc(options());
  add(acc, t0, 100);
  const std::size_t size = acc.head_bytes(tp);
  CHECK(acc.take_head_within(tp, size - 1) == nullptr);  // left queued, nothing in flight
  CHECK(acc.in_flight(tp) == 0);
  CHECK(acc.queued_batches() == 1);
  auto b = acc.take_head_within(tp, size);
  REQUIRE(b);
  CHECK(b->sealed);
  CHECK(acc.in_flight(tp) == 1);
  CHECK(acc.take_head_within(TopicPartition{"t", 0}, SIZE_MAX) == nullptr);  // none queued
}
