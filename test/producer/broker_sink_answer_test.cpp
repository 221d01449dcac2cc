// BrokerSink on a fake clock, the answers that concern the idempotent
// producer and the request as a whole: UNKNOWN_PRODUCER_ID,
// OUT_OF_ORDER_SEQUENCE_NUMBER, DUPLICATE_SEQUENCE_NUMBER, partial and
// undecodable answers, topic ids, throttling, closing. The rig is
// broker_sink_rig.hpp; the first half is broker_sink_test.cpp.
#include "broker_sink_rig.hpp"

using namespace sink_rig;

TEST_CASE("UNKNOWN_PRODUCER_ID: the epoch is bumped and the batch restamped at sequence 0") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  REQUIRE(answered(rig, *req, answer({part(0, kafka_errc::none, 10)}), t0).ended.size() == 1);
  rig.add(tp0, 2);
  req = rig.build({tp0}, t0);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 0, 1});

  const auto out = answered(rig, *req, answer({part(0, kafka_errc::unknown_producer_id)}), t0 + 1ms);
  CHECK(out.ended.empty());
  CHECK(rig.idempotence.epoch_bumps() == 1);
  CHECK(rig.idempotence.producer_epoch() == 1);
  ProducerBatch* queued = rig.accumulator.head(tp0);
  REQUIRE(queued != nullptr);
  CHECK(queued->retry_at == t0 + 1ms + 100ms);

  req = rig.build({tp0}, t0 + 101ms);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 1, 0});
  CHECK(rig.idempotence.next_sequence(tp0) == 2);
}

TEST_CASE("OUT_OF_ORDER_SEQUENCE_NUMBER for the sequence the broker expects next: the epoch is bumped") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  answered(rig, *req, answer({part(0, kafka_errc::none, 10)}), t0);
  rig.add(tp0, 3);
  req = rig.build({tp0}, t0);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 0, 1});

  const auto out = answered(rig, *req, answer({part(0, kafka_errc::out_of_order_sequence_number)}), t0);
  CHECK(out.ended.empty());  // not retriable for the broker, but the producer repairs it
  CHECK(rig.idempotence.epoch_bumps() == 1);
  req = rig.build({tp0}, t0 + 100ms);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 1, 0});
}

TEST_CASE("OUT_OF_ORDER_SEQUENCE_NUMBER for a later batch is an echo: retried under its stamp, no bump") {
  Rig rig;
  rig.add(tp0, 1);
  auto first = rig.build({tp0}, t0);
  rig.add(tp0, 1);
  auto second = rig.build({tp0}, t0);  // sequence 1, pipelined
  CHECK(wire_stamp(*second->batches[0]) == Stamp{kPid, 0, 1});
  const auto out = answered(rig, *second, answer({part(0, kafka_errc::out_of_order_sequence_number)}), t0);
  CHECK(out.ended.empty());
  CHECK(rig.idempotence.epoch_bumps() == 0);
  REQUIRE(rig.accumulator.head(tp0) != nullptr);
  CHECK(rig.accumulator.head(tp0)->base_sequence == 1);
  CHECK(rig.accumulator.in_flight(tp0) == 1);  // the first is still out
}

TEST_CASE("OUT_OF_ORDER_SEQUENCE_NUMBER while a later batch may be in the log: the batch fails, no bump") {
  Rig rig;
  rig.add(tp0, 1);
  auto first = rig.build({tp0}, t0);  // sequence 0
  rig.add(tp0, 2);
  auto second = rig.build({tp0}, t0);  // sequences 1-2
  // The second request was written and its answer lost: it may be in the log.
  failed(rig, *second, sluice::net::net_errc::request_timeout, true, t0 + 30s);
  REQUIRE(rig.accumulator.head(tp0) != nullptr);
  CHECK(rig.accumulator.head(tp0)->maybe_sent);

  // A broker without state for this producer took the second batch as its
  // first: the first is out of order. Bumping would resend the second under
  // a new epoch (a second copy), so the first fails instead.
  const auto out =
      answered(rig, *first, answer({part(0, kafka_errc::out_of_order_sequence_number)}), t0 + 30s + 1ms);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].batch->base_sequence == 0);
  CHECK(out.ended[0].error == kafka(kafka_errc::out_of_order_sequence_number));
  CHECK_FALSE(out.ended[0].outcome_unknown);
  CHECK(contains(out.ended[0].message, "may already be in the log"));
  CHECK(rig.idempotence.epoch_bumps() == 0);

  // The second is resent under its old stamp, for the broker to recognise.
  auto again = rig.build({tp0}, t0 + 30s + 100ms);
  CHECK(wire_stamp(*again->batches[0]) == Stamp{kPid, 0, 1});
}

