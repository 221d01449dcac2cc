// RecordPlacer: records from the send gate into their partitions' batches,
// or kept until they can be. See record_placer.hpp.
#include "record_placer.hpp"

#include <exception>

#include "sluice/errors.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

namespace {

std::optional<protocol::ByteView> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return protocol::as_bytes(*s);
}

// A staged record kept as a Record (waiting or beyond): its bytes copied out
// of the inbox, its callback moved.
PendingRecord pending(Inbox& from, Inbox::Entry& e) {
  return PendingRecord{from.record(e), std::move(e.callback), e.enqueued, e.reserved, e.urgent, e.generation};
}

}  // namespace

void RecordPlacer::end(PendingRecord& p, std::error_code ec, std::string message, PlacerActions& out) {
  out.ended.push_back(RecordEnd{p.record.topic, p.record.partition.value_or(-1), std::move(p.callback), p.generation,
                                p.reserved, ec, std::move(message)});
}

void RecordPlacer::place_taken(Inbox& taken, bool promised, Clock::time_point now, std::int64_t wall_ms,
                               bool place_now, PlacerActions& out) {
  const Clock::time_point previous_take = std::exchange(last_take_, now);
  if (taken.empty() && parked_.empty()) return;
  pass_steady_ = now;
  pass_wall_ms_ = wall_ms;
  wall_cache_ = {};
  // Records staged while a pass was promised (send() did not wake this
  // thread) were sent after the previous take, at most about linger.ms ago:
  // their linger and timeouts start there, so waiting for this pass is not
  // added to their linger. Otherwise send() woke this thread at once.
  const Clock::time_point taken_at = promised ? std::min(previous_take, now) : now;
  // Parked records first (they were sent earlier). A topic without
  // metadata now has none for the whole call, so its new records park
  // behind its parked ones and each topic keeps send order.
  if (!parked_.empty()) {
    std::vector<Target> parked_targets;  // per topic index of the inbox at hand
    const Inbox* current = nullptr;
    parked_.retain([&](Inbox& in, Inbox::Entry& e) {
      if (&in != current) {
        current = &in;
        parked_targets.assign(in.topic_count(), Target{});
      }
      Target& t = parked_targets[e.topic];
      if (t.state == nullptr) target(in.topic(e), t);
      return !place_staged(in, e, t, place_now, out);
    });
  }
  targets_.clear();
  targets_.resize(taken.topic_count());
  if (park_whole_inbox(taken, place_now, taken_at)) return;
  for (auto& e : taken.entries()) {
    // One time for everything taken: linger.ms, delivery.timeout.ms and
    // max.block.ms run from it, and it is the records' CreateTime.
    e.enqueued = taken_at;
    Target& t = targets_[e.topic];
    if (t.state == nullptr) target(taken.topic(e), t);
    if (!place_staged(taken, e, t, place_now, out)) parked_.adopt(taken, e);
  }
  taken.clear();
}

bool RecordPlacer::park_whole_inbox(Inbox& taken, bool place_now, Clock::time_point taken_at) {
  // Only when no record taken could be placed now: no topic taken has
  // metadata, and none has records waiting as Records ahead of it. (Parked
  // records are older: the inbox goes behind them, send order is kept.)
  // Only the topics of the records taken: an inbox also keeps the names of
  // earlier passes' topics, and looking those up would keep a topic no
  // longer sent to in use (and bring it back once forgotten).
  if (!place_now || taken.empty()) return false;
  for (const auto& e : taken.entries()) {
    Target& t = targets_[e.topic];
    if (t.state != nullptr) continue;  // looked at already: it cannot be placed
    target(taken.topic(e), t);
    if (t.info != nullptr || !t.state->waiting.empty()) return false;
  }
  for (auto& e : taken.entries()) e.enqueued = taken_at;
  parked_.park_whole(taken);
  return true;
}

