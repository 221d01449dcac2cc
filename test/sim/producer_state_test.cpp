// ProducerStateTable: the broker's idempotence rules (producer_state.hpp
// lists where each comes from in Kafka's source), one by one.
#include "producer_state.hpp"

#include <catch2/catch.hpp>
#include <climits>

using namespace sluice::sim;
using sluice::protocol::kafka_errc;

namespace {

BatchIdentity batch(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int32_t records = 1) {
  return BatchIdentity{pid, epoch, seq, records - 1, std::int64_t{1000} + seq};
}

// Appends `b` at `offset` if the table allows it; returns the verdict.
StateCheck append(ProducerStateTable& t, const BatchIdentity& b, std::int64_t offset) {
  StateCheck c = t.check(b);
  if (c.error == kafka_errc::none && !c.duplicate) t.record(b, offset);
  return c;
}

}  // namespace

TEST_CASE("sequence arithmetic wraps at INT32_MAX to 0 and back") {
  CHECK(increment_sequence(5, 3) == 8);
  CHECK(increment_sequence(INT32_MAX, 1) == 0);
  CHECK(increment_sequence(INT32_MAX - 1, 3) == 1);
  CHECK(decrement_sequence(1, 3) == INT32_MAX - 1);
  CHECK(decrement_sequence(8, 3) == 5);
}

TEST_CASE("an unknown producer id is accepted at any sequence and then tracked") {
  ProducerStateTable t;
  CHECK(append(t, batch(7, 0, 42), 0).error == kafka_errc::none);
  REQUIRE(t.find(7) != nullptr);
  CHECK(t.find(7)->epoch == 0);
  CHECK(t.find(7)->last().last_seq == 42);
  CHECK(append(t, batch(7, 0, 43), 1).error == kafka_errc::none);
  CHECK(append(t, batch(7, 0, 45), 2).error == kafka_errc::out_of_order_sequence_number);
}

TEST_CASE("producer id -1 is never checked nor tracked") {
  ProducerStateTable t;
  CHECK(append(t, batch(-1, -1, -1), 0).error == kafka_errc::none);
  CHECK(append(t, batch(-1, -1, -1), 1).error == kafka_errc::none);
  CHECK(t.size() == 0);
}

TEST_CASE("a resend of one of the last five batches is a duplicate with its original offsets") {
  ProducerStateTable t;
  std::int64_t offset = 0;
  for (std::int32_t seq = 0; seq < 10; seq += 2) {  // five batches of two records
    REQUIRE(append(t, batch(1, 0, seq, 2), offset).error == kafka_errc::none);
    offset += 2;
  }
  for (std::int32_t i = 0; i < 5; ++i) {
    StateCheck c = t.check(batch(1, 0, 2 * i, 2));
    CHECK(c.error == kafka_errc::none);
    REQUIRE(c.duplicate);
    CHECK(c.duplicate->first_offset == 2 * i);
    CHECK(c.duplicate->last_offset == 2 * i + 1);
    CHECK(c.duplicate->max_timestamp == 1000 + 2 * i);
  }
  // Same first sequence, other last sequence: not that batch, and out of order.
  CHECK_FALSE(t.check(batch(1, 0, 4, 3)).duplicate);
  CHECK(t.check(batch(1, 0, 4, 3)).error == kafka_errc::out_of_order_sequence_number);
}

TEST_CASE("the sixth-oldest batch is forgotten: its resend is out of order") {
  ProducerStateTable t;
  for (std::int32_t seq = 0; seq < 6; ++seq) REQUIRE(append(t, batch(1, 0, seq), seq).error == kafka_errc::none);
  CHECK(t.check(batch(1, 0, 1)).duplicate);  // five retained: 1..5
  StateCheck oldest = t.check(batch(1, 0, 0));
  CHECK_FALSE(oldest.duplicate);
  CHECK(oldest.error == kafka_errc::out_of_order_sequence_number);
}