TEST_CASE("DUPLICATE_SEQUENCE_NUMBER means the broker has the batch: acknowledged (offset unknown)") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::duplicate_sequence_number, 77)}), t0);
  REQUIRE(out.ended.size() == 1);
  CHECK_FALSE(out.ended[0].error);
  CHECK(out.ended[0].base_offset == -1);
  CHECK_FALSE(out.ended[0].outcome_unknown);
  CHECK(rig.accumulator.empty());
  CHECK(rig.idempotence.epoch_bumps() == 0);

  // It counts as acknowledged: the broker now expects sequence 1, so an
  // OUT_OF_ORDER for the batch at 1 is a real gap (a bump).
  rig.add(tp0, 1);
  req = rig.build({tp0}, t0);
  CHECK(req->batches[0]->base_sequence == 1);
  answered(rig, *req, answer({part(0, kafka_errc::out_of_order_sequence_number)}), t0);
  CHECK(rig.idempotence.epoch_bumps() == 1);
}

TEST_CASE("DUPLICATE_SEQUENCE_NUMBER without idempotence is an error") {
  Rig rig(sink_options(-1, false), false);
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::duplicate_sequence_number)}), t0);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].error == kafka(kafka_errc::duplicate_sequence_number));
}

// --- broken answers ---

TEST_CASE("a batch missing from the answer is retried as a protocol error, maybe sent") {
  Rig rig;
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::none, 5)}), t0);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].batch->tp == tp0);
  CHECK(out.ended[0].base_offset == 5);
  CHECK(out.refresh_metadata);
  ProducerBatch* queued = rig.accumulator.head(tp1);
  REQUIRE(queued != nullptr);
  CHECK(queued->maybe_sent);
  CHECK(queued->retry_at == t0 + 100ms);
  CHECK(rig.accumulator.in_flight(tp1) == 0);
}

TEST_CASE("a batch missing from the answer, no retries left: protocol_error, outcome unknown, named") {
  SinkOptions o = sink_options();
  o.retry.retries = 0;
  Rig rig(o);
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  const auto out = answered(rig, *req, answer({part(1, kafka_errc::none, 5)}), t0);
  REQUIRE(out.ended.size() == 2);
  const BatchEnd& missing = out.ended[0].batch->tp == tp0 ? out.ended[0] : out.ended[1];
  CHECK(missing.error == sluice::net::net_errc::protocol_error);
  CHECK(missing.outcome_unknown);
  CHECK(contains(missing.message, "broker 1 did not answer for t-0"));
}

TEST_CASE("an undecodable answer: every batch is retried, maybe sent") {
  Rig rig;
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  const sluice::protocol::Bytes garbage{0xde, 0xad};
  const auto out = answered(rig, *req, garbage, t0);
  CHECK(out.ended.empty());
  CHECK(out.refresh_metadata);
  for (const auto& tp : {tp0, tp1}) {
    ProducerBatch* queued = rig.accumulator.head(tp);
    REQUIRE(queued != nullptr);
    CHECK(queued->maybe_sent);
    CHECK(queued->attempts == 1);
    CHECK(queued->retry_at == t0 + 100ms);
  }
  CHECK(rig.sink.throttled_until() == Clock::time_point{});
  CHECK(rig.sink.traffic().rx_errs == 1);  // statistics: the broker's rxerrs
}

TEST_CASE("an undecodable answer, no retries left: the report says so") {
  SinkOptions o = sink_options();
  o.retry.retries = 0;
  Rig rig(o);
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  const sluice::protocol::Bytes garbage{0xde, 0xad};
  const auto out = answered(rig, *req, garbage, t0);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].error == sluice::net::net_errc::protocol_error);
  CHECK(out.ended[0].outcome_unknown);
  CHECK(contains(out.ended[0].message, "undecodable Produce response"));
}

