// Which queued batches go where now. See produce_routing.hpp.
#include "produce_routing.hpp"

#include <string>

#include "sluice/errors.hpp"

namespace sluice::detail {

namespace {

void fail_vanished_partition(RecordAccumulator& accumulator, IdempotenceState& idempotence, const TopicPartition& tp,
                             std::size_t count, std::vector<BatchEnd>& ended) {
  const std::string why = "partition " + std::to_string(tp.partition) + " of topic '" + tp.topic +
                          "' no longer exists: the topic was deleted and created again with " +
                          std::to_string(count) + " partitions";
  while (accumulator.head(tp) != nullptr) {
    std::unique_ptr<ProducerBatch> b = accumulator.take_head(tp);
    accumulator.returned(tp);
    idempotence.on_given_up(*b);  // the partition is gone: nothing to settle there
    const bool unknown = b->maybe_sent;
    ended.push_back(BatchEnd{std::move(b), -1, make_error_code(errc::invalid_partition), why, unknown});
  }
}

}  // namespace

Routing route_ready(RecordAccumulator& accumulator, IdempotenceState& idempotence, const net::MetadataCache& metadata,
                    std::int32_t max_in_flight, Clock::time_point now, bool flushing, std::vector<BatchEnd>& ended) {
  Routing routing;
  if (idempotence.phase() != IdempotenceState::Phase::ready) return routing;
  for (auto& tp : accumulator.ready(now, flushing)) {
    const net::TopicInfo* info = metadata.topic(tp.topic);
    const auto p = static_cast<std::size_t>(tp.partition);
    if (info != nullptr && info->error_code == 0 && !info->partitions.empty() && p >= info->partitions.size()) {
      // The cache shrinks only when the topic was deleted and created again
      // (a new topic id): this partition is gone.
      fail_vanished_partition(accumulator, idempotence, tp, info->partitions.size(), ended);
      continue;
    }
    const std::int32_t leader = info && p < info->partitions.size() ? info->partitions[p].leader_id : -1;
    if (leader < 0) {
      routing.metadata_wanted = true;
      continue;
    }
    if (accumulator.in_flight(tp) >= max_in_flight) continue;
    if (!idempotence.may_send(*accumulator.head(tp), accumulator.in_flight(tp))) continue;
    routing.by_leader[leader].push_back(std::move(tp));
  }
  return routing;
}

void expire_batches(RecordAccumulator& accumulator, IdempotenceState& idempotence, Clock::time_point now,
                    std::chrono::milliseconds delivery_timeout, std::vector<BatchEnd>& ended) {
  for (auto& b : accumulator.expire(now)) {
    idempotence.on_given_up(*b);
    std::string why = "no acknowledgement for " + b->tp.str() + " within delivery.timeout.ms (" +
                      std::to_string(delivery_timeout.count()) + " ms)";
    const bool unknown = b->maybe_sent;
    ended.push_back(BatchEnd{std::move(b), -1, make_error_code(errc::delivery_timeout), std::move(why), unknown});
  }
}

}  // namespace sluice::detail
