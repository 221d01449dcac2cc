// ProducerEngine, send(): what application threads call to hand over a
// record: checks made at once, buffer space (buffer.memory,
// queue.buffering.max.messages, max.block.ms), staging in the inbox, and
// when to wake the I/O thread. See producer_engine.hpp for the threads.
#include <algorithm>
#include <future>
#include <string>

#include "producer_engine.hpp"
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

std::optional<DeliveryReport> ProducerEngine::admit(const RecordRef& record, std::size_t reserved,
                                                    std::unique_lock<std::mutex>& lock) {
  // The report is built only for a refused record (no topic copy per send).
  auto refuse = [&](std::error_code ec, std::string message) {
    DeliveryReport r;
    r.topic = std::string(record.topic);
    r.partition = record.partition.value_or(-1);
    r.error = ec;
    r.error_message = std::move(message);
    return r;
  };
  if (closed_) {
    return refuse(errc::closed, "send() after close(): record for topic '" + std::string(record.topic) + "' not accepted");
  }
  if (fatal_) return refuse(fatal_, fatal_message_);
  auto has_space = [&] {
    const bool bytes_ok = buffered_bytes_ + reserved <= settings_.buffer_memory;
    const bool count_ok = settings_.max_queued_records == 0 || outstanding_ < settings_.max_queued_records;
    return (bytes_ok && count_ok) || closed_ || fatal_;
  };
  if (!has_space()) {
    if (!on_io_thread() && settings_.enqueue_timeout.count() > 0) {
      // settle() wakes waiters once the buffer has some room to spare
      // (space_slack_bytes_ / _records_), not at every batch: a sender
      // woken per batch ran a batch's worth and blocked again, two context
      // switches each time. Room below that slack is found by looking again
      // every kSpacePoll, so it is never missed for long. This thread blocks
      // in real time, so it measures max.block.ms on the real steady clock,
      // not the engine's (engine_clock.hpp).
      const auto deadline = Clock::now() + settings_.enqueue_timeout;
      ++space_waiters_;
      for (auto now = Clock::now(); !has_space() && now < deadline; now = Clock::now()) {
        space_cv_.wait_for(lock, std::min<Clock::duration>(deadline - now, kSpacePoll));
      }
      --space_waiters_;
    }
    if (closed_) return refuse(errc::closed, "producer closed while send() waited for buffer space");
    if (fatal_) return refuse(fatal_, fatal_message_);
    if (!has_space()) {
      return refuse(errc::queue_full,
                    "producer buffer full for topic '" + std::string(record.topic) + "' (" +
                        std::to_string(buffered_bytes_) + " of buffer.memory=" + std::to_string(settings_.buffer_memory) + " bytes, " +
                        std::to_string(outstanding_) + " records" +
                        (on_io_thread() ? "; send() from a delivery callback never waits)"
                                        : ") after " + std::to_string(settings_.enqueue_timeout.count()) + " ms (max.block.ms, or queue.enqueue.timeout.ms if set)" +
                                              ": the brokers are not keeping up or are unreachable"));
    }
  }
  // The staging inbox is a hand-over, not a second buffer: once it holds
  // kInboxSoftLimit bytes, send() lets the I/O thread take it first (a
  // context switch per MiB at most). Unbounded, a sender that outran the
  // I/O thread had the same records in the inbox and in their batches at
  // once, up to twice buffer.memory. Not on an application's io_context
  // (the thread running it may be this one) nor from a callback; and after
  // max.block.ms the record goes in anyway (a soft limit: never an error).
  if (own_io_ && !on_io_thread() && incoming_.byte_size() >= kInboxSoftLimit) {
    ++inbox_waiters_;
    inbox_cv_.wait_for(lock, settings_.max_block,
                       [&] { return incoming_.byte_size() < kInboxSoftLimit || closed_ || fatal_; });
    --inbox_waiters_;
    if (closed_) return refuse(errc::closed, "producer closed while send() waited for buffer space");
    if (fatal_) return refuse(fatal_, fatal_message_);
  }
  return std::nullopt;
}

void ProducerEngine::send(Record&& record, DeliveryCallback&& callback, bool urgent) {
  if (settings_.sync && !urgent) {
    DeliveryReport r = send_sync(std::move(record));
    if (callback) callback(r);
    return;
  }
  send(RecordRef::of(record), std::move(callback), urgent);
}

void ProducerEngine::send(const RecordRef& record, DeliveryCallback&& callback, bool urgent) {
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
  if (!refused) {
    std::unique_lock lock(mu_);
    refused = admit(record, size, lock);
    if (!refused) {
      // The record's bytes are copied into the inbox; nothing of the
      // caller's is kept (a Record is freed by this thread when send()
      // returns). No clock is read here: the pass that takes the inbox
      // stamps its records (as the Java client's batches start their linger
      // when the accumulator gets them).
      incoming_.push(record, std::move(callback), size, urgent, generation_);
      ++outstanding_;
      ++pending_by_generation_[generation_];
      buffered_bytes_ += size;
      // The I/O thread is woken only when it must look now: no pass is due
      // within linger.ms anyway (pass_promised_), a sync send, or enough
      // staged to fill a batch. Waking it for every record at a moderate
      // rate cost a reactor interrupt and two context switches per record.
      if (!kick_posted_ && (!pass_promised_ || urgent || incoming_.byte_size() >= kick_bytes_ ||
                            incoming_.size() >= kick_records_)) {
        kick_posted_ = kick = true;
      }
    }
  }
  if (refused) {
    if (callback) callback(*refused);
    return;
  }
  if (kick) post([this] { run_pass(); });
}

DeliveryReport ProducerEngine::send_sync(Record record) {
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

}  // namespace sluice::detail
