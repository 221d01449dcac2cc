#pragma once
// The rig of the BrokerSink tests (broker_sink_test.cpp,
// broker_sink_answer_test.cpp): a sink over a real accumulator, idempotence
// and metadata cache on a fake clock, and answer builders.
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

namespace sink_rig {

using namespace sluice::detail;
using namespace std::chrono_literals;
using sluice::protocol::kafka_errc;
using sluice::protocol::ProduceResponse;

inline const Clock::time_point t0 = Clock::time_point{} + 1h;  // the fake clock
inline const TopicPartition tp0{"t", 0};
inline const TopicPartition tp1{"t", 1};
inline constexpr std::int64_t kPid = 42;
inline constexpr std::int16_t kFlexVersion = 11;  // flexible, KIP-951 leader hints

inline std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }
inline std::error_code kafka(kafka_errc e) { return sluice::protocol::kafka_error(code(e)); }

inline sluice::protocol::Uuid uuid(std::uint8_t last) {
  sluice::protocol::Uuid id;
  id.bytes[15] = last;
  return id;
}

inline SinkOptions sink_options(std::int16_t acks = -1, bool idempotent = true) {
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
inline sluice::protocol::MetadataResponse topic_t(std::uint8_t id, std::int32_t partitions) {
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

inline AccumulatorOptions accumulator_options() {
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
  PartitionChooser partitioner{sluice::partitioner::PartitionerOptions{}, nullptr};
  sluice::net::MetadataCache metadata;
  ProducerStatistics stats;
  BrokerSink sink;
};

inline ProduceResponse::Partition part(std::int32_t index, kafka_errc error = kafka_errc::none, std::int64_t offset = -1) {
  ProduceResponse::Partition p;
  p.index = index;
  p.error_code = code(error);
  p.base_offset = offset;
  return p;
}

// An answer for topic "t" (by name; by id `id` from v13).
inline ProduceResponse answer(std::vector<ProduceResponse::Partition> partitions, sluice::protocol::Uuid id = uuid(1)) {
  ProduceResponse m;
  ProduceResponse::Topic t;
  t.name = "t";
  t.topic_id = id;
  t.partitions = std::move(partitions);
  m.topics.push_back(std::move(t));
  return m;
}

// Feeds `body` to the sink as the answer to `request`.
inline SinkActions answered(Rig& rig, InFlightProduce& request, const sluice::protocol::Bytes& body, Clock::time_point now,
                     bool stopping = false) {
  SinkActions out;
  rig.sink.on_answer(request, sluice::net::RequestOutcome{{}, body, false}, now, [] { return 1.0; }, stopping, out);
  return out;
}

inline SinkActions answered(Rig& rig, InFlightProduce& request, const ProduceResponse& m, Clock::time_point now,
                     bool stopping = false) {
  return answered(rig, request, sluice::fuzz::write_produce_response(m, request.version), now, stopping);
}

inline SinkActions failed(Rig& rig, InFlightProduce& request, std::error_code ec, bool maybe_delivered, Clock::time_point now,
                   bool stopping = false) {
  SinkActions out;
  rig.sink.on_answer(request, sluice::net::RequestOutcome{ec, {}, maybe_delivered}, now, [] { return 1.0; }, stopping, out);
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
inline Stamp wire_stamp(const ProducerBatch& b) {
  auto decoded = sluice::protocol::decode_record_batch(b.builder.bytes());
  REQUIRE(decoded);
  CHECK(decoded->producer_id == b.producer_id);
  CHECK(decoded->producer_epoch == b.producer_epoch);
  CHECK(decoded->base_sequence == b.base_sequence);
  return {decoded->producer_id, decoded->producer_epoch, decoded->base_sequence};
}

inline std::vector<std::string> values(const ProducerBatch& b) {
  auto decoded = sluice::protocol::decode_record_batch(b.builder.bytes());
  REQUIRE(decoded);
  std::vector<std::string> out;
  for (const auto& r : decoded->records) out.emplace_back(r.value->begin(), r.value->end());
  return out;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace sink_rig
