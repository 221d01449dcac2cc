// SendGate: the hand-over between application threads and the I/O thread.
// See send_gate.hpp.
#include "send_gate.hpp"

#include <algorithm>
#include <utility>

#include "sluice/errors.hpp"

namespace sluice::detail {

SendGate::SendGate(const SendGateOptions& options)
    : options_(options),
      kick_bytes_(std::min(options.batch_size, kInboxSoftLimit)),
      kick_records_(static_cast<std::size_t>(std::max(options.batch_num_messages, 1))),
      slack_bytes_(std::min<std::size_t>(options.buffer_memory / 16, std::size_t{1} << 20)),
      slack_records_(options.max_queued_records / 16) {}

Admission SendGate::admit(const RecordRef& record, DeliveryCallback& callback, std::size_t size, bool urgent,
                          bool may_wait, bool& kick, bool may_route) {
  kick = false;
  // The report is built only for a refused record (no topic copy per send).
  auto refuse = [&](std::error_code ec, std::string message) {
    DeliveryReport r;
    r.topic = std::string(record.topic);
    r.partition = record.partition.value_or(-1);
    r.error = ec;
    r.error_message = std::move(message);
    return Admission{std::move(r), nullptr, 0};
  };
  std::unique_lock lock(mu_);
  if (closed_) {
    return refuse(errc::closed, "send() after close(): record for topic '" + std::string(record.topic) + "' not accepted");
  }
  if (fatal_) return refuse(fatal_, fatal_message_);
  auto has_space = [&] {
    const bool bytes_ok = buffered_bytes_ + size <= options_.buffer_memory;
    const bool count_ok = options_.max_queued_records == 0 || outstanding_ < options_.max_queued_records;
    return (bytes_ok && count_ok) || closed_ || fatal_;
  };
  if (!has_space()) {
    if (may_wait && options_.enqueue_timeout.count() > 0) {
      // settle() wakes waiters once the buffer has some room to spare
      // (slack_bytes_ / _records_), not at every batch: a sender woken per
      // batch ran a batch's worth and blocked again, two context switches
      // each time. Room below that slack is found by looking again every
      // kSpacePoll, so it is never missed for long. This thread blocks in
      // real time, so it measures its wait on the real steady clock,
      // not the engine's (engine_clock.hpp).
      const auto deadline = Clock::now() + options_.enqueue_timeout;
      ++space_waiters_;
      for (auto now = Clock::now(); !has_space() && now < deadline; now = Clock::now()) {
        space_cv_.wait_for(lock, std::min<Clock::duration>(deadline - now, kSpacePoll));
      }
      --space_waiters_;
    }
    if (closed_) return refuse(errc::closed, "producer closed while send() waited for buffer space");
    if (fatal_) return refuse(fatal_, fatal_message_);
    if (!has_space()) return refuse(errc::queue_full, full_message(record.topic, size, may_wait));
  }
  if (may_route && !routes_.empty()) {
    auto it = routes_.find(record.topic);
    if (it != routes_.end() &&
        (!record.partition || (*record.partition >= 0 && *record.partition < it->second->partition_count))) {
      ++outstanding_;
      ++pending_current_;
      buffered_bytes_ += size;
      return Admission{std::nullopt, it->second, generation_};
    }
  }
  // Unbounded, a sender that outran the I/O thread had the same records in
  // the inbox and in their batches at once, up to twice buffer.memory; so
  // it waits for a take (a context switch per MiB at most). After
  // max.block.ms the record goes in anyway (a soft limit: never an error).
  if (options_.bound_inbox && may_wait && incoming_.byte_size() >= kInboxSoftLimit) {
    ++inbox_waiters_;
    inbox_cv_.wait_for(lock, options_.max_block,
                       [&] { return incoming_.byte_size() < kInboxSoftLimit || closed_ || fatal_; });
    --inbox_waiters_;
    if (closed_) return refuse(errc::closed, "producer closed while send() waited for buffer space");
    if (fatal_) return refuse(fatal_, fatal_message_);
  }
  // The record's bytes are copied into the inbox; nothing of the caller's
  // is kept. No clock is read here: the pass that takes the inbox stamps
  // its records (as the Java client's batches start their linger when the
  // accumulator gets them).
  incoming_.push(record, std::move(callback), size, urgent, generation_);
  ++outstanding_;
  ++pending_current_;
  buffered_bytes_ += size;
  // The I/O thread is woken only when it must look now. Waking it for
  // every record at a moderate rate cost a reactor interrupt and two
  // context switches per record.
  if (!kick_posted_ && (!pass_promised_ || urgent || incoming_.byte_size() >= kick_bytes_ ||
                        incoming_.size() >= kick_records_)) {
    kick_posted_ = kick = true;
  }
  return Admission{};
}

// Names the bound that was reached (bytes, records, or both) with its
// property, so the remedy is the right one. mu_ is held.
std::string SendGate::full_message(std::string_view topic, std::size_t size, bool waited) const {
  const bool bytes_full = buffered_bytes_ + size > options_.buffer_memory;
  const bool count_full = options_.max_queued_records != 0 && outstanding_ >= options_.max_queued_records;
  std::string limit;
  if (bytes_full) {
    limit = std::to_string(buffered_bytes_) + " of buffer.memory=" + std::to_string(options_.buffer_memory) +
            " bytes held, this record needs " + std::to_string(size);
  }
  if (count_full) {
    limit += std::string(bytes_full ? "; " : "") + std::to_string(outstanding_) +
             " records of queue.buffering.max.messages=" + std::to_string(options_.max_queued_records);
  }
  return "producer buffer full for topic '" + std::string(topic) + "' (" + limit +
         (waited ? ") after " + std::to_string(options_.enqueue_timeout.count()) +
                       " ms (max.block.ms, or queue.enqueue.timeout.ms if set): the brokers are not keeping up or "
                       "are unreachable; raise the limit named, or send more slowly"
                 : "; send() from a delivery callback never waits)");
}

bool SendGate::appended(bool ready, bool urgent) {
  std::lock_guard lock(mu_);
  if (kick_posted_) return false;  // the pass it posted takes the inbox after this append: it sees the record
  if (!pass_promised_ || ready || urgent || flush_requests_ > 0) return kick_posted_ = true;
  appended_unseen_ = true;
  return false;
}

DeliveryReport SendGate::refusal(const RecordRef& record) const {
  std::lock_guard lock(mu_);
  DeliveryReport r;
  r.topic = std::string(record.topic);
  r.partition = record.partition.value_or(-1);
  r.error = fatal_ ? fatal_ : make_error_code(errc::closed);
  r.error_message = fatal_ ? fatal_message_
                           : "producer closed while send() placed the record for topic '" + r.topic + "'";
  return r;
}

bool SendGate::publish(std::shared_ptr<const TopicRoute> route) {
  std::lock_guard lock(mu_);
  if (incoming_.holds_topic(route->topic)) return false;
  routes_[route->topic] = std::move(route);
  return true;
}

void SendGate::withdraw(const std::string& topic) {
  std::lock_guard lock(mu_);
  routes_.erase(topic);
}

std::uint64_t SendGate::begin_flush(bool& kick) {
  std::lock_guard lock(mu_);
  ++flush_requests_;
  kick = !std::exchange(kick_posted_, true);
  // The generation this flush closes is counted in the map from now on;
  // records sent from now on belong to the next one.
  if (pending_current_ > 0) pending_by_generation_.emplace(generation_, std::exchange(pending_current_, 0));
  return generation_++;
}

std::size_t SendGate::remaining(std::uint64_t target) const {
  std::size_t n = 0;
  for (auto it = pending_by_generation_.begin(); it != pending_by_generation_.end() && it->first <= target; ++it) {
    n += it->second;
  }
  return n;
}

std::size_t SendGate::end_flush(std::uint64_t target, Clock::time_point deadline, bool may_wait) {
  std::unique_lock lock(mu_);
  if (may_wait) done_cv_.wait_until(lock, deadline, [&] { return remaining(target) == 0; });
  --flush_requests_;
  return remaining(target);
}

void SendGate::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  space_cv_.notify_all();
  inbox_cv_.notify_all();
}

