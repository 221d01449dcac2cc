// SimCluster::handle_produce: a Produce request as a current Kafka leader
// answers it, per partition, checks in the broker's order:
//   1. KafkaApis: topic known (UNKNOWN_TOPIC_OR_PARTITION by name,
//      UNKNOWN_TOPIC_ID by id at v13), then ProduceRequest.validateRecords:
//      exactly one magic-2 batch (INVALID_RECORD), no zstd before v7
//      (UNSUPPORTED_COMPRESSION_TYPE).
//   2. ReplicaManager: this broker must lead the partition, else
//      NOT_LEADER_OR_FOLLOWER; from v10 the answer names the current leader
//      and epoch, and node_endpoints carries that leader if it is alive
//      (KafkaApis.getCurrentLeader, KIP-951).
//   3. Partition.appendRecordsToLeader: acks=-1 below min.insync.replicas
//      -> NOT_ENOUGH_REPLICAS (here: an injected fault), nothing written.
//   4. UnifiedLog.analyzeAndValidateRecords: batch size over
//      max.message.bytes -> MESSAGE_TOO_LARGE, then the CRC (and any
//      undecodable record) -> CORRUPT_MESSAGE.
//   5. Producer state (producer_state.hpp): duplicate -> NONE at the
//      original offsets, else INVALID_PRODUCER_EPOCH /
//      OUT_OF_ORDER_SEQUENCE_NUMBER, else append. (Brokers before 2.5,
//      set_pre_kip360: UNKNOWN_PRODUCER_ID first for an unknown producer id
//      not at sequence 0.)
//   6. DelayedProduce (acks=-1): the append stands but the answer may be
//      NOT_ENOUGH_REPLICAS_AFTER_APPEND or REQUEST_TIMED_OUT, with the
//      base offset filled in (only the error is changed).
// Errors before an append answer base_offset -1, log_append_time -1 and
// log_start_offset -1 (Kafka's PartitionResponse(error)); an append answers
// log_append_time -1 (CreateTime topics) and log_start_offset 0 (nothing is
// ever deleted from a simulated log).
#include <algorithm>
#include <cstring>

#include "sim_cluster.hpp"
#include "sluice/protocol/record_batch.hpp"

namespace sluice::sim {

using protocol::kafka_errc;
using protocol::ProduceRequest;
using protocol::ProduceResponse;

namespace {

std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }

std::int32_t read_be32(const std::uint8_t* p) {
  return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}

// validateRecords' structural checks on the raw bytes, before anything is
// decoded: one batch, magic 2, no zstd before v7.
kafka_errc validate_records(std::span<const std::uint8_t> records, std::int16_t version) {
  namespace b = protocol::batch;
  if (records.size() < b::kHeaderSize) return records.empty() ? kafka_errc::invalid_record : kafka_errc::corrupt_message;
  if (static_cast<std::int8_t>(records[b::kMagic]) != b::kMagicV2) return kafka_errc::invalid_record;
  const std::int64_t total = std::int64_t{b::kLogOverhead} + read_be32(records.data() + b::kBatchLength);
  if (total < static_cast<std::int64_t>(b::kHeaderSize) || total > static_cast<std::int64_t>(records.size())) {
    return kafka_errc::corrupt_message;
  }
  if (total < static_cast<std::int64_t>(records.size())) return kafka_errc::invalid_record;  // a second batch
  const auto attributes = static_cast<std::int16_t>((records[b::kAttributes] << 8) | records[b::kAttributes + 1]);
  const auto codec = static_cast<protocol::Compression>(attributes & b::kCompressionMask);
  if (version < 7 && codec == protocol::Compression::zstd) return kafka_errc::unsupported_compression_type;
  return kafka_errc::none;
}

}  // namespace

ProduceResponse SimCluster::handle_produce(std::int32_t node_id, const ProduceRequest& request,
                                           std::int16_t version) {
  ProduceResponse out;
  out.throttle_time_ms = take_throttle(node_id);
  const bool acks_valid = request.acks == -1 || request.acks == 0 || request.acks == 1;
  std::vector<std::int32_t> endpoints_wanted;
  out.topics.reserve(request.topics.size());
  for (const auto& tin : request.topics) {
    ProduceResponse::Topic tout;
    if (version >= 13) {
      tout.topic_id = tin.topic_id;
    } else {
      tout.name = tin.name;
    }
    SimTopic* t = version >= 13 ? find_topic(tin.topic_id) : find_topic(tin.name);
    tout.partitions.reserve(tin.partitions.size());
    for (const auto& pin : tin.partitions) {
      if (!acks_valid) {
        ProduceResponse::Partition p;
        p.index = pin.index;
        p.error_code = code(kafka_errc::invalid_required_acks);
        tout.partitions.push_back(p);
        continue;
      }
      tout.partitions.push_back(produce_partition(node_id, t, pin, request, version, endpoints_wanted));
    }
    out.topics.push_back(std::move(tout));
  }
  if (version >= 10) {
    std::sort(endpoints_wanted.begin(), endpoints_wanted.end());
    endpoints_wanted.erase(std::unique(endpoints_wanted.begin(), endpoints_wanted.end()), endpoints_wanted.end());
    for (std::int32_t id : endpoints_wanted) {
      const SimBroker* b = broker(id);
      out.node_endpoints.push_back(ProduceResponse::NodeEndpoint{b->node_id, b->host, b->port, std::nullopt});
    }
  }
  return out;
}

