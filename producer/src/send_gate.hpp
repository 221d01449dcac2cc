#pragma once
// SendGate: where application threads hand records to the producer's I/O
// thread, and the only state both sides touch (the Java client's
// RecordAccumulator "append" side plus BufferPool, without the batches).
//
// It admits a record or refuses it with a report (closed, fatal, buffer
// full after max.block.ms), charges buffer.memory and
// queue.buffering.max.messages, counts it in its flush generation, and
// says whether the I/O thread must be woken. An admitted record of a topic
// with a published route (topic_route.hpp) is handed back to its sender,
// who puts it straight into its partition's batch (the one copy of its
// bytes); any other is staged in the inbox, which the I/O thread takes
// whole per pass. The I/O thread settles records once reported (buffer
// space freed, flush generations counted down); flush() waits on those
// generations.
//
// Send order per partition: the route lookup and the staging happen under
// one lock, and a route is published only while the inbox holds no record
// of its topic, so a record sent straight never overtakes one staged
// before it; records a route cannot take (a partition beyond its count)
// are staged, and the I/O thread then withdraws the route until they are
// placed.
//
// Threads: every member is guarded by one mutex; any thread may call any
// function. Waiting functions take `may_wait` false on the thread that
// delivers reports (waiting there would wait for itself).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "inbox.hpp"
#include "producer_batch.hpp"
#include "sluice/record.hpp"
#include "topic_route.hpp"

namespace sluice::detail {

struct SendGateOptions {
  std::size_t buffer_memory = 33554432;
  std::size_t max_queued_records = 0;  // queue.buffering.max.messages (0: no limit)
  std::chrono::milliseconds max_block{60000};
  // How long an offer waits for buffer space: max.block.ms, or
  // queue.enqueue.timeout.ms when set (config.hpp).
  std::chrono::milliseconds enqueue_timeout{60000};
  std::size_t batch_size = 16384;
  std::int32_t batch_num_messages = 10000;
  // The inbox is a hand-over, not a second buffer: once it holds
  // kInboxSoftLimit bytes, an offer waits for the I/O thread to take it
  // (own I/O thread only: on an application's io_context the thread
  // running it may be the sender).
  bool bound_inbox = true;
};

// What offer() decided for an admitted or refused record.
struct Admission {
  std::optional<DeliveryReport> refused;  // set: refused with this report (the callback untouched)
  // Set: admitted, not staged: the sender appends it to its partition's
  // batch through this route, then calls appended() (or, if the
  // accumulator refuses it, reports it and settles it).
  std::shared_ptr<const TopicRoute> route;
  std::uint64_t generation = 0;  // its flush generation
};

// What a pass took from the gate.
struct TakenInbox {
  bool promised = false;  // a pass was promised when the records were staged (send() did not wake it)
  bool flushing = false;  // flush() or close() waits
};

class SendGate {
 public:
  static constexpr std::size_t kInboxSoftLimit = std::size_t{1} << 20;

  explicit SendGate(const SendGateOptions& options);

  // --- application threads ---
  // Admits and stages `record` (of `size` bytes, estimated), or returns the
  // report it is refused with, leaving `callback` untouched. `kick` is set
  // when the I/O thread must run a pass now (no pass promised within
  // linger.ms, a sync send, or a batch's worth staged).
  std::optional<DeliveryReport> offer(const RecordRef& record, DeliveryCallback& callback, std::size_t size,
                                      bool urgent, bool may_wait, bool& kick) {
    return admit(record, callback, size, urgent, may_wait, kick, false).refused;
  }
  // The same, but a record whose topic has a route (and a partition within
  // it, if it names one) is not staged: Admission::route says so.
  Admission admit(const RecordRef& record, DeliveryCallback& callback, std::size_t size, bool urgent, bool may_wait,
                  bool& kick, bool may_route = true);
  // A record admitted with a route is in its batch; `ready`: a batch of its
  // partition is ready now (full or urgent). Returns whether the I/O thread
  // must be woken (as offer()'s kick). Called only for a record that opened
  // a batch, made one ready, or is urgent: one that joined an open batch
  // rides with the record that opened it (producer_driver_records.cpp).
  bool appended(bool ready, bool urgent);
  // The report for a record admitted with a route that the accumulator no
  // longer takes (closing, or failed): the sender delivers it and settles it.
  DeliveryReport refusal(const RecordRef& record) const;
  // A flush begins: returns its generation (records sent before it) and
  // sets `kick` when a pass must be posted.
  std::uint64_t begin_flush(bool& kick);
  // Waits until every record of generations up to `target` is reported or
  // `deadline` passes (not at all unless may_wait); ends the flush and
  // returns how many are left.
  std::size_t end_flush(std::uint64_t target, Clock::time_point deadline, bool may_wait);
  // close(): later offers are refused, waiting ones give up.
  void close();
  bool closed() const;

