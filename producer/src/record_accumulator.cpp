#include "record_accumulator.hpp"

#include <algorithm>

namespace sluice::detail {

ProducerBatch& RecordAccumulator::append(const TopicPartition& tp, std::int64_t timestamp_ms,
                                         std::optional<protocol::ByteView> key,
                                         std::optional<protocol::ByteView> value,
                                         std::span<const protocol::RecordHeaderView> headers,
                                         DeliveryCallback callback, std::size_t reserved_bytes,
                                         Clock::time_point enqueued, bool urgent, std::uint64_t generation) {
  PartitionQueue& q = partitions_[tp];
  auto fits = [&](const ProducerBatch& b) {
    if (b.sealed || b.attempts > 0) return false;
    if (b.builder.empty()) return true;
    if (b.builder.record_count() >= options_.batch_num_messages) return false;
    const std::size_t size = b.builder.size_in_bytes() + b.builder.record_size(timestamp_ms, key, value, headers);
    return size <= options_.batch_size && size + kRequestOverhead <= options_.max_request_size;
  };
  if (q.batches.empty() || !fits(*q.batches.back())) {
    auto b = std::make_unique<ProducerBatch>();
    b->tp = tp;
    b->created = enqueued;
    b->order = (q.next_order++) << 32;
    q.batches.push_back(std::move(b));
  }
  ProducerBatch& b = *q.batches.back();
  b.builder.append(timestamp_ms, key, value, headers);
  b.callbacks.push_back(std::move(callback));
  b.timestamps.push_back(timestamp_ms);
  b.generations.push_back(generation);
  b.reserved_bytes += reserved_bytes;
  b.urgent |= urgent;
  return b;
}

bool RecordAccumulator::is_ready(const PartitionQueue& q, Clock::time_point now, bool flushing) const {
  if (q.batches.empty()) return false;
  const ProducerBatch& b = *q.batches.front();
  if (b.attempts > 0) return now >= b.retry_at;
  return flushing || b.urgent || q.batches.size() > 1 || b.sealed ||
         b.builder.record_count() >= options_.batch_num_messages || b.builder.size_in_bytes() >= options_.batch_size ||
         now >= b.created + options_.linger;
}

Clock::time_point RecordAccumulator::ready_at(const PartitionQueue& q) const {
  const ProducerBatch& b = *q.batches.front();
  return b.attempts > 0 ? b.retry_at : b.created + options_.linger;
}

std::vector<TopicPartition> RecordAccumulator::ready(Clock::time_point now, bool flushing) const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, q] : partitions_) {
    if (is_ready(q, now, flushing)) out.push_back(tp);
  }
  return out;
}

ProducerBatch* RecordAccumulator::head(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end() || it->second.batches.empty()) return nullptr;
  return it->second.batches.front().get();
}

std::unique_ptr<ProducerBatch> RecordAccumulator::take_head(const TopicPartition& tp) {
  PartitionQueue& q = partitions_.at(tp);
  auto b = std::move(q.batches.front());
  q.batches.pop_front();
  b->sealed = true;
  ++q.in_flight;
  return b;
}

void RecordAccumulator::returned(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it != partitions_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

void RecordAccumulator::reenqueue(std::unique_ptr<ProducerBatch> batch) {
  PartitionQueue& q = partitions_[batch->tp];
  // Retries go back in creation order, ahead of every newer batch, so a
  // partition's records reach the log in the order they were sent.
  auto pos = std::find_if(q.batches.begin(), q.batches.end(),
                          [&](const std::unique_ptr<ProducerBatch>& b) { return b->order > batch->order; });
  q.batches.insert(pos, std::move(batch));
}

std::vector<std::unique_ptr<ProducerBatch>> RecordAccumulator::expire(Clock::time_point now) {
  std::vector<std::unique_ptr<ProducerBatch>> out;
  for (auto& [tp, q] : partitions_) {
    while (!q.batches.empty() && now >= q.batches.front()->created + options_.delivery_timeout) {
      out.push_back(std::move(q.batches.front()));
      q.batches.pop_front();
    }
  }
  return out;
}

std::vector<std::unique_ptr<ProducerBatch>> RecordAccumulator::take_unsent() {
  std::vector<std::unique_ptr<ProducerBatch>> out;
  for (auto& [tp, q] : partitions_) {
    auto keep = std::stable_partition(q.batches.begin(), q.batches.end(),
                                      [](const std::unique_ptr<ProducerBatch>& b) { return b->attempts > 0; });
    for (auto it = keep; it != q.batches.end(); ++it) out.push_back(std::move(*it));
    q.batches.erase(keep, q.batches.end());
  }
  return out;
}

std::vector<std::unique_ptr<ProducerBatch>> RecordAccumulator::take_all() {
  std::vector<std::unique_ptr<ProducerBatch>> out;
  for (auto& [tp, q] : partitions_) {
    for (auto& b : q.batches) out.push_back(std::move(b));
    q.batches.clear();
  }
  return out;
}

std::optional<Clock::time_point> RecordAccumulator::next_wakeup(Clock::time_point now, bool flushing) const {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point t) {
    if (t > now && (!next || t < *next)) next = t;
  };
  for (const auto& [tp, q] : partitions_) {
    if (q.batches.empty()) continue;
    if (!is_ready(q, now, flushing)) consider(ready_at(q));
    consider(q.batches.front()->created + options_.delivery_timeout);
  }
  return next;
}

std::int32_t RecordAccumulator::in_flight(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.in_flight;
}

std::size_t RecordAccumulator::queued_batches() const noexcept {
  std::size_t n = 0;
  for (const auto& [tp, q] : partitions_) n += q.batches.size();
  return n;
}

bool RecordAccumulator::idle(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  return it == partitions_.end() || (it->second.batches.empty() && it->second.in_flight == 0);
}

}  // namespace sluice::detail
