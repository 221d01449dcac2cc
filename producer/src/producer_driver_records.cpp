// ProducerDriver, records in: send() on application threads (the checks
// made at once; buffer space, staging and waking the I/O thread are the send
// gate's, send_gate.hpp), and on the I/O thread the take of what was staged,
// which the record placer (record_placer.hpp) puts into batches. See
// producer_driver.hpp for the threads.
#include <algorithm>
#include <future>
#include <string>

#include "producer_driver.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/errors.hpp"

namespace sluice::detail {

namespace {

// A record's size on the wire, generously: its bytes plus varint lengths,
// attributes, deltas and counts. Used for max.request.size and as the
// buffer.memory charge.
constexpr std::size_t kRecordOverhead = 5 + 1 + 10 + 5 + 5 + 5 + 5;

std::size_t estimate_size(const RecordRef& r) {
  std::size_t n = kRecordOverhead + r.topic.size();
  if (r.key) n += r.key->size();
  if (r.value) n += r.value->size();
  for (const auto& h : r.headers) n += 10 + h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

}  // namespace

void ProducerDriver::send(Record&& record, DeliveryCallback&& callback, bool urgent) {
  if (settings_.sync && !urgent) {
    DeliveryReport r = send_sync(std::move(record));
    if (callback) callback(r);
    return;
  }
  send(RecordRef::of(record), std::move(callback), urgent);
}

void ProducerDriver::send(const RecordRef& record, DeliveryCallback&& callback, bool urgent) {
  if (settings_.sync && !urgent) {
    DeliveryReport r = send_sync(record.to_record());
    if (callback) callback(r);
    return;
  }
  std::optional<DeliveryReport> refused;
  const std::size_t size = estimate_size(record);
  if (record.topic.empty()) {
    refused = DeliveryReport{};
    refused->error = errc::unknown_topic;
    refused->error_message = "record has no topic: set Record::topic";
  } else if (size + kRequestOverhead > settings_.max_request_size || size > settings_.buffer_memory) {
    refused = DeliveryReport{};
    refused->topic = std::string(record.topic);
    refused->error = errc::record_too_large;
    refused->error_message = "record for topic '" + refused->topic + "' is about " + std::to_string(size) +
                             " bytes, over max.request.size (" + std::to_string(settings_.max_request_size) +
                             ") or buffer.memory (" + std::to_string(settings_.buffer_memory) +
                             "): raise them or send less";
  }
  bool kick = false;
  if (refused) {
    if (callback) callback(*refused);
    return;
  }
  Admission admission = gate_.admit(record, callback, size, urgent, !on_io_thread(), kick);
  if (admission.refused) {
    if (callback) callback(*admission.refused);
    return;
  }
  if (admission.route) kick = append_routed(record, *admission.route, callback, size, urgent, admission.generation);
  if (kick) post([this] { run_pass(); });
}

bool ProducerDriver::append_routed(const RecordRef& record, const TopicRoute& route, DeliveryCallback& callback,
                                   std::size_t size, bool urgent, std::uint64_t generation) {
  // The sender places the record itself (the Java client's doSend): its
  // partition, then its bytes encoded once, straight into that partition's
  // open batch under the partition's lock. The I/O thread only seals,
  // stamps and sends.
  auto bytes_of = [](const std::optional<std::string_view>& s) -> std::optional<protocol::ByteView> {
    if (!s) return std::nullopt;
    return protocol::as_bytes(*s);
  };
  const std::optional<protocol::ByteView> key = bytes_of(record.key);
  std::int32_t partition;
  if (record.partition) {
    partition = *record.partition;  // within the route's count (the gate checked)
    partitioner_.on_append(route.topic, partition, size, false);
  } else {
    // Chosen and counted under one lock: the sticky partitioner learns of
    // the record's bytes before its append (a record the accumulator then
    // refuses is counted anyway: it only moves the switch a little early).
    const PartitionChoice chosen =
        partitioner_.choose_and_count(route.topic, key, route.partition_count, route.available, size);
    if (!chosen.ok()) {
      DeliveryReport r;
      r.topic = route.topic;
      r.error = chosen.error;
      r.error_message = chosen.message;
      end_routed(r, callback, generation, size);
      return false;
    }
    partition = chosen.partition;
  }
  thread_local std::vector<protocol::RecordHeaderView> headers;
  headers.clear();
  for (const auto& h : record.headers) {
    headers.push_back({h.key, bytes_of(h.value)});
  }
  // CreateTime: the record's own, else now (one clock reading per record,
  // as the Java client's send()); a batch opened by it starts its linger
  // and delivery.timeout.ms now.
  const std::int64_t timestamp = record.timestamp_ms ? *record.timestamp_ms : clock_->wall_ms();
  RecordAccumulator::Lane& lane = *route.lanes[static_cast<std::size_t>(partition)];
  const RecordAccumulator::Appended appended = accumulator_.append(
      lane, timestamp, key, bytes_of(record.value), headers, std::move(callback), size, [this] { return clock_->steady(); }, urgent, generation);
  if (!appended.appended) {
    // Closed or failed since the gate let it in: what is queued has been
    // (or is being) failed by the I/O thread; this record is reported here.
    DeliveryReport r = gate_.refusal(record);
    r.partition = partition;
    end_routed(r, callback, generation, size);
    return false;
  }
  // The bytes were counted before the append; a batch it filled is the one
  // more thing the sticky partitioner needs (on_append(.., true) would move
  // on exactly when batch_closed() does).
  if (appended.batch_full) partitioner_.on_batch_closed(route.topic, partition);
  // A record that joined a batch already open, without making anything
  // ready, needs nothing of the gate: the record that opened the batch
  // told the gate (a pass was kicked or promised for it), a flush's pass
  // drains the batch with the record in it or the record opens a new one,
  // and the batch is sent whole. Skipping the gate's lock here saves one
  // lock per record (as the Java client wakes its sender only when a batch
  // is new or full).
  if (!appended.opened_batch && !appended.ready && !urgent) return false;
  return gate_.appended(appended.ready, urgent);
}

void ProducerDriver::end_routed(const DeliveryReport& report, const DeliveryCallback& callback,
                                std::uint64_t generation, std::size_t size) {
  // On the sender's thread, as a refused send() reports: the record never
  // reached the I/O side. Then its admission is settled.
  if (callback) callback(report);
  gate_.settle(std::span<const std::uint64_t>(&generation, 1), size);
}

void ProducerDriver::publish_routes() {
  // A topic's senders append straight into its batches while it has usable
  // metadata and no record kept back by the placer (those go first). A
  // route is rebuilt only when the metadata changed.
  const bool metadata_changed = std::exchange(routes_seen_changes_, cluster_.metadata_changes()) !=
                                cluster_.metadata_changes();
  // Topics whose route the gate refused: records of theirs were staged
  // since this pass took the inbox (under steady sending, every pass).
  std::vector<std::string> refused;
  // The topic's metadata when a route can be built from it, else null.
  auto routable = [this](const std::string& name) -> const net::TopicInfo* {
    const net::TopicInfo* info = cluster_.metadata().topic(name);
    const bool usable = info != nullptr && info->error_code == 0 && !info->partitions.empty() && !placer_.holds(name);
    return usable ? info : nullptr;
  };
  placer_.for_each_topic([&](const std::string& name) {
    const net::TopicInfo* info = routable(name);
    auto old = routes_.find(name);
    if (info == nullptr) {
      if (old != routes_.end()) {
        gate_.withdraw(name);
        routes_.erase(old);
      }
      return;
    }
    if (old != routes_.end() && (!metadata_changed || old->second->same_as(*info))) return;
    auto route = make_route(name, *info, accumulator_);
    if (gate_.publish(route)) {
      routes_[name] = std::move(route);
    } else {
      if (old != routes_.end()) {
        gate_.withdraw(name);  // records of it staged meanwhile: they go first, through the placer
        routes_.erase(old);
      }
      refused.push_back(name);
    }
  });
  if (!refused.empty()) {
    // Place what was staged meanwhile and try once more: the window is now
    // this step, not a whole pass, so a steady sender does not keep its
    // topic on the staging path.
    take_incoming(true);
    for (const auto& name : refused) {
      const net::TopicInfo* info = routable(name);
      if (info == nullptr) continue;
      auto route = make_route(name, *info, accumulator_);
      if (gate_.publish(route)) routes_[name] = std::move(route);
    }
  }
  // Topics the placer forgot (metadata.max.idle.ms).
  for (auto it = routes_.begin(); it != routes_.end();) {
    if (placer_.knows(it->first)) {
      ++it;
    } else {
      gate_.withdraw(it->first);
      it = routes_.erase(it);
    }
  }
}

DeliveryReport ProducerDriver::send_sync(Record record) {
  if (on_io_thread()) {
    DeliveryReport r;
    r.topic = record.topic;
    r.error = errc::would_deadlock;
    r.error_message = "a sync send from a delivery callback would wait for this very thread: use send() with a "
                      "callback there";
    return r;
  }
  std::promise<DeliveryReport> promise;
  auto future = promise.get_future();
  send(std::move(record), [&promise](const DeliveryReport& r) { promise.set_value(r); }, true);
  return future.get();
}

void ProducerDriver::take_incoming(bool place_now) {
  const TakenInbox took = gate_.take(taken_);
  flushing_ = took.flushing;
  PlacerActions actions;
  placer_.place_taken(taken_, took.promised, clock_->steady(), clock_->wall_ms(), place_now, actions);
  carry_out(actions);
}

void ProducerDriver::carry_out(PlacerActions& actions) {
  if (actions.metadata_wanted) cluster_.want_metadata();
  for (auto& e : actions.ended) {
    fail_record(std::move(e.topic), e.partition, std::move(e.callback), e.generation, e.reserved, e.error, e.message);
  }
  actions.ended.clear();
}

}  // namespace sluice::detail
