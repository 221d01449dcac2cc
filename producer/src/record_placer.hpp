#pragma once
// RecordPlacer: takes the records a pass took from the send gate's inbox
// (those of topics without a route: a routed record is placed by its sender,
// topic_route.hpp) and puts each into its partition's open batch (the Java client's
// KafkaProducer.doSend after metadata: partition choice, timestamps,
// RecordAccumulator.append), or keeps it until it can be:
//  - parked: its topic has no metadata yet (the inbox is kept whole, no copy);
//  - waiting: as a Record, in its topic's queue, once parked past
//    max.block.ms or handed over by purge/close;
//  - beyond: it names a partition the metadata does not list yet (perhaps
//    added), up to max.block.ms, as Java's send() waits.
// Records that cannot be placed end as RecordEnd values (refused topic,
// max.block.ms passed, bad partition, partitioner failure, purge, close);
// the driver reports them. Sans-I/O: time is passed in; it reads the
// metadata the cluster view holds and never asks for it itself (it says
// so in PlacerActions).
//
// Threads: the producer's I/O thread.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "inbox.hpp"
#include "parked_inboxes.hpp"
#include "partition_chooser.hpp"
#include "producer_batch.hpp"
#include "record_accumulator.hpp"
#include "sluice/net/metadata_cache.hpp"
#include "sluice/producer.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

struct PendingRecord {
  Record record;
  DeliveryCallback callback;
  Clock::time_point enqueued;
  std::size_t reserved = 0;  // buffer.memory charged
  bool urgent = false;       // a sync send: no linger
  std::uint64_t generation = 0;  // flush generation at send()
};

// A record that ends before it reached a batch: the driver reports it.
struct RecordEnd {
  std::string topic;
  std::int32_t partition = -1;
  DeliveryCallback callback;
  std::uint64_t generation = 0;
  std::size_t reserved = 0;
  std::error_code error;
  std::string message;
};

struct PlacerActions {
  std::vector<RecordEnd> ended;
  bool metadata_wanted = false;  // a topic or partition is not in the metadata (yet)
};

struct PlacerOptions {
  std::chrono::milliseconds max_block{60000};
  std::size_t batch_size = 16384;
  std::int32_t batch_num_messages = 10000;
  std::chrono::milliseconds metadata_max_idle{300000};
  std::string bootstrap_servers;    // for messages
};

class RecordPlacer {
 public:
  RecordPlacer(PlacerOptions options, RecordAccumulator& accumulator, PartitionChooser& partitioner,
               const net::MetadataCache& metadata)
      : options_(std::move(options)), accumulator_(accumulator), partitioner_(partitioner), metadata_(metadata) {}

  // Places the records of `taken` (send order), parked ones first; taken at
  // `now` (`wall_ms` then). `promised`: they were staged while a pass was
  // promised, so they were sent after the previous take and their linger
  // and timeouts start there. `place_now` false: every record waits as a
  // Record (purge, close). `taken` is left empty.
  void place_taken(Inbox& taken, bool promised, Clock::time_point now, std::int64_t wall_ms, bool place_now,
                   PlacerActions& out);
  // Records waiting as Records (or beyond the partition count) whose topic
  // now has metadata go into batches; refused topics' records end.
  void place_waiting(Clock::time_point now, std::int64_t wall_ms, PlacerActions& out);
  // Parked records past max.block.ms (or of a refused topic) move to their
  // topic's waiting queue; a refused topic's waiting records end.
  void unpark(Clock::time_point now, PlacerActions& out);
  // Waiting records past max.block.ms end, naming why (`last_failure`: the
  // last connection failure, if any).
  void expire(Clock::time_point now, const std::string& last_failure, PlacerActions& out);
  // purge(): every waiting record ends with errc::purged; returns how many.
  std::size_t purge(PlacerActions& out);
  // Closing or fatal: every waiting record ends with `ec`.
  void fail_all(std::error_code ec, const std::string& why, PlacerActions& out);