bool RecordPlacer::place_staged(Inbox& from, Inbox::Entry& e, Target& t, bool place_now, PlacerActions& out) {
  // Records already waiting as Records (handed over by purge or close) go
  // first: behind them, a record waits too.
  if (!place_now || !t.state->waiting.empty()) {
    t.state->waiting.push_back(pending(from, e));
    return true;
  }
  if (t.info == nullptr) return false;
  from.header_views(e, header_scratch_);
  const RecordView r{e.has_partition ? std::optional<std::int32_t>(e.partition) : std::nullopt,
                     from.bytes(e.key),
                     from.bytes(e.value),
                     header_scratch_,
                     e.has_timestamp ? std::optional<std::int64_t>(e.timestamp_ms) : std::nullopt};
  if (!place(t, r, std::move(e.callback), e.reserved, e.enqueued, e.urgent, e.generation, out)) {
    // A partition the metadata does not list yet.
    t.state->beyond.push_back(pending(from, e));
  }
  return true;
}

void RecordPlacer::place_waiting(Clock::time_point now, std::int64_t wall_ms, PlacerActions& out) {
  for (auto& [name, topic] : topics_) {
    if ((topic.waiting.empty() && topic.beyond.empty()) || fail_if_refused(name, topic, out)) continue;
    Target t;
    target(name, t);
    if (t.info == nullptr) {
      out.metadata_wanted = true;
      continue;
    }
    pass_steady_ = now;
    pass_wall_ms_ = wall_ms;
    wall_cache_ = {};
    // Records for partitions not listed before first (sent earlier), then
    // those that waited for the topic's metadata; a partition still not
    // listed keeps its records in `beyond`, in order.
    auto place_or_keep = [&](PendingRecord& p) {
      const Record& rec = p.record;
      header_scratch_.clear();
      for (const auto& h : rec.headers) header_scratch_.push_back({h.key, view(h.value)});
      RecordView r{rec.partition, view(rec.key), view(rec.value), header_scratch_, rec.timestamp_ms};
      if (!place(t, r, std::move(p.callback), p.reserved, p.enqueued, p.urgent, p.generation, out)) {
        topic.beyond.push_back(std::move(p));
      }
    };
    for (auto pending = std::exchange(topic.beyond, {}); auto& p : pending) place_or_keep(p);
    for (auto pending = std::exchange(topic.waiting, {}); auto& p : pending) place_or_keep(p);
  }
  if (!parked_.empty()) out.metadata_wanted = true;
}

void RecordPlacer::unpark(Clock::time_point now, PlacerActions& out) {
  // Parked records go to their topic's waiting queue once max.block.ms has
  // passed (failed below), or at once when Metadata refused the topic for
  // good. The usual case is looked at once rather than per record: the
  // oldest parked record (send order) is still within max.block.ms, so all
  // are, and no parked topic has been refused.
  if (!parked_.empty() &&
      (now >= parked_.front().enqueued + options_.max_block ||
       parked_.any_topic([this](const std::string& topic) { return refused_topic(topic) != nullptr; }))) {
    parked_.retain([&](Inbox& in, Inbox::Entry& e) {
      if (now < e.enqueued + options_.max_block && refused_topic(in.topic(e)) == nullptr) return true;
      TopicState& state = topics_[in.topic(e)];
      state.waiting.push_back(pending(in, e));
      return false;
    });
  }
  for (auto& [name, topic] : topics_) {
    if (!topic.waiting.empty() || !topic.beyond.empty()) fail_if_refused(name, topic, out);
  }
}

void RecordPlacer::expire(Clock::time_point now, const std::string& last_failure, PlacerActions& out) {
  const std::string block = std::to_string(options_.max_block.count());
  for (auto& [name, topic] : topics_) {
    while (!topic.beyond.empty() && now >= topic.beyond.front().enqueued + options_.max_block) {
      const net::TopicInfo* info = metadata_.topic(name);
      const std::string count = info ? std::to_string(info->partitions.size()) : "no known";
      PendingRecord& p = topic.beyond.front();
      end(p, errc::invalid_partition,
          "partition " + std::to_string(p.record.partition.value_or(-1)) + " of topic '" + name +
              "' is not in the metadata after max.block.ms (" + block + " ms; the topic has " + count +
              " partitions): send to an existing partition, or add partitions first",
          out);
      topic.beyond.pop_front();
    }
    while (!topic.waiting.empty() && now >= topic.waiting.front().enqueued + options_.max_block) {
      const net::TopicInfo* info = metadata_.topic(name);
      std::string why = info ? "topic '" + name + "' is unavailable (" +
                                   protocol::kafka_error_info(info->error_code).name + ") after max.block.ms (" +
                                   block + " ms): create the topic, check its name, or allow.auto.create.topics"
                             : "no metadata for topic '" + name +
                                   "' within max.block.ms: no broker answered (bootstrap.servers=" +
                                   options_.bootstrap_servers + ")" +
                                   (last_failure.empty() ? "" : "; last connection failure: " + last_failure);
      end(topic.waiting.front(), info ? errc::unknown_topic : errc::no_broker_available, std::move(why), out);
      topic.waiting.pop_front();
    }
  }
}

