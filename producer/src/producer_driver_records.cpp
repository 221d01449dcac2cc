// ProducerDriver, records in: send() on application threads (the checks
// made at once; buffer space, staging and waking the I/O thread are the send
// gate's, send_gate.hpp), and on the I/O thread the take of what was staged,
// which the record placer (record_placer.hpp) puts into batches. See
// producer_driver.hpp for the threads.
#include <algorithm>
#include <future>
#include <string>

#include "producer_driver.hpp"
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
  if (!refused) refused = gate_.offer(record, callback, size, urgent, !on_io_thread(), kick);
  if (refused) {
    if (callback) callback(*refused);
    return;
  }
  if (kick) post([this] { run_pass(); });
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
