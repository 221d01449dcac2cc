// BrokerSink on a fake clock: what goes into a Produce request, and what an
// answer (or a transport error) makes of each batch: acknowledged, retried
// after a backoff, split, failed; leader hints, metadata refresh, KIP-219
// throttling, and the idempotent producer's stamps and epoch bumps. No
// sockets, no threads: answers are bodies written by test/fuzz's writers.
#include "broker_sink.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/response_writers.hpp"
#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using sluice::protocol::kafka_errc;
using sluice::protocol::ProduceResponse;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1h;  // the fake clock
const TopicPartition tp0{"t", 0};
const TopicPartition tp1{"t", 1};
constexpr std::int64_t kPid = 42;
constexpr std::int16_t kFlexVersion = 11;  // flexible, KIP-951 leader hints

std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }
std::error_code kafka(kafka_errc e) { return sluice::protocol::kafka_error(code(e)); }

sluice::protocol::Uuid uuid(std::uint8_t last) {
  sluice::protocol::Uuid id;
  id.bytes[15] = last;
  return id;
}

SinkOptions sink_options(std::int16_t acks = -1, bool idempotent = true) {
  SinkOptions o;
  o.acks = acks;
  o.retry.acks = acks;
  o.retry.idempotent = idempotent;
  o.retry.retry_backoff = 100ms;
  o.retry.retry_backoff_max = 1000ms;
  o.retry.delivery_timeout = 120s;
  return o;
}

// Topic "t" (id `id`, `partitions` partitions, all led by broker 1).
sluice::protocol::MetadataResponse topic_t(std::uint8_t id, std::int32_t partitions) {
  sluice::protocol::MetadataResponse m;
  m.brokers = {{1, "b1", 9092, std::nullopt}, {2, "b2", 9093, std::nullopt}};
  sluice::protocol::MetadataResponse::Topic t;
  t.name = "t";
  t.topic_id = uuid(id);
  for (std::int32_t i = 0; i < partitions; ++i) {
    sluice::protocol::MetadataResponse::Partition p;
    p.partition_index = i;
    p.leader_id = 1;
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  m.topics.push_back(t);
  return m;
}

AccumulatorOptions accumulator_options() {
  AccumulatorOptions o;
  o.linger = 0ms;
  o.delivery_timeout = 120s;
  return o;
}

// A sink for broker 1 with everything it works on, idempotence ready under
// producer id 42, epoch 0 (when enabled).
struct Rig {
  explicit Rig(SinkOptions o = sink_options(), bool idempotent = true)
      : idempotence(idempotent, 100ms, 1000ms), sink(1, o, SinkParts{accumulator, idempotence, partitioner, metadata, stats}) {
    if (idempotent) {
      idempotence.on_id_requested();
      idempotence.on_id_response({}, 0, kPid, 0, t0, 1.0);
      REQUIRE(idempotence.phase() == IdempotenceState::Phase::ready);
    }
    REQUIRE(metadata.update(topic_t(1, 2)).empty());
  }

  // Appends `n` records ("<tag>0", "<tag>1", ...; timestamps 100, 101, ...)
  // to tp's open batch.
  void add(const TopicPartition& tp, int n, const std::string& tag = "r") {
    for (int i = 0; i < n; ++i) {
      const std::string value = tag + std::to_string(i);
      accumulator.append(tp, 100 + i, std::nullopt, sluice::protocol::as_bytes(value), {}, nullptr, 10, t0, false);
    }
  }

  std::shared_ptr<InFlightProduce> build(const std::vector<TopicPartition>& ready, Clock::time_point now,
                                         std::int16_t version = kFlexVersion) {
    SinkActions out;
    auto request = sink.build(ready, version, now, out);
    REQUIRE(out.ended.empty());
    REQUIRE(request);
    return request;
  }

  RecordAccumulator accumulator{accumulator_options()};
  IdempotenceState idempotence;
  sluice::partitioner::Partitioner partitioner{sluice::partitioner::PartitionerOptions{}};
  sluice::net::MetadataCache metadata;
  ProducerStatistics stats;
  BrokerSink sink;
};

ProduceResponse::Partition part(std::int32_t index, kafka_errc error = kafka_errc::none, std::int64_t offset = -1) {
  ProduceResponse::Partition p;
  p.index = index;
  p.error_code = code(error);
  p.base_offset = offset;
  return p;
}

// An answer for topic "t" (by name; by id `id` from v13).
ProduceResponse answer(std::vector<ProduceResponse::Partition> partitions, sluice::protocol::Uuid id = uuid(1)) {
  ProduceResponse m;
  ProduceResponse::Topic t;
  t.name = "t";
  t.topic_id = id;
  t.partitions = std::move(partitions);
  m.topics.push_back(std::move(t));
  return m;
}

// Feeds `body` to the sink as the answer to `request`.
SinkActions answered(Rig& rig, InFlightProduce& request, const sluice::protocol::Bytes& body, Clock::time_point now,
                     bool stopping = false) {
  SinkActions out;
  rig.sink.on_answer(request, sluice::net::RequestOutcome{{}, body, false}, now, 1.0, stopping, out);
  return out;
}

SinkActions answered(Rig& rig, InFlightProduce& request, const ProduceResponse& m, Clock::time_point now,
                     bool stopping = false) {
  return answered(rig, request, sluice::fuzz::write_produce_response(m, request.version), now, stopping);
}

SinkActions failed(Rig& rig, InFlightProduce& request, std::error_code ec, bool maybe_delivered, Clock::time_point now,
                   bool stopping = false) {
  SinkActions out;
  rig.sink.on_answer(request, sluice::net::RequestOutcome{ec, {}, maybe_delivered}, now, 1.0, stopping, out);
  return out;
}

struct Stamp {
  std::int64_t producer_id;
  std::int16_t epoch;
  std::int32_t base_sequence;
  friend bool operator==(const Stamp&, const Stamp&) = default;
};

// The stamp as written into the batch's bytes (what the broker sees), after
// checking it matches the batch's own fields.
Stamp wire_stamp(const ProducerBatch& b) {
  auto decoded = sluice::protocol::decode_record_batch(b.builder.bytes());
  REQUIRE(decoded);
  CHECK(decoded->producer_id == b.producer_id);
  CHECK(decoded->producer_epoch == b.producer_epoch);
  CHECK(decoded->base_sequence == b.base_sequence);
  return {decoded->producer_id, decoded->producer_epoch, decoded->base_sequence};
}

std::vector<std::string> values(const ProducerBatch& b) {
  auto decoded = sluice::protocol::decode_record_batch(b.builder.bytes());
  REQUIRE(decoded);
  std::vector<std::string> out;
  for (const auto& r : decoded->records) out.emplace_back(r.value->begin(), r.value->end());
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

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
  CHECK((t.tx == 1 && t.rx == 1 && t.tx_retries == 0 && t.waitresp_msg_cnt == 0));
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
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{}, t0, 1.0, false, out);
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
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{{}, body, false}, t0, 1.2, false, out);
  CHECK(rig.accumulator.head(tp0)->retry_at == t0 + 120ms);
  req = rig.build({tp0}, t0 + 120ms);
  rig.sink.on_answer(*req, sluice::net::RequestOutcome{{}, body, false}, t0 + 120ms, 0.8, false, out);
  CHECK(rig.accumulator.head(tp0)->retry_at == t0 + 120ms + 160ms);  // 200 ms * 0.8
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
  CHECK((t.tx == 2 && t.tx_retries == 1 && t.req_timeouts == 1 && t.tx_errs == 1 && t.rx == 0));
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