std::size_t RecordPlacer::purge(PlacerActions& out) {
  std::size_t n = 0;
  for (auto& [name, topic] : topics_) {
    for (auto* queue : {&topic.waiting, &topic.beyond}) {
      for (auto& w : *queue) {
        ++n;
        end(w, errc::purged, "purged while waiting for metadata of topic '" + name + "'", out);
      }
      queue->clear();
    }
  }
  return n;
}

void RecordPlacer::fail_all(std::error_code ec, const std::string& why, PlacerActions& out) {
  for (auto& [name, topic] : topics_) {
    for (auto& w : topic.waiting) end(w, ec, why + " (topic '" + name + "' had no metadata yet)", out);
    topic.waiting.clear();
    for (auto& w : topic.beyond) {
      end(w, ec, why + " (its partition was not yet in the metadata of topic '" + name + "')", out);
    }
    topic.beyond.clear();
  }
}

std::vector<std::string> RecordPlacer::topic_names() const {
  std::vector<std::string> names;
  names.reserve(topics_.size());
  for (const auto& [name, topic] : topics_) names.push_back(name);
  return names;
}

bool RecordPlacer::topic_in_use(const std::string& name) const {
  auto it = topics_.find(name);
  if (it != topics_.end() && (!it->second.waiting.empty() || !it->second.beyond.empty())) return true;
  if (parked_.any_topic([&name](const std::string& t) { return t == name; })) return true;
  return !accumulator_.topic_idle(name);
}

bool RecordPlacer::holds(const std::string& name) const {
  auto it = topics_.find(name);
  if (it != topics_.end() && (!it->second.waiting.empty() || !it->second.beyond.empty())) return true;
  return parked_.any_topic([&name](const std::string& t) { return t == name; });
}

std::vector<std::string> RecordPlacer::forget_idle(Clock::time_point now) {
  std::vector<std::string> forgotten;
  for (auto it = topics_.begin(); it != topics_.end();) {
    // Records sent straight into batches (a published route) never pass
    // through here: their count tells that the topic is in use.
    const std::uint64_t routed = accumulator_.topic_appended(it->first) - it->second.placed;
    if (routed != it->second.routed_seen) {
      it->second.routed_seen = routed;
      it->second.last_used = now;
    }
    if (now - it->second.last_used >= options_.metadata_max_idle && !topic_in_use(it->first)) {
      forgotten.push_back(it->first);
      it = topics_.erase(it);
    } else {
      ++it;
    }
  }
  return forgotten;
}

std::optional<Clock::time_point> RecordPlacer::next_wakeup(Clock::time_point now) const {
  std::optional<Clock::time_point> next;
  auto future = [&](Clock::time_point t) {
    if (t > now && (!next || t < *next)) next = t;
  };
  for (const auto& [name, topic] : topics_) {
    if (!topic.waiting.empty()) future(topic.waiting.front().enqueued + options_.max_block);
    if (!topic.beyond.empty()) future(topic.beyond.front().enqueued + options_.max_block);
  }
  if (!parked_.empty()) future(parked_.front().enqueued + options_.max_block);
  return next;
}

const net::TopicInfo* RecordPlacer::refused_topic(const std::string& name) const {
  const net::TopicInfo* meta = metadata_.topic(name);
  if (meta == nullptr || meta->error_code == 0 || protocol::kafka_error_info(meta->error_code).retriable) return nullptr;
  return meta;
}

