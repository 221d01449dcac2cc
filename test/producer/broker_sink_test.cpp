// BrokerSink on a fake clock: what goes into a Produce request, and what an
// answer (or a transport error) makes of each batch: acknowledged, retried
// after a backoff, split, failed; leader hints, metadata refresh, KIP-219
// throttling, and the idempotent producer's stamps and epoch bumps. No
// sockets, no threads: answers are bodies written by test/fuzz's writers.
#include "broker_sink_rig.hpp"

#include <utility>

using namespace sink_rig;

// --- build ---

TEST_CASE("build takes each ready partition's head batch, stamps it and counts it in flight") {
  Rig rig;
  rig.add(tp0, 3);
  rig.add(tp1, 2);
  auto req = rig.build({tp0, tp1}, t0);
  CHECK(req->node_id == 1);
  CHECK(req->sent_at == t0);
  CHECK(req->request.acks == -1);
  REQUIRE(req->request.topics.size() == 1);  // one entry per topic
  CHECK(req->request.topics[0].name == "t");
  CHECK(req->request.topics[0].topic_id == uuid(1));
  REQUIRE(req->request.topics[0].partitions.size() == 2);
  CHECK(req->request.topics[0].partitions[1].index == 1);
  REQUIRE(req->batches.size() == 2);
  CHECK(req->topic_ids == std::vector{uuid(1), uuid(1)});
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 0, 0});
  CHECK(wire_stamp(*req->batches[1]) == Stamp{kPid, 0, 0});  // sequences count per partition
  CHECK(req->batches[0]->attempts == 1);
  CHECK(rig.accumulator.in_flight(tp0) == 1);
  CHECK(rig.accumulator.head(tp0) == nullptr);
  CHECK(rig.idempotence.next_sequence(tp0) == 3);
  CHECK(rig.stats.records_sent == 5);
  CHECK(rig.stats.batches_sent == 2);
  CHECK(rig.stats.requests_sent == 1);
}

TEST_CASE("build stops at max.request.size but always takes the first batch") {
  SinkOptions o = sink_options();
  o.max_request_size = kRequestOverhead + 1;  // less than any batch
  Rig rig(o);
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  REQUIRE(req->batches.size() == 1);
  CHECK(req->batches[0]->tp == tp0);
  CHECK(rig.accumulator.head(tp1) != nullptr);  // stays queued for the next request
  CHECK(rig.accumulator.in_flight(tp1) == 0);
  SinkActions out;
  CHECK(rig.sink.build({}, kFlexVersion, t0, out) == nullptr);
}

// --- acknowledgements ---

TEST_CASE("an acknowledged batch ends with its base offset") {
  Rig rig;
  rig.add(tp0, 2);
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::none, 500)}), t0 + 3ms);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].base_offset == 500);
  CHECK_FALSE(out.ended[0].error);
  CHECK_FALSE(out.ended[0].outcome_unknown);
  CHECK(out.leader_hints.empty());
  CHECK_FALSE(out.refresh_metadata);
  CHECK(rig.accumulator.in_flight(tp0) == 0);
  CHECK(rig.stats.request_latency_us_sum == 3000);
  // Statistics (librdkafka's schema): this broker's traffic, the partition's and topic's counts.
  const BrokerTraffic& t = rig.sink.traffic();
  // (tx and rx are the connection's: net::WireTraffic, all request kinds.)
  CHECK((t.tx == 0 && t.rx == 0 && t.tx_retries == 0 && t.waitresp_msg_cnt == 0));
  CHECK((t.rtt.count() == 1 && t.rtt.max() == 3000 && t.throttle.count() == 1));
  const PartitionTraffic& p = rig.stats.partitions.at(tp0);
  CHECK((p.txmsgs == 2 && p.acked_msgid == 2 && p.msgs_inflight == 0 && p.next_ack_seq == 2));
  CHECK(rig.stats.topics.at("t").batchcnt.max() == 2);
}

