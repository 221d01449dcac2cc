#pragma once
// Partitioner: chooses the partition of a record that has none, per topic,
// with the state that sticky and round-robin placement need.
//
// Sans-I/O and not thread-safe: one caller at a time (the producer calls it
// under one lock, producer/src/partition_chooser.hpp), calling choose() for a record, then on_append() once the record
// is in a batch, and on_batch_closed() when a batch takes no more records.
//
// An explicit partition on a record always wins: that check is the caller's,
// made before choose() (which is never asked about such records).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "sluice/partitioner/kind.hpp"
#include "sluice/partitioner/random.hpp"
#include "sluice/partitioner/sticky.hpp"

namespace sluice::partitioner {

// What a user partitioner is told about one record.
struct UserPartitionerInput {
  std::string_view topic;
  std::optional<std::span<const std::uint8_t>> key;  // nullopt: null key
  std::int32_t partition_count;                      // > 0
  std::span<const std::int32_t> available;           // partitions with a leader now, ascending; may be empty
};

// Returns a partition in [0, partition_count). Anything else makes choose()
// fail for that record; exceptions it throws pass through choose().
using UserPartitioner = std::function<std::int32_t(const UserPartitionerInput&)>;

struct PartitionerOptions {
  PartitionerKind kind = PartitionerKind::java_default;
  // partitioner.ignore.keys: java_default places keyed records as null-key
  // ones (sticky). As in Java, only the default partitioner reads it: the
  // librdkafka kinds hash keys by definition and `user` gets the key anyway
  // (for keys ignored, choose uniform_sticky, random or round_robin).
  bool ignore_keys = false;
  // batch.size: bytes appended to a sticky partition before moving on.
  std::size_t sticky_batch_bytes = 16384;
  UserPartitioner user;  // kind == user: the function (required)
  // Seeds the random choices (sticky moves, `random`). The same seed gives
  // the same choices, so give each producer its own.
  std::uint64_t seed = 0;
};

enum class PartitionErrc {
  invalid_partition_count,     // partition_count <= 0 (no metadata yet?)
  no_user_function,            // kind == user without a function
  user_partition_out_of_range  // the user function returned a partition outside [0, count)
};

struct PartitionError {
  PartitionErrc code;
  std::string topic;
  std::int32_t partition;        // what the user function returned (-1 otherwise)
  std::int32_t partition_count;  // the count choose() was given
  std::string message;           // names topic, value and count, and what to do
};

// The chosen partition, or why there is none.
class PartitionResult {
 public:
  PartitionResult(std::int32_t partition) : v_(partition) {}         // NOLINT: implicit by design
  PartitionResult(PartitionError error) : v_(std::move(error)) {}    // NOLINT
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  std::int32_t value() const { return std::get<0>(v_); }
  const PartitionError& error() const { return std::get<1>(v_); }

 private:
  std::variant<std::int32_t, PartitionError> v_;
};

class Partitioner {
 public:
  explicit Partitioner(PartitionerOptions options);
  // A copy starts without the last-topic cache (it points into the
  // original's map); a move keeps it (the map's nodes move along).
  Partitioner(const Partitioner& other)
      : options_(other.options_), rng_(other.rng_), topics_(other.topics_) {}
  Partitioner& operator=(const Partitioner& other) {
    if (this != &other) {
      options_ = other.options_;
      rng_ = other.rng_;
      topics_ = other.topics_;
      last_name_ = nullptr;
      last_state_ = nullptr;
    }
    return *this;
  }
  Partitioner(Partitioner&& other) noexcept
      : options_(std::move(other.options_)),
        rng_(other.rng_),
        topics_(std::move(other.topics_)),
        last_name_(std::exchange(other.last_name_, nullptr)),
        last_state_(std::exchange(other.last_state_, nullptr)) {}
  Partitioner& operator=(Partitioner&& other) {
    if (this != &other) {
      options_ = std::move(other.options_);
      rng_ = other.rng_;
      topics_ = std::move(other.topics_);
      last_name_ = std::exchange(other.last_name_, nullptr);
      last_state_ = std::exchange(other.last_state_, nullptr);
    }
    return *this;
  }

  // The partition for a record of `topic` with `key` (nullopt: null key) and
  // no explicit partition. partition_count: the topic's partitions (> 0, else
  // an error). available: those with a leader now, sorted ascending, each
  // below partition_count; empty when none has one (then any partition may
  // be chosen). Key hashes use all partition_count partitions whatever
  // `available` says, as Java and librdkafka do (a key keeps its partition);
  // sticky, random and round-robin choices stay within `available`. Errors
  // are values, never exceptions (except what a user function throws).
  PartitionResult choose(std::string_view topic, std::optional<std::span<const std::uint8_t>> key,
                         std::int32_t partition_count, std::span<const std::int32_t> available);

  // `bytes` (the record's size in its batch) were appended to `partition` of
  // `topic`. Call it for every append, whoever chose the partition: bytes
  // that land on the topic's sticky partition count towards moving on after
  // sticky_batch_bytes (KIP-794). batch_full: the append left that partition
  // with no open batch that has room; false holds a due move back until the
  // batch closes (on_batch_closed), or until twice sticky_batch_bytes, so
  // batches are not cut short. Pass true when unknown.
  void on_append(std::string_view topic, std::int32_t partition, std::size_t bytes, bool batch_full = true);

  // The open batch of `partition` of `topic` takes no more records (it was
  // sent by linger.ms or a flush, or it is full): completes a move that
  // on_append held back. Without it such a move waits for twice
  // sticky_batch_bytes.
  void on_batch_closed(std::string_view topic, std::int32_t partition);

  const PartitionerOptions& options() const noexcept { return options_; }

 private:
  struct TopicState {
    explicit TopicState(std::size_t batch_bytes) : sticky(batch_bytes) {}
    StickyPartition sticky;
    std::uint32_t round_robin = 0;  // the next turn; wraps as Java's int counter does
  };
  // std::string keys looked up by string_view without a copy.
  struct TopicHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  TopicState& state(std::string_view topic);
  TopicState* find(std::string_view topic);
  std::int32_t sticky(std::string_view topic, std::int32_t partition_count, std::span<const std::int32_t> available);
  std::int32_t round_robin(std::string_view topic, std::int32_t partition_count, std::span<const std::int32_t> available);
  PartitionResult user(std::string_view topic, std::optional<std::span<const std::uint8_t>> key,
                       std::int32_t partition_count, std::span<const std::int32_t> available);

  PartitionerOptions options_;
  SplitMix64 rng_;
  std::unordered_map<std::string, TopicState, TopicHash, std::equal_to<>> topics_;
  // The topic looked up last (its key and state; unordered_map nodes never
  // move): a producer looks the same topic up for record after record, and
  // a compare is cheaper than hashing the name each time.
  const std::string* last_name_ = nullptr;
  TopicState* last_state_ = nullptr;
};

}  // namespace sluice::partitioner
