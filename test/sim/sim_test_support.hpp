#pragma once
// Test helpers for test/sim: batches built the way a producer builds them
// (protocol::RecordBatchBuilder) and Produce requests around them, so each
// test states only what it is about.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history_checker.hpp"
#include "sim_record_id.hpp"
#include "sluice/protocol/record_batch_builder.hpp"

namespace sluice::sim::test {

struct BatchSpec {
  std::int32_t records = 1;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  protocol::Compression codec = protocol::Compression::none;
  std::int64_t timestamp = 1'700'000'000'000;
  // When set, record i carries the header sim-id = p<producer>#<first_seq + i>.
  std::optional<verify::RecordId> first_id;

  // Chained setters (GCC 12 warns on designated initializers that omit members).
  BatchSpec& count(std::int32_t n) { records = n; return *this; }
  BatchSpec& compressed(protocol::Compression c) { codec = c; return *this; }
  BatchSpec& ids_from(verify::RecordId id) { first_id = id; return *this; }
  BatchSpec& idempotent(std::int64_t pid, std::int16_t epoch, std::int32_t seq) {
    producer_id = pid;
    producer_epoch = epoch;
    base_sequence = seq;
    return *this;
  }
};

inline std::string value_of(std::int32_t i) { return "value-" + std::to_string(i); }

inline protocol::Bytes make_batch(const BatchSpec& s) {
  protocol::RecordBatchBuilder b;
  for (std::int32_t i = 0; i < s.records; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::string value = value_of(i);
    if (s.first_id) {
      const verify::RecordId id{s.first_id->producer, s.first_id->seq + static_cast<std::uint64_t>(i)};
      const std::string text = record_id_text(id);
      const protocol::RecordHeaderView h{kRecordIdHeader, protocol::as_bytes(text)};
      b.append(s.timestamp + i, protocol::as_bytes(key), protocol::as_bytes(value), std::span(&h, 1));
    } else {
      b.append(s.timestamp + i, protocol::as_bytes(key), protocol::as_bytes(value));
    }
  }
  if (s.codec == protocol::Compression::none) {
    b.finish();
  } else {
    (void)b.finish(s.codec);
  }
  if (s.producer_id >= 0) b.set_producer_state(s.producer_id, s.producer_epoch, s.base_sequence);
  return b.release();
}

// An idempotent batch of `records` records at (pid, epoch, seq).
inline protocol::Bytes idem_batch(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::int32_t records = 1) {
  return make_batch(BatchSpec{}.count(records).idempotent(pid, epoch, seq));
}

// A Produce request for one partition of a topic named (v3-v12) or by id (v13).
inline protocol::ProduceRequest produce_one(const std::string& topic, std::int32_t partition,
                                            const protocol::Bytes& batch, std::int16_t acks = -1,
                                            protocol::Uuid topic_id = {}) {
  protocol::ProduceRequest r;
  r.acks = acks;
  protocol::ProduceRequest::Topic t;
  t.name = topic;
  t.topic_id = topic_id;
  t.partitions.push_back(protocol::ProduceRequest::Partition{partition, batch});
  r.topics.push_back(std::move(t));
  return r;
}

inline const protocol::ProduceResponse::Partition& only_partition(const protocol::ProduceResponse& r) {
  return r.topics.at(0).partitions.at(0);
}

inline std::int16_t code(protocol::kafka_errc e) { return static_cast<std::int16_t>(e); }

}  // namespace sluice::sim::test