  bool has_topics() const noexcept { return !topics_.empty(); }
  std::vector<std::string> topic_names() const;
  // Whether records or batches of the topic are waiting for its metadata.
  bool topic_in_use(const std::string& name) const;
  // Whether records of the topic are kept here (parked, waiting, beyond):
  // its senders must not put records straight into batches meanwhile.
  bool holds(const std::string& name) const;
  bool knows(const std::string& name) const { return topics_.contains(name); }
  // Calls f(name) for each topic it knows.
  template <class F>
  void for_each_topic(F&& f) const {
    for (const auto& [name, topic] : topics_) f(name);
  }
  // Drops topics nothing was sent to for metadata.max.idle.ms (Java's
  // metadata.max.idle.ms) and returns them: they are no longer asked for,
  // and a topic in error is not asked for every retry.backoff.ms.
  std::vector<std::string> forget_idle(Clock::time_point now);
  // The earliest future max.block.ms deadline of a record kept here.
  std::optional<Clock::time_point> next_wakeup(Clock::time_point now) const;

 private:
  struct TopicState {
    std::deque<PendingRecord> waiting;  // records waiting for metadata
    // Records for an explicit partition the metadata does not list yet:
    // they wait in send order while the topic's other records flow (order
    // is per partition).
    std::deque<PendingRecord> beyond;
    Clock::time_point last_used{};  // the last pass that had records of it at hand
    // Records its senders put straight into batches (a published route:
    // appended in all minus placed here), as forget_idle() last saw them:
    // more since then counts as use.
    std::uint64_t placed = 0;
    std::uint64_t routed_seen = 0;
  };
  // Where one pass places records of one topic: looked up once per pass.
  struct Target {
    const std::string* name = nullptr;     // key of topics_
    TopicState* state = nullptr;
    const net::TopicInfo* info = nullptr;  // null: no usable metadata yet, records wait
    std::vector<std::int32_t> available;   // partitions with a leader, ascending
    std::vector<RecordAccumulator::Lane*> lanes;  // by partition, looked up on first use
  };
  // A record to place, whichever way it arrived.
  struct RecordView {
    std::optional<std::int32_t> partition;
    std::optional<protocol::ByteView> key;
    std::optional<protocol::ByteView> value;
    std::span<const protocol::RecordHeaderView> headers;
    std::optional<std::int64_t> timestamp_ms;
  };

  Target& target(const std::string& topic, Target& t);
  // Encodes the record into its partition's batch, or ends it. False when
  // it names a partition beyond the count (or one that records in `beyond`
  // wait for): the caller keeps it in `beyond`.
  bool place(Target& t, const RecordView& r, DeliveryCallback&& callback, std::size_t reserved,
             Clock::time_point enqueued, bool urgent, std::uint64_t generation, PlacerActions& out);
  bool place_staged(Inbox& from, Inbox::Entry& e, Target& t, bool place_now, PlacerActions& out);
  bool park_whole_inbox(Inbox& taken, bool place_now, Clock::time_point taken_at);
  const net::TopicInfo* refused_topic(const std::string& name) const;
  bool fail_if_refused(const std::string& name, TopicState& topic, PlacerActions& out);
  // Wall-clock ms at steady time `t`, from one reading per pass.
  std::int64_t wall_ms(Clock::time_point t);
  static void end(PendingRecord& p, std::error_code ec, std::string message, PlacerActions& out);

  PlacerOptions options_;
  RecordAccumulator& accumulator_;
  PartitionChooser& partitioner_;
  const net::MetadataCache& metadata_;
  std::map<std::string, TopicState> topics_;
  ParkedInboxes parked_;                // records of topics without metadata yet, in send order
  std::vector<Target> targets_;         // per topic index of the inbox placed, for one pass
  std::vector<protocol::RecordHeaderView> header_scratch_;
  Clock::time_point last_take_{};       // when place_taken() last ran
  Clock::time_point pass_steady_{};     // one clock reading per pass: record timestamps
  std::int64_t pass_wall_ms_ = 0;
  std::pair<Clock::time_point, std::int64_t> wall_cache_{};  // wall_ms(): the last time converted
};

}  // namespace sluice::detail
