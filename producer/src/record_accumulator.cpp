#include "record_accumulator.hpp"

#include <algorithm>

namespace sluice::detail {

namespace {

// Recycled encoding buffers kept for the next batches: enough for what one
// Produce answer completes at once (a batch per partition it carried), so
// batches opened after it reuse their buffers instead of the allocator
// handing out (and the kernel faulting in) fresh memory each time.
constexpr std::size_t kSpareBuilders = 64;
constexpr std::size_t kSpareBytes = std::size_t{4} << 20;

// At least a record's wire size: its bytes plus every varint at its longest
// (length 5, attributes 1, timestamp delta 10, offset delta 5, key and value
// lengths 5 each, header count 5; per header two lengths of 5).
std::size_t wire_size_bound(std::optional<protocol::ByteView> key, std::optional<protocol::ByteView> value,
                            std::span<const protocol::RecordHeaderView> headers) noexcept {
  std::size_t n = 36 + (key ? key->size() : 0) + (value ? value->size() : 0);
  for (const auto& h : headers) n += 10 + h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

}  // namespace

RecordAccumulator::Lane& RecordAccumulator::lane(const TopicPartition& tp) {
  auto [it, fresh] = partitions_.try_emplace(tp);
  if (fresh) it->second.tp = &it->first;
  return it->second;
}

void RecordAccumulator::note_last_batch(PartitionQueue& q, const ProducerBatch& b) {
  q.last_batch_bytes = b.builder.size_in_bytes();
  q.last_batch_records = static_cast<std::size_t>(b.builder.record_count());
}

std::unique_ptr<ProducerBatch> RecordAccumulator::new_batch(PartitionQueue& q, Clock::time_point enqueued,
                                                            std::size_t record_size) {
  auto b = std::make_unique<ProducerBatch>();
  b->tp = *q.tp;
  b->created = enqueued;
  b->order = (q.next_order++) << 32;
  {
    std::lock_guard lock(spare_mu_);
    if (!spare_builders_.empty()) {
      b->builder = std::move(spare_builders_.back());
      spare_builders_.pop_back();
      spare_bytes_ -= std::min(spare_bytes_, b->builder.capacity());
    }
  }
  // As large as this partition's last batch became (at most batch.size plus
  // a record): a busy partition fills its batch without regrowing it.
  if (!q.batches.empty()) note_last_batch(q, *q.batches.back());
  b->builder.reserve(std::min(q.last_batch_bytes, options_.batch_size) + record_size);
  // Room for as many records as the last batch here had, else for what
  // batch.size holds at this record's size up to a bound (many partitions
  // each with a short batch must not pin much): the per-record vectors grow
  // a few times per batch at most.
  const std::size_t expected = std::min<std::size_t>(
      {std::max<std::size_t>(q.last_batch_records,
                             std::min<std::size_t>(options_.batch_size / std::max<std::size_t>(record_size, 1) + 1, 128)),
       static_cast<std::size_t>(std::max(options_.batch_num_messages, 1))});
  b->callbacks.reserve(expected);
  b->timestamps.reserve(expected);
  b->generations.reserve(expected);
  return b;
}

void RecordAccumulator::close_appends() {
  // Set before take_all() locks each queue: an append that gets a queue's
  // lock after take_all() emptied it sees the flag (the mutex orders them).
  appends_closed_.store(true);
}

RecordAccumulator::Appended RecordAccumulator::append_locked(
    Lane& q, std::int64_t timestamp_ms, std::optional<protocol::ByteView> key, std::optional<protocol::ByteView> value,
    std::span<const protocol::RecordHeaderView> headers, DeliveryCallback&& callback, std::size_t reserved_bytes,
    NowRef enqueued, bool urgent, std::uint64_t generation) {
  Appended out;
  out.appended = true;
  ProducerBatch* open = q.batches.empty() ? nullptr : q.batches.back().get();
  std::size_t record_size = 0;
  const bool had_open = open != nullptr && !open->sealed && open->attempts == 0;
  if (open != nullptr) {
    const ProducerBatch& b = *open;
    bool fits = had_open;
    if (fits && !b.builder.empty()) {
      fits = b.builder.record_count() < options_.batch_num_messages;
      // Far from the limits, an upper bound of the record's size decides;
      // only near them is its exact size computed.
      const std::size_t limit =
          std::min(options_.batch_size, options_.max_request_size - std::min(options_.max_request_size, kRequestOverhead));
      if (fits && b.builder.size_in_bytes() + wire_size_bound(key, value, headers) > limit) {
        record_size = b.builder.record_size(timestamp_ms, key, value, headers);
        fits = b.builder.size_in_bytes() + record_size <= limit;
      }
    }
    if (!fits) open = nullptr;
  }
  if (open == nullptr) {
    if (record_size == 0) record_size = reserved_bytes;
    q.batches.push_back(new_batch(q, enqueued(), record_size));
    open = q.batches.back().get();
    out.opened_batch = true;
    // The batch it could not join is full now (ready: one is queued behind it).
    out.ready = had_open;
  }
  ProducerBatch& b = *open;
  b.builder.append(timestamp_ms, key, value, headers);
  ++q.appended;
  b.callbacks.push_back(std::move(callback));
  b.timestamps.push_back(timestamp_ms);
  b.generations.push_back(generation);
  b.reserved_bytes += reserved_bytes;
  b.urgent |= urgent;
  out.batch_full =
      b.builder.size_in_bytes() >= options_.batch_size || b.builder.record_count() >= options_.batch_num_messages;
  out.ready = out.ready || out.batch_full || urgent;
  return out;
}

void RecordAccumulator::recycle(ProducerBatch& batch) {
  // A batch far over batch.size (one large record) is not worth keeping.
  const std::size_t bytes = batch.builder.capacity();
  std::lock_guard lock(spare_mu_);
  if (spare_builders_.size() >= kSpareBuilders || spare_bytes_ + bytes > kSpareBytes ||
      bytes > 2 * options_.batch_size + kRequestOverhead) {
    return;
  }
  spare_bytes_ += bytes;
  protocol::RecordBatchBuilder& spare = spare_builders_.emplace_back(std::move(batch.builder));
  spare.reset();
  // Only batches in flight need a compressed copy: a recycled builder goes
  // back into the queue, where keeping one (sized for a whole batch) doubled
  // the memory of every compressed batch waiting to be sent.
  spare.release_compressed();
  batch.builder = protocol::RecordBatchBuilder{};
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
    std::lock_guard lock(q.mu);
    if (is_ready(q, now, flushing)) out.push_back(tp);
  }
  return out;
}

ProducerBatch* RecordAccumulator::head(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return nullptr;
  std::lock_guard lock(it->second.mu);
  return it->second.batches.empty() ? nullptr : it->second.batches.front().get();
}

std::size_t RecordAccumulator::head_bytes(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return 0;
  std::lock_guard lock(it->second.mu);
  return it->second.batches.empty() ? 0 : it->second.batches.front()->builder.size_in_bytes();
}

std::unique_ptr<ProducerBatch> RecordAccumulator::take_head_within(const TopicPartition& tp, std::size_t max_bytes) {
  PartitionQueue& q = partitions_.at(tp);
  std::lock_guard lock(q.mu);
  if (q.batches.empty() || q.batches.front()->builder.size_in_bytes() > max_bytes) return nullptr;
  return take_head_locked(q);
}

std::unique_ptr<ProducerBatch> RecordAccumulator::take_head(const TopicPartition& tp) {
  PartitionQueue& q = partitions_.at(tp);
  std::lock_guard lock(q.mu);
  return take_head_locked(q);
}

std::unique_ptr<ProducerBatch> RecordAccumulator::take_head_locked(PartitionQueue& q) {
  auto b = std::move(q.batches.front());
  q.batches.pop_front();
  if (b->attempts == 0) note_last_batch(q, *b);
  b->sealed = true;
  ++q.in_flight;
  return b;
}

void RecordAccumulator::returned(const TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it != partitions_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

void RecordAccumulator::reenqueue(std::unique_ptr<ProducerBatch> batch) {
  PartitionQueue& q = lane(batch->tp);
  std::lock_guard lock(q.mu);
  // Retries go back in creation order, ahead of every newer batch, so a
  // partition's records reach the log in the order they were sent.
  auto pos = std::find_if(q.batches.begin(), q.batches.end(),
                          [&](const std::unique_ptr<ProducerBatch>& b) { return b->order > batch->order; });
  q.batches.insert(pos, std::move(batch));
}

std::vector<std::unique_ptr<ProducerBatch>> RecordAccumulator::expire(Clock::time_point now) {
  std::vector<std::unique_ptr<ProducerBatch>> out;
  for (auto& [tp, q] : partitions_) {
    std::lock_guard lock(q.mu);
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
    std::lock_guard lock(q.mu);
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
    std::lock_guard lock(q.mu);
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
    std::lock_guard lock(q.mu);
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
  for (const auto& [tp, q] : partitions_) {
    std::lock_guard lock(q.mu);
    n += q.batches.size();
  }
  return n;
}

std::uint64_t RecordAccumulator::topic_appended(const std::string& topic) const {
  std::uint64_t n = 0;
  for (auto it = partitions_.lower_bound(TopicPartition{topic, INT32_MIN});
       it != partitions_.end() && it->first.topic == topic; ++it) {
    std::lock_guard lock(it->second.mu);
    n += it->second.appended;
  }
  return n;
}

bool RecordAccumulator::topic_idle(const std::string& topic) const {
  for (auto it = partitions_.lower_bound(TopicPartition{topic, INT32_MIN});
       it != partitions_.end() && it->first.topic == topic; ++it) {
    std::lock_guard lock(it->second.mu);
    if (!it->second.batches.empty() || it->second.in_flight != 0) return false;
  }
  return true;
}

bool RecordAccumulator::idle(const TopicPartition& tp) const {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return true;
  std::lock_guard lock(it->second.mu);
  return it->second.batches.empty() && it->second.in_flight == 0;
}

RecordAccumulator::QueueStats RecordAccumulator::queue_stats(const PartitionQueue& q) {
  std::lock_guard lock(q.mu);
  QueueStats s;
  s.appended = q.appended;
  for (const auto& b : q.batches) {
    const bool open = b.get() == q.batches.back().get() && b->attempts == 0 && !b->sealed;
    (open ? s.open_records : s.closed_records) += static_cast<std::uint64_t>(b->record_count());
    (open ? s.open_bytes : s.closed_bytes) += b->builder.size_in_bytes();
  }
  return s;
}

}  // namespace sluice::detail