ProduceResponse::Partition SimCluster::produce_partition(std::int32_t node_id, SimTopic* t,
                                                         const ProduceRequest::Partition& in,
                                                         const ProduceRequest& request, std::int16_t version,
                                                         std::vector<std::int32_t>& endpoints_wanted) {
  ProduceResponse::Partition out;
  out.index = in.index;
  auto fail = [&](kafka_errc e) {
    out.error_code = code(e);
    return out;
  };
  // 1. Topic, partition, request shape.
  if (t == nullptr) return fail(version >= 13 ? kafka_errc::unknown_topic_id : kafka_errc::unknown_topic_or_partition);
  if (in.index < 0 || in.index >= static_cast<std::int32_t>(t->partitions.size())) {
    return fail(kafka_errc::unknown_topic_or_partition);
  }
  SimPartition& p = t->partitions[static_cast<std::size_t>(in.index)];
  if (auto e = validate_records(in.records, version); e != kafka_errc::none) return fail(e);

  // 2. Leadership.
  if (p.leader != node_id) {
    if (version >= 10) {
      out.current_leader = ProduceResponse::LeaderIdAndEpoch{p.leader, p.leader_epoch};
      if (p.leader >= 0 && is_up(p.leader)) endpoints_wanted.push_back(p.leader);
    }
    return fail(kafka_errc::not_leader_or_follower);
  }

  // A one-shot fault applies when it is first in line and this request is
  // one a real broker could answer with it; it is used up only then.
  const bool acks_all = request.acks == -1;
  auto take_fault = [&](PartitionFault f, bool eligible) {
    if (!eligible || p.faults.empty() || p.faults.front() != f) return false;
    p.faults.pop_front();
    return true;
  };

  // 3. In-sync replicas (acks=all only).
  if (take_fault(PartitionFault::not_enough_replicas, acks_all)) return fail(kafka_errc::not_enough_replicas);

  // 4. Size, then CRC and the records themselves.
  if (in.records.size() > static_cast<std::size_t>(std::max(0, t->max_message_bytes))) {
    return fail(kafka_errc::message_too_large);
  }
  auto decoded = protocol::decode_record_batch(in.records);
  if (!decoded) return fail(kafka_errc::corrupt_message);
  protocol::DecodedBatch& batch = decoded.value();
  if (batch.records.empty() || static_cast<std::int64_t>(batch.records.size()) != std::int64_t{batch.last_offset_delta} + 1) {
    return fail(kafka_errc::invalid_record);
  }
  // Transactions are not simulated; an unverified transactional write is
  // what a current broker refuses with INVALID_TXN_STATE.
  if (batch.is_transactional()) return fail(kafka_errc::invalid_txn_state);
  if (batch.is_control()) return fail(kafka_errc::invalid_record);

  // Faults of older brokers, for idempotent batches.
  const bool idempotent = batch.producer_id >= 0;
  if (take_fault(PartitionFault::duplicate_sequence_number, idempotent)) {
    return fail(kafka_errc::duplicate_sequence_number);
  }
  if (take_fault(PartitionFault::unknown_producer_id, idempotent)) return fail(kafka_errc::unknown_producer_id);
  // Before 2.5 an unknown producer id had to start at sequence 0
  // (ProducerAppendInfo.checkSequence threw UnknownProducerIdException).
  if (pre_kip360_ && idempotent && batch.base_sequence != 0 && p.producers.find(batch.producer_id) == nullptr) {
    return fail(kafka_errc::unknown_producer_id);
  }

  // 5. Producer state.
  const BatchIdentity id{batch.producer_id, batch.producer_epoch, batch.base_sequence, batch.last_offset_delta,
                         batch.max_timestamp};
  const StateCheck verdict = p.producers.check(id);
  if (verdict.duplicate) {
    out.base_offset = verdict.duplicate->first_offset;
    out.log_append_time_ms = verdict.duplicate->max_timestamp;
    out.log_start_offset = 0;
    return out;
  }
  if (verdict.error != kafka_errc::none) return fail(verdict.error);

  // Append.
  const std::int64_t base = p.log_end_offset;
  SimBatch stored;
  stored.base_offset = base;
  stored.producer_id = batch.producer_id;
  stored.producer_epoch = batch.producer_epoch;
  stored.base_sequence = batch.base_sequence;
  stored.records = std::move(batch.records);
  for (std::size_t i = 0; i < stored.records.size(); ++i) stored.records[i].offset = base + static_cast<std::int64_t>(i);
  p.log_end_offset += static_cast<std::int64_t>(stored.records.size());
  p.log.push_back(std::move(stored));
  p.producers.record(id, base);
  out.base_offset = base;
  out.log_append_time_ms = -1;
  out.log_start_offset = 0;

  // 6. The wait for followers (acks=all only).
  if (take_fault(PartitionFault::not_enough_replicas_after_append, acks_all)) {
    out.error_code = code(kafka_errc::not_enough_replicas_after_append);
  } else if (take_fault(PartitionFault::request_timed_out, acks_all)) {
    out.error_code = code(kafka_errc::request_timed_out);
  }
  return out;
}

}  // namespace sluice::sim