TEST_CASE("acks=0: every batch ends acknowledged with offset -1, no answer read") {
  Rig rig(sink_options(0, false), false);
  rig.add(tp0, 1);
  rig.add(tp1, 2);
  auto req = rig.build({tp0, tp1}, t0);
  CHECK(req->request.acks == 0);
  CHECK_FALSE(req->batches[0]->has_sequence());  // idempotence off
  SinkActions out;
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{}, t0, [] { return 1.0; }, false, out);
  REQUIRE(out.ended.size() == 2);
  for (const auto& e : out.ended) {
    CHECK(e.base_offset == -1);
    CHECK_FALSE(e.error);
    CHECK_FALSE(e.outcome_unknown);
  }
  CHECK(out.ended[0].batch->tp == tp0);
  CHECK(out.ended[1].batch->tp == tp1);
  CHECK(rig.accumulator.empty());
  CHECK(rig.accumulator.in_flight(tp0) == 0);
  CHECK(rig.accumulator.in_flight(tp1) == 0);
}

// --- retries ---

TEST_CASE("NOT_LEADER_OR_FOLLOWER with a current leader: retried after the backoff, hint for the sent topic id") {
  Rig rig;
  rig.add(tp0, 2);
  auto req = rig.build({tp0}, t0);
  const Stamp first = wire_stamp(*req->batches[0]);
  CHECK(first == Stamp{kPid, 0, 0});
  // The topic is deleted and created again (id 2) while the request is out:
  // the hint still belongs to the topic the batch was sent under.
  REQUIRE(rig.metadata.update(topic_t(2, 2)).empty());

  auto m = answer({part(0, kafka_errc::not_leader_or_follower)});
  m.topics[0].partitions[0].current_leader = ProduceResponse::LeaderIdAndEpoch{2, 7};
  m.node_endpoints = {{2, "b2-new", 9094, std::nullopt}};
  const auto now = t0 + 5ms;
  const auto out = answered(rig, *req, m, now);

  CHECK(out.ended.empty());
  CHECK(out.refresh_metadata);
  REQUIRE(out.leader_hints.size() == 1);
  const LeaderHint& hint = out.leader_hints[0];
  CHECK(hint.topic == "t");
  CHECK(hint.partition == 0);
  CHECK(hint.leader_id == 2);
  CHECK(hint.leader_epoch == 7);
  CHECK(hint.topic_id == uuid(1));
  REQUIRE(hint.endpoints.size() == 1);
  CHECK(hint.endpoints[0].host == "b2-new");
  CHECK(hint.endpoints[0].port == 9094);

  ProducerBatch* queued = rig.accumulator.head(tp0);
  REQUIRE(queued != nullptr);
  CHECK(queued->retry_at == now + 100ms);  // retry.backoff.ms, jitter 1.0
  CHECK(queued->attempts == 1);
  CHECK(queued->maybe_sent);  // acks=all: the old leader may have appended it
  CHECK(rig.accumulator.in_flight(tp0) == 0);
  CHECK(rig.idempotence.epoch_bumps() == 0);
  CHECK(rig.accumulator.ready(now + 99ms, false).empty());
  CHECK(rig.accumulator.ready(now + 100ms, false) == std::vector{tp0});

  // The resend carries the same stamp: the broker recognises a duplicate.
  auto again = rig.build({tp0}, now + 100ms);
  REQUIRE(again->batches.size() == 1);
  CHECK(again->batches[0]->attempts == 2);
  CHECK(wire_stamp(*again->batches[0]) == first);
  CHECK(rig.idempotence.next_sequence(tp0) == 2);
  CHECK(rig.stats.records_retried == 2);
}

TEST_CASE("the retry backoff doubles per attempt and is spread by the jitter") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  SinkActions out;
  const auto body = sluice::fuzz::write_produce_response(answer({part(0, kafka_errc::not_leader_or_follower)}),
                                                         kFlexVersion);
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{{}, body, false}, t0, [] { return 1.2; }, false, out);
  CHECK(rig.accumulator.head(tp0)->retry_at == t0 + 120ms);
  req = rig.build({tp0}, t0 + 120ms);
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{{}, body, false}, t0 + 120ms, [] { return 0.8; }, false, out);
  CHECK(rig.accumulator.head(tp0)->retry_at == t0 + 120ms + 160ms);  // 200 ms * 0.8
}

TEST_CASE("each batch of a failed request draws its own jitter, so they do not retry in step") {
  Rig rig;
  rig.add(tp0, 1);
  rig.add(tp1, 1);
  auto req = rig.build({tp0, tp1}, t0);
  SinkActions out;
  const auto body = sluice::fuzz::write_produce_response(
      answer({part(0, kafka_errc::not_leader_or_follower), part(1, kafka_errc::not_leader_or_follower)}), kFlexVersion);
  double next = 0.8;
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{{}, body, false}, t0,
                     [&next] { return std::exchange(next, next + 0.4); }, false, out);
  CHECK(rig.accumulator.head(tp0)->retry_at == t0 + 80ms);   // 100 ms * 0.8
  CHECK(rig.accumulator.head(tp1)->retry_at == t0 + 120ms);  // 100 ms * 1.2
}