TEST_CASE("v13 answers are matched by topic id, not by name") {
  SinkOptions o = sink_options();
  o.retry.retries = 0;
  Rig rig(o);
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0, 13);
  REQUIRE(req->request.topics.size() == 1);
  CHECK(req->request.topics[0].topic_id == uuid(1));

  SECTION("an answer for another topic id leaves the batch unanswered") {
    const auto out = answered(rig, *req, answer({part(0, kafka_errc::none, 9)}, uuid(2)), t0);
    REQUIRE(out.ended.size() == 1);
    CHECK(out.ended[0].error == sluice::net::net_errc::protocol_error);
    CHECK(contains(out.ended[0].message, "did not answer for t-0"));
  }
  SECTION("the id it was sent under matches, though the cache moved on to a recreated topic") {
    REQUIRE(rig.metadata.update(topic_t(2, 2)).empty());
    const auto out = answered(rig, *req, answer({part(0, kafka_errc::none, 9)}, uuid(1)), t0);
    REQUIRE(out.ended.size() == 1);
    CHECK_FALSE(out.ended[0].error);
    CHECK(out.ended[0].base_offset == 9);
  }
}

TEST_CASE("before v13 answers are matched by name") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0, 12);
  auto m = answer({part(0, kafka_errc::none, 9)});
  m.topics[0].name = "other";
  m.topics.push_back(answer({part(0, kafka_errc::none, 11)}).topics[0]);
  const auto out = answered(rig, *req, m, t0);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].base_offset == 11);
}

// --- throttling, closing ---

TEST_CASE("throttle_time_ms in an answer holds the broker off until then") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  CHECK_FALSE(rig.sink.throttled(t0));
  auto m = answer({part(0, kafka_errc::none, 1)});
  m.throttle_time_ms = 250;
  const auto now = t0 + 10ms;
  answered(rig, *req, m, now);
  CHECK(rig.sink.throttled_until() == now + 250ms);
  CHECK(rig.sink.throttled(now + 249ms));
  CHECK_FALSE(rig.sink.throttled(now + 250ms));
  // A shorter throttle later does not cut the longer one short.
  rig.sink.throttle(10, now + 1ms);
  CHECK(rig.sink.throttled_until() == now + 250ms);
  rig.sink.throttle(0, now + 300ms);
  CHECK_FALSE(rig.sink.throttled(now + 300ms));
}

TEST_CASE("closing: a retriable error ends the batch with closed instead of a retry") {
  Rig rig;
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  SECTION("a broker's retriable error") {
    const auto out = answered(rig, *req,
                              answer({part(0, kafka_errc::not_leader_or_follower),
                                      part(1, kafka_errc::leader_not_available)}),
                              t0, true);
    REQUIRE(out.ended.size() == 2);
    for (const auto& e : out.ended) {
      CHECK(e.error == sluice::errc::closed);
      CHECK(contains(e.message, "(producer closed)"));
    }
    CHECK(out.ended[0].outcome_unknown);        // NOT_LEADER_OR_FOLLOWER with acks=all
    CHECK_FALSE(out.ended[1].outcome_unknown);  // LEADER_NOT_AVAILABLE: not appended
  }
  SECTION("a transport error") {
    const auto out = failed(rig, *req, sluice::net::net_errc::shutting_down, true, t0, true);
    REQUIRE(out.ended.size() == 2);
    for (const auto& e : out.ended) {
      CHECK(e.error == sluice::errc::closed);
      CHECK(e.outcome_unknown);
    }
  }
  CHECK(rig.accumulator.empty());
  CHECK(rig.accumulator.in_flight(tp0) == 0);
  CHECK(rig.idempotence.epoch_bumps() == 0);
}

TEST_CASE("closing: MESSAGE_TOO_LARGE ends the batch with closed instead of splitting it") {
  Rig rig;
  rig.add(tp0, 4);
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::message_too_large)}), t0, true);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].error == sluice::errc::closed);
  CHECK(out.ended[0].batch->callbacks.size() == 4);
  CHECK_FALSE(out.ended[0].outcome_unknown);  // refused whole, never written
  CHECK(rig.accumulator.empty());
}
