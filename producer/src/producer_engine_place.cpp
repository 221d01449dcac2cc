// ProducerEngine, placement: takes the records send() staged in the inbox
// and encodes each into its partition's open batch (partition choice,
// timestamps, accumulator lanes looked up once per pass). Runs on the I/O
// thread only; see producer_engine.hpp.
#include <chrono>
#include <exception>
#include <string>

#include "producer_engine.hpp"
#include "sluice/errors.hpp"

namespace sluice::detail {

void ProducerEngine::take_incoming(bool place_now) {
  bool wake_senders = false;
  bool promised = false;
  {
    std::lock_guard lock(mu_);
    incoming_.swap(taken_);  // taken_ was left empty, its capacity kept for the next sends
    kick_posted_ = false;
    promised = pass_promised_;
    flushing_ = flush_requests_ > 0 || closed_;
    wake_senders = inbox_waiters_ > 0;  // some may wait for the inbox to be taken (admit)
  }
  if (wake_senders) inbox_cv_.notify_all();
  const Clock::time_point previous_take = std::exchange(last_take_, clock_->steady());
  if (taken_.empty() && parked_.empty()) return;
  pass_steady_ = last_take_;
  pass_wall_ms_ = clock_->wall_ms();
  wall_cache_ = {};
  // Records staged while a pass was promised (send() did not wake this
  // thread) were sent after the previous take, at most about linger.ms ago:
  // their linger and timeouts start there, so waiting for this pass is not
  // added to their linger. Otherwise send() woke this thread at once.
  const Clock::time_point taken_at = promised ? std::min(previous_take, pass_steady_) : pass_steady_;
  // Parked records first (they were sent earlier). A topic without
  // metadata now has none for the whole call, so its new records park
  // behind its parked ones and each topic keeps send order.
  if (!parked_.empty()) {
    std::vector<PlaceTarget> parked_targets;  // per topic index of the inbox at hand
    const Inbox* current = nullptr;
    parked_.retain([&](Inbox& in, Inbox::Entry& e) {
      if (&in != current) {
        current = &in;
        parked_targets.assign(in.topic_count(), PlaceTarget{});
      }
      PlaceTarget& t = parked_targets[e.topic];
      if (t.state == nullptr) target(in.topic(e), t);
      return !place_staged(in, e, t, place_now);
    });
  }
  targets_.clear();
  targets_.resize(taken_.topic_count());
  if (park_whole_inbox(place_now, taken_at)) return;
  for (auto& e : taken_.entries()) {
    // One time for everything taken (this take, or the previous one when a
    // pass was promised): linger.ms, delivery.timeout.ms and max.block.ms
    // run from it, and it is the records' CreateTime.
    e.enqueued = taken_at;
    PlaceTarget& t = targets_[e.topic];
    if (t.state == nullptr) target(taken_.topic(e), t);
    if (!place_staged(taken_, e, t, place_now)) parked_.adopt(taken_, e);
  }
  taken_.clear();
}

bool ProducerEngine::park_whole_inbox(bool place_now, Clock::time_point taken_at) {
  // Only when no record taken could be placed now: no topic taken has
  // metadata, and none has records waiting as Records ahead of it. (Parked
  // records are older: the inbox goes behind them, send order is kept.)
  if (!place_now || taken_.empty()) return false;
  for (std::uint32_t i = 0; i < taken_.topic_count(); ++i) {
    PlaceTarget& t = target(taken_.topic_at(i), targets_[i]);
    if (t.info != nullptr || !t.state->waiting.empty()) return false;
  }
  for (auto& e : taken_.entries()) e.enqueued = taken_at;
  parked_.park_whole(taken_);
  return true;
}

bool ProducerEngine::place_staged(Inbox& from, Inbox::Entry& e, PlaceTarget& t, bool place_now) {
  // Records already waiting as Records (handed over by purge or close) go
  // first: behind them, a record waits too.
  if (!place_now || !t.state->waiting.empty()) {
    t.state->waiting.push_back(
        PendingRecord{from.record(e), std::move(e.callback), e.enqueued, e.reserved, e.urgent, e.generation});
    return true;
  }
  if (t.info == nullptr) return false;
  from.header_views(e, header_scratch_);
  std::optional<std::string> key_string;
  if (options_.partitioner && !e.has_partition) key_string = from.string(e.key);
  const RecordView r{e.has_partition ? std::optional<std::int32_t>(e.partition) : std::nullopt,
                     from.bytes(e.key),
                     from.bytes(e.value),
                     header_scratch_,
                     e.has_timestamp ? std::optional<std::int64_t>(e.timestamp_ms) : std::nullopt,
                     &key_string};
  if (!place(t, r, std::move(e.callback), e.reserved, e.enqueued, e.urgent, e.generation)) {
    // A partition the metadata does not list yet.
    t.state->beyond.push_back(
        PendingRecord{from.record(e), std::move(e.callback), e.enqueued, e.reserved, e.urgent, e.generation});
  }
  return true;
}

// Parked records go to their topic's waiting queue once max.block.ms has
// passed (expire() fails them there), or at once when Metadata refused the
// topic for good (run_pass fails them: fail_if_refused).
void ProducerEngine::unpark_expired(Clock::time_point now) {
  if (parked_.empty()) return;
  // The usual case, looked at once rather than per record each pass: the
  // oldest parked record (send order) is still within max.block.ms, so all
  // are, and no parked topic has been refused.
  if (now < parked_.front().enqueued + settings_.max_block &&
      !parked_.any_topic([this](const std::string& topic) { return refused_topic(topic) != nullptr; })) {
    return;
  }
  parked_.retain([&](Inbox& in, Inbox::Entry& e) {
    if (now < e.enqueued + settings_.max_block && refused_topic(in.topic(e)) == nullptr) return true;
    TopicState& state = topics_[in.topic(e)];
    state.waiting.push_back(
        PendingRecord{in.record(e), std::move(e.callback), e.enqueued, e.reserved, e.urgent, e.generation});
    return false;
  });
}

PlaceTarget& ProducerEngine::target(const std::string& topic, PlaceTarget& t) {
  auto it = topics_.try_emplace(topic).first;
  t.name = &it->first;
  t.state = &it->second;
  t.state->last_used = last_take_;
  t.info = cluster_.metadata().topic(topic);
  if (t.info != nullptr && (t.info->error_code != 0 || t.info->partitions.empty())) t.info = nullptr;
  t.available.clear();
  t.lanes.clear();
  if (t.info != nullptr) {
    for (std::size_t i = 0; i < t.info->partitions.size(); ++i) {
      if (t.info->partitions[i].leader_id >= 0) t.available.push_back(static_cast<std::int32_t>(i));
    }
    t.lanes.assign(t.info->partitions.size(), nullptr);
  }
  return t;
}

std::int64_t ProducerEngine::wall_ms(Clock::time_point t) {
  if (t == pass_steady_) return pass_wall_ms_;  // taken by this pass
  if (t == wall_cache_.first) return wall_cache_.second;  // the records of one take share their time
  const std::int64_t ms =
      pass_wall_ms_ - std::chrono::duration_cast<std::chrono::milliseconds>(pass_steady_ - t).count();
  wall_cache_ = {t, ms};
  return ms;
}

bool ProducerEngine::place(PlaceTarget& t, const RecordView& r, DeliveryCallback&& callback, std::size_t reserved,
                           Clock::time_point enqueued, bool urgent, std::uint64_t generation) {
  const std::string& topic = *t.name;
  const auto count = static_cast<std::int32_t>(t.info->partitions.size());
  std::int32_t partition;
  auto fail = [&](std::error_code ec, const std::string& message) {
    fail_record(topic, r.partition.value_or(-1), std::move(callback), generation, reserved, ec, message);
  };
  if (r.partition) {
    if (*r.partition < 0) {
      fail(errc::invalid_partition, "partition " + std::to_string(*r.partition) + " of topic '" + topic +
                                        "' does not exist (partitions are numbered from 0)");
      return true;
    }
    if (*r.partition >= count) {
      // Perhaps added since the last Metadata answer: ask again and wait
      // (expire() fails it after max.block.ms).
      cluster_.want_metadata();
      return false;
    }
    // Earlier records for this partition still wait: this one goes behind.
    for (const auto& w : t.state->beyond) {
      if (w.record.partition == r.partition) return false;
    }
    partition = *r.partition;
  } else if (options_.partitioner) {
    std::int32_t chosen = -1;
    std::string why;
    try {
      chosen = options_.partitioner(PartitionRequest{topic, *r.key_string, count});
    } catch (const std::exception& e) {
      why = std::string("threw: ") + e.what();
    } catch (...) {
      why = "threw a non-standard exception";
    }
    if (chosen < 0 || chosen >= count) {
      if (why.empty()) why = "returned " + std::to_string(chosen);
      fail(errc::partitioner_failed, "the partitioner for topic '" + topic + "' " + why + " (the topic has " +
                                         std::to_string(count) + " partitions: return 0.." +
                                         std::to_string(count - 1) + ")");
      return true;
    }
    partition = chosen;
  } else {
    auto chosen = partitioner_.choose(topic, r.key, count, t.available);
    if (!chosen) {
      fail(errc::partitioner_failed, chosen.error().message);
      return true;
    }
    partition = chosen.value();
  }
  const std::int64_t ts = r.timestamp_ms ? *r.timestamp_ms : wall_ms(enqueued);
  RecordAccumulator::Lane*& lane = t.lanes[static_cast<std::size_t>(partition)];
  if (lane == nullptr) lane = &accumulator_.lane(TopicPartition{topic, partition});
  const ProducerBatch& batch =
      accumulator_.append(*lane, ts, r.key, r.value, r.headers, std::move(callback), reserved, enqueued, urgent,
                          generation);
  // Sticky placement moves on once this partition's batch is full (KIP-794).
  const bool batch_full = batch.builder.size_in_bytes() >= settings_.batch_size ||
                          batch.builder.record_count() >= settings_.batch_num_messages;
  partitioner_.on_append(topic, partition, reserved, batch_full);
  return true;
}

}  // namespace sluice::detail