TEST_CASE("a transport error after the request was written: retried, and the batch stays maybe-sent") {
  SinkOptions o = sink_options();
  o.retry.retries = 1;
  Rig rig(o);
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  const auto out = failed(rig, *req, sluice::net::net_errc::request_timeout, true, t0 + 30s);
  CHECK(out.ended.empty());
  CHECK(out.refresh_metadata);
  ProducerBatch* queued = rig.accumulator.head(tp0);
  REQUIRE(queued != nullptr);
  CHECK(queued->maybe_sent);
  CHECK(queued->retry_at == t0 + 30s + 100ms);

  // The second attempt surely did not reach the broker (not written), but
  // the first may have: the failure (retries used up) says the outcome is
  // unknown.
  req = rig.build({tp0}, t0 + 30s + 100ms);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 0, 0});
  const auto last = failed(rig, *req, sluice::net::net_errc::connection_closed, false, t0 + 31s);
  REQUIRE(last.ended.size() == 1);
  CHECK(last.ended[0].error == sluice::net::net_errc::connection_closed);
  CHECK(last.ended[0].outcome_unknown);
  CHECK(contains(last.ended[0].message, "broker 1"));
  CHECK(contains(last.ended[0].message, "retries (1) used up"));
  CHECK(rig.accumulator.head(tp0) == nullptr);
  const BrokerTraffic& t = rig.sink.traffic();
  CHECK((t.tx_retries == 1 && t.req_timeouts == 1 && t.tx == 0 && t.tx_errs == 0 && t.rx_errs == 0));
  CHECK((rig.stats.partitions.at(tp0).next_err_seq == 1 && rig.stats.partitions.at(tp0).msgs_inflight == 0));
}

TEST_CASE("a transport error before the request was written: a later failure is definite") {
  SinkOptions o = sink_options();
  o.retry.retries = 1;
  Rig rig(o);
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  failed(rig, *req, sluice::net::net_errc::connection_closed, false, t0);
  REQUIRE(rig.accumulator.head(tp0) != nullptr);
  CHECK_FALSE(rig.accumulator.head(tp0)->maybe_sent);
  req = rig.build({tp0}, t0 + 100ms);
  const auto last = failed(rig, *req, sluice::net::net_errc::connection_closed, false, t0 + 100ms);
  REQUIRE(last.ended.size() == 1);
  CHECK_FALSE(last.ended[0].outcome_unknown);
}

TEST_CASE("a retry that would come after delivery.timeout.ms fails at once and says why") {
  Rig rig;
  rig.add(tp0, 1);  // created at t0; delivery.timeout.ms 120 s
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::not_leader_or_follower)}), t0 + 119950ms);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].error == kafka(kafka_errc::not_leader_or_follower));
  CHECK(out.ended[0].outcome_unknown);  // acks=all NOT_LEADER_OR_FOLLOWER: it may be in the log
  CHECK(contains(out.ended[0].message, "NOT_LEADER_OR_FOLLOWER"));
  CHECK(contains(out.ended[0].message, "delivery.timeout.ms (120000 ms)"));
}

// --- split ---