bool SendGate::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

TakenInbox SendGate::take(Inbox& into) {
  TakenInbox taken;
  bool wake_senders = false;
  {
    std::lock_guard lock(mu_);
    incoming_.swap(into);  // `into` was left empty, its capacity kept for the next sends
    kick_posted_ = false;
    appended_unseen_ = false;  // appended before this take: the pass sees those records in their batches
    taken.promised = pass_promised_;
    taken.flushing = flush_requests_ > 0 || closed_;
    wake_senders = inbox_waiters_ > 0;  // some may wait for the inbox to be taken (offer)
  }
  if (wake_senders) inbox_cv_.notify_all();
  return taken;
}

bool SendGate::promise_pass(bool promised) {
  std::lock_guard lock(mu_);
  pass_promised_ = promised;
  // Records staged while an earlier promise stood (this pass may have been
  // that promise) must not wait for a pass nobody will run.
  if (!promised && (!incoming_.empty() || appended_unseen_) && !kick_posted_) return kick_posted_ = true;
  return false;
}

void SendGate::settle(std::span<const std::uint64_t> generations, std::size_t bytes) {
  bool generation_done = false;
  bool wake_senders = false;
  {
    std::lock_guard lock(mu_);
    outstanding_ -= generations.size();
    buffered_bytes_ -= bytes;
    const bool bytes_free = buffered_bytes_ + slack_bytes_ <= options_.buffer_memory;
    const bool records_free =
        options_.max_queued_records == 0 || outstanding_ + slack_records_ <= options_.max_queued_records;
    wake_senders = space_waiters_ > 0 && bytes_free && records_free;
    // A batch's records mostly share one generation: one lookup per run.
    for (std::size_t i = 0; i < generations.size();) {
      const std::uint64_t g = generations[i];
      std::size_t j = i + 1;
      while (j < generations.size() && generations[j] == g) ++j;
      if (g == generation_) {  // no flush waits for it
        pending_current_ -= std::min(pending_current_, j - i);
        i = j;
        continue;
      }
      auto it = pending_by_generation_.find(g);
      if (it != pending_by_generation_.end()) {
        it->second -= std::min(it->second, j - i);
        if (it->second == 0) {
          pending_by_generation_.erase(it);
          generation_done = true;
        }
      }
      i = j;
    }
  }
  // Woken once the lock is let go: a thread woken while it was held would
  // only block again on mu_ (two more context switches per batch when
  // send() waits for buffer space).
  if (wake_senders) space_cv_.notify_all();
  if (generation_done) done_cv_.notify_all();
}

void SendGate::set_fatal(std::error_code ec, const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (fatal_) return;
    fatal_ = ec;
    fatal_message_ = why;
  }
  space_cv_.notify_all();
  inbox_cv_.notify_all();
}

SendGate::Use SendGate::use() const {
  std::lock_guard lock(mu_);
  return {buffered_bytes_, outstanding_};
}

}  // namespace sluice::detail