  // --- the I/O thread ---
  // Swaps the staged records into `into` (left empty by the previous take).
  TakenInbox take(Inbox& into);
  // Whether a pass is due within linger.ms (offers then stage without waking
  // the I/O thread). Returns true when a pass must be posted for records
  // staged while an earlier promise stood.
  bool promise_pass(bool promised);
  // Records reported: frees their buffer space and counts them off their
  // flush generations (one per record).
  void settle(std::span<const std::uint64_t> generations, std::size_t bytes);
  // Every later offer fails with this (not errc::closed: closing is close()).
  void set_fatal(std::error_code ec, const std::string& why);
  // Routes: senders of `route->topic` append straight to its batches from
  // now on, unless the inbox holds a record of that topic (then false: try
  // at a later pass). A route replaces the topic's previous one.
  bool publish(std::shared_ptr<const TopicRoute> route);
  // Records of `topic` are staged again from now on.
  void withdraw(const std::string& topic);
  struct Use {
    std::size_t bytes = 0;
    std::size_t records = 0;
  };
  Use use() const;

 private:
  std::size_t remaining(std::uint64_t target) const;  // mu_ held
  std::string full_message(std::string_view topic, std::size_t size, bool waited) const;  // mu_ held

  SendGateOptions options_;
  std::size_t kick_bytes_;       // min(batch.size, kInboxSoftLimit)
  std::size_t kick_records_;     // batch.num.messages
  std::size_t slack_bytes_;      // settle() wakes blocked senders when this much buffer.memory is free,
  std::size_t slack_records_;    // and this many records below queue.buffering.max.messages
  static constexpr std::chrono::milliseconds kSpacePoll{10};  // they look again this often anyway

  mutable std::mutex mu_;
  std::condition_variable done_cv_;   // a flush generation completed
  std::condition_variable space_cv_;  // buffer space freed
  std::condition_variable inbox_cv_;  // a pass took the inbox
  Inbox incoming_;
  std::map<std::string, std::shared_ptr<const TopicRoute>, std::less<>> routes_;
  // A record went straight into a batch since the last take without waking
  // the I/O thread (a pass was promised): like a non-empty inbox for
  // promise_pass().
  bool appended_unseen_ = false;
  std::size_t inbox_waiters_ = 0;
  std::size_t space_waiters_ = 0;
  std::size_t outstanding_ = 0;     // records accepted without a report yet
  std::size_t buffered_bytes_ = 0;  // buffer.memory in use
  // flush(): records sent before it belong to generations up to the one it
  // closes; it waits for those only, not for records sent after it began.
  std::uint64_t generation_ = 0;
  // Records of generation_ not yet settled: a plain count, as no flush
  // waits for them (a map update per send cost a lookup per record);
  // begin_flush() moves it into pending_by_generation_, which holds the
  // older generations a flush may wait for.
  std::size_t pending_current_ = 0;
  std::map<std::uint64_t, std::size_t> pending_by_generation_;
  std::size_t flush_requests_ = 0;
  bool kick_posted_ = false;
  // A pass is due within linger.ms (the I/O thread's timer is armed for it).
  bool pass_promised_ = false;
  bool closed_ = false;
  std::error_code fatal_;  // set once: every later offer fails with it
  std::string fatal_message_;
};

}  // namespace sluice::detail