TEST_CASE("a gap or a step back in sequence at the same epoch is out of order") {
  ProducerStateTable t;
  REQUIRE(append(t, batch(1, 0, 0), 0).error == kafka_errc::none);
  REQUIRE(append(t, batch(1, 0, 1), 1).error == kafka_errc::none);
  CHECK(t.check(batch(1, 0, 3)).error == kafka_errc::out_of_order_sequence_number);
  CHECK(t.check(batch(1, 0, -5)).error == kafka_errc::out_of_order_sequence_number);
  CHECK(t.check(batch(1, 0, 2)).error == kafka_errc::none);
}

TEST_CASE("a higher epoch is accepted at sequence 0 only, and then restarts the state") {
  ProducerStateTable t;
  for (std::int32_t seq = 0; seq < 3; ++seq) REQUIRE(append(t, batch(1, 0, seq), seq).error == kafka_errc::none);
  CHECK(t.check(batch(1, 1, 5)).error == kafka_errc::out_of_order_sequence_number);
  CHECK(t.check(batch(1, 1, 3)).error == kafka_errc::out_of_order_sequence_number);
  REQUIRE(append(t, batch(1, 1, 0), 3).error == kafka_errc::none);
  CHECK(t.find(1)->epoch == 1);
  CHECK(t.find(1)->count == 1);
  // The old epoch's batches are gone: their resend is fenced, not a duplicate.
  StateCheck old = t.check(batch(1, 0, 2));
  CHECK_FALSE(old.duplicate);
  CHECK(old.error == kafka_errc::invalid_producer_epoch);
  CHECK(t.check(batch(1, 1, 1)).error == kafka_errc::none);
}

TEST_CASE("a lower epoch is refused, even at a sequence that would follow") {
  ProducerStateTable t;
  REQUIRE(append(t, batch(1, 3, 0), 0).error == kafka_errc::none);
  CHECK(t.check(batch(1, 2, 1)).error == kafka_errc::invalid_producer_epoch);
  CHECK(t.check(batch(1, 2, 0)).error == kafka_errc::invalid_producer_epoch);
}

TEST_CASE("sequences wrap: after INT32_MAX comes 0, and duplicates across the wrap are found") {
  ProducerStateTable t;
  REQUIRE(append(t, batch(1, 0, INT32_MAX - 1), 0).error == kafka_errc::none);  // unknown id: any sequence
  // A batch that spans the wrap: INT32_MAX, 0, 1.
  REQUIRE(append(t, batch(1, 0, INT32_MAX, 3), 1).error == kafka_errc::none);
  CHECK(t.find(1)->last().last_seq == 1);
  StateCheck dup = t.check(batch(1, 0, INT32_MAX, 3));
  REQUIRE(dup.duplicate);
  CHECK(dup.duplicate->first_offset == 1);
  CHECK(t.check(batch(1, 0, 2)).error == kafka_errc::none);
  CHECK(t.check(batch(1, 0, 0)).error == kafka_errc::out_of_order_sequence_number);

  ProducerStateTable u;
  REQUIRE(append(u, batch(2, 0, INT32_MAX), 0).error == kafka_errc::none);
  CHECK(u.check(batch(2, 0, 0)).error == kafka_errc::none);
  // INT32_MAX + 1 computed in 32 bits would be INT32_MIN: not a successor.
  CHECK(u.check(batch(2, 0, INT32_MIN)).error == kafka_errc::out_of_order_sequence_number);
}

TEST_CASE("producers are tracked separately") {
  ProducerStateTable t;
  REQUIRE(append(t, batch(1, 0, 0), 0).error == kafka_errc::none);
  REQUIRE(append(t, batch(2, 5, 100), 1).error == kafka_errc::none);
  CHECK(t.check(batch(1, 0, 1)).error == kafka_errc::none);
  CHECK(t.check(batch(2, 5, 101)).error == kafka_errc::none);
  CHECK(t.check(batch(2, 4, 101)).error == kafka_errc::invalid_producer_epoch);
  CHECK(t.size() == 2);
}