TEST_CASE("MESSAGE_TOO_LARGE on a 4-record batch: two halves requeued in order under the original's stamp") {
  Rig rig;
  rig.add(tp0, 4);
  auto req = rig.build({tp0}, t0);
  CHECK(wire_stamp(*req->batches[0]) == Stamp{kPid, 0, 0});
  rig.add(tp0, 1, "newer");  // a newer batch, queued behind while the request is out
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::message_too_large)}), t0 + 1ms);
  CHECK(out.ended.empty());
  CHECK(rig.idempotence.epoch_bumps() == 0);
  CHECK(rig.idempotence.next_sequence(tp0) == 4);  // the range is reused, not reassigned
  CHECK(rig.accumulator.queued_batches() == 3);
  CHECK(rig.accumulator.in_flight(tp0) == 0);

  // The first half goes first, at once, with the original's first sequence.
  CHECK(rig.accumulator.ready(t0 + 1ms, false) == std::vector{tp0});
  auto first = rig.build({tp0}, t0 + 1ms);
  REQUIRE(first->batches.size() == 1);
  const ProducerBatch& a = *first->batches[0];
  CHECK(values(a) == std::vector<std::string>{"r0", "r1"});
  CHECK(a.timestamps == std::vector<std::int64_t>{100, 101});
  CHECK(a.callbacks.size() == 2);
  CHECK(wire_stamp(a) == Stamp{kPid, 0, 0});
  CHECK(a.attempts == 2);

  // Then the second half, with the sequences after the first's.
  std::unique_ptr<ProducerBatch> b = rig.accumulator.take_head(tp0);
  REQUIRE(b);
  CHECK(values(*b) == std::vector<std::string>{"r2", "r3"});
  CHECK(b->timestamps == std::vector<std::int64_t>{102, 103});
  CHECK(b->producer_id == kPid);
  CHECK(b->producer_epoch == 0);
  CHECK(b->base_sequence == 2);
  CHECK(a.reserved_bytes + b->reserved_bytes == 40);
  rig.idempotence.assign(*b);
  CHECK(wire_stamp(*b) == Stamp{kPid, 0, 2});

  // And only then the newer batch, never sent.
  ProducerBatch* newer = rig.accumulator.head(tp0);
  REQUIRE(newer != nullptr);
  CHECK(newer->attempts == 0);
  CHECK_FALSE(newer->has_sequence());
  CHECK(newer->record_count() == 1);
}

TEST_CASE("a compressed batch is split too, each half compressed with the same codec") {
  SinkOptions o = sink_options();
  o.compression = sluice::protocol::Compression::gzip;
  Rig rig(o);
  rig.add(tp0, 3);
  auto req = rig.build({tp0}, t0);
  {
    auto decoded = sluice::protocol::decode_record_batch(req->batches[0]->builder.bytes());
    REQUIRE(decoded);
    CHECK(decoded->compression() == sluice::protocol::Compression::gzip);
  }
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::message_too_large)}), t0);
  CHECK(out.ended.empty());
  auto first = rig.build({tp0}, t0);
  CHECK(values(*first->batches[0]) == std::vector<std::string>{"r0"});
  CHECK(wire_stamp(*first->batches[0]) == Stamp{kPid, 0, 0});
  auto second = rig.accumulator.take_head(tp0);
  REQUIRE(second);
  rig.idempotence.assign(*second);
  CHECK(values(*second) == std::vector<std::string>{"r1", "r2"});
  CHECK(wire_stamp(*second) == Stamp{kPid, 0, 1});
  for (const ProducerBatch* b : {first->batches[0].get(), second.get()}) {
    auto decoded = sluice::protocol::decode_record_batch(b->builder.bytes());
    REQUIRE(decoded);
    CHECK(decoded->compression() == sluice::protocol::Compression::gzip);
  }
}

TEST_CASE("split halves of a batch that may have landed keep maybe_sent") {
  Rig rig;
  rig.add(tp0, 2);
  auto req = rig.build({tp0}, t0);
  failed(rig, *req, sluice::net::net_errc::request_timeout, true, t0);
  req = rig.build({tp0}, t0 + 100ms);
  answered(rig, *req, answer({part(0, kafka_errc::message_too_large)}), t0 + 100ms);
  auto a = rig.accumulator.take_head(tp0);
  auto b = rig.accumulator.take_head(tp0);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->record_count() == 1);
  CHECK(b->record_count() == 1);
  CHECK(a->maybe_sent);
  CHECK(b->maybe_sent);
}

TEST_CASE("MESSAGE_TOO_LARGE on a single record: it fails, definitely, and its sequence is mended") {
  Rig rig;
  rig.add(tp0, 1);
  auto req = rig.build({tp0}, t0);
  const auto out = answered(rig, *req, answer({part(0, kafka_errc::message_too_large)}), t0);
  REQUIRE(out.ended.size() == 1);
  CHECK(out.ended[0].error == kafka(kafka_errc::message_too_large));
  CHECK_FALSE(out.ended[0].outcome_unknown);
  CHECK(contains(out.ended[0].message, "MESSAGE_TOO_LARGE"));
  CHECK(rig.accumulator.empty());
  // Refused for good, nothing else of the partition out: its sequence is a
  // gap the broker would wait for, so the epoch is bumped.
  CHECK(rig.idempotence.epoch_bumps() == 1);
}

// --- idempotence ---