bool RecordPlacer::fail_if_refused(const std::string& name, TopicState& topic, PlacerActions& out) {
  const net::TopicInfo* meta = refused_topic(name);
  if (meta == nullptr) return false;
  // TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION: waiting for
  // max.block.ms cannot help, so each record fails now (as the Java
  // client's send does), while other topics keep flowing.
  const std::int16_t code = meta->error_code;
  const auto& info = protocol::kafka_error_info(code);
  const std::string why = "topic '" + name + "': the broker answered " + info.name + " (" + info.message +
                          "), which retrying cannot change" +
                          (code == static_cast<std::int16_t>(protocol::kafka_errc::topic_authorization_failed)
                               ? ": grant this principal WRITE on the topic (a Kafka ACL), or use another topic"
                               : "");
  for (auto* queue : {&topic.waiting, &topic.beyond}) {
    for (auto& w : *queue) end(w, protocol::kafka_error(code), why, out);
    queue->clear();
  }
  return true;
}

RecordPlacer::Target& RecordPlacer::target(const std::string& topic, Target& t) {
  auto it = topics_.try_emplace(topic).first;
  t.name = &it->first;
  t.state = &it->second;
  t.state->last_used = last_take_;
  t.info = metadata_.topic(topic);
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

std::int64_t RecordPlacer::wall_ms(Clock::time_point t) {
  if (t == pass_steady_) return pass_wall_ms_;  // taken by this pass
  if (t == wall_cache_.first) return wall_cache_.second;  // the records of one take share their time
  const std::int64_t ms =
      pass_wall_ms_ - std::chrono::duration_cast<std::chrono::milliseconds>(pass_steady_ - t).count();
  wall_cache_ = {t, ms};
  return ms;
}

bool RecordPlacer::place(Target& t, const RecordView& r, DeliveryCallback&& callback, std::size_t reserved,
                         Clock::time_point enqueued, bool urgent, std::uint64_t generation, PlacerActions& out) {
  const std::string& topic = *t.name;
  const auto count = static_cast<std::int32_t>(t.info->partitions.size());
  std::int32_t partition;
  auto fail = [&](std::error_code ec, std::string message) {
    out.ended.push_back(
        RecordEnd{topic, r.partition.value_or(-1), std::move(callback), generation, reserved, ec, std::move(message)});
  };
  if (r.partition) {
    if (*r.partition < 0) {
      fail(errc::invalid_partition, "partition " + std::to_string(*r.partition) + " of topic '" + topic +
                                        "' does not exist (partitions are numbered from 0)");
      return true;
    }
    if (*r.partition >= count) {
      // Perhaps added since the last Metadata answer: ask again and wait
      // (expire() ends it after max.block.ms).
      out.metadata_wanted = true;
      return false;
    }
    // Earlier records for this partition still wait: this one goes behind.
    for (const auto& w : t.state->beyond) {
      if (w.record.partition == r.partition) return false;
    }
    partition = *r.partition;
  } else {
    const PartitionChoice chosen = partitioner_.choose(topic, r.key, count, t.available);
    if (!chosen.ok()) {
      fail(chosen.error, chosen.message);
      return true;
    }
    partition = chosen.partition;
  }
  const std::int64_t ts = r.timestamp_ms ? *r.timestamp_ms : wall_ms(enqueued);
  RecordAccumulator::Lane*& lane = t.lanes[static_cast<std::size_t>(partition)];
  if (lane == nullptr) lane = &accumulator_.lane(TopicPartition{topic, partition});
  const RecordAccumulator::Appended appended =
      accumulator_.append(*lane, ts, r.key, r.value, r.headers, std::move(callback), reserved, enqueued, urgent,
                          generation);
  if (!appended.appended) {
    // Closing or failed: appends are closed (ProducerDriver::fail_everything).
    fail(errc::closed, "producer closed before the record for " + topic + "-" + std::to_string(partition) +
                           " reached a batch");
    return true;
  }
  ++t.state->placed;
  // Sticky placement moves on once this partition's batch is full (KIP-794).
  partitioner_.on_append(topic, partition, reserved, appended.batch_full);
  return true;
}

}  // namespace sluice::detail
