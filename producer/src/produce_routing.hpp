#pragma once
// Which queued batches go where now: the step between the partition buffer
// (RecordAccumulator) and the brokers' sinks (broker_sink.hpp). Sans-I/O
// and pure but for the parts it is handed (the Java client's
// RecordAccumulator.drain/expiredBatches role).
//
// Threads: the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "broker_sink.hpp"
#include "idempotence_state.hpp"
#include "record_accumulator.hpp"
#include "sluice/net/metadata_cache.hpp"

namespace sluice::detail {

struct Routing {
  // Partitions whose head batch may go now, by the broker that leads them,
  // in the accumulator's order.
  std::map<std::int32_t, std::vector<TopicPartition>> by_leader;
  bool metadata_wanted = false;  // a ready partition has no known leader
};

// The partitions ready at `now` (flushing: all with a batch) whose leader
// is known, with fewer than `max_in_flight` batches out, that idempotence
// lets send. Batches of a partition the recreated topic no longer has end
// in `ended` (invalid_partition): waiting for it could only end at
// delivery.timeout.ms with a report that says nothing.
Routing route_ready(RecordAccumulator& accumulator, IdempotenceState& idempotence, const net::MetadataCache& metadata,
                    std::int32_t max_in_flight, Clock::time_point now, bool flushing, std::vector<BatchEnd>& ended);

// Queued batches past delivery.timeout.ms end (delivery_timeout, outcome
// unknown if an earlier attempt may have landed).
void expire_batches(RecordAccumulator& accumulator, IdempotenceState& idempotence, Clock::time_point now,
                    std::chrono::milliseconds delivery_timeout, std::vector<BatchEnd>& ended);

}  // namespace sluice::detail
