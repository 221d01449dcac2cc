#pragma once
// PartitionChooser: which partition a record without an explicit one goes
// to, for every path that places records: the sending thread for a topic
// whose route is published (send_gate.hpp, TopicRoute), the I/O thread for
// records that waited for metadata (record_placer.hpp). It runs the user's
// partition function when one is set, else the configured built-in
// partitioner (sluice/partitioner), and tells that partitioner what was
// appended and which batches closed, as its sticky placement needs.
//
// Threads: any. One mutex keeps the partitioner's per-topic state
// consistent and calls the user's function one at a time (it was written
// for a single caller, and Java's is not required to be thread-safe
// either), so neither needs locking of its own.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "sluice/partitioner/partitioner.hpp"
#include "sluice/producer.hpp"
#include "sluice/protocol/record_batch_builder.hpp"

namespace sluice::detail {

// The partition chosen, or why none could be.
struct PartitionChoice {
  std::int32_t partition = -1;
  std::error_code error;  // set: no partition (partitioner_failed)
  std::string message;    // names the topic, what went wrong and the count
  bool ok() const noexcept { return !error; }
};

class PartitionChooser {
 public:
  PartitionChooser(partitioner::PartitionerOptions options, PartitionFunction user)
      : partitioner_(std::move(options)), user_(std::move(user)) {}

  // For a record of `topic` (which has `count` > 0 partitions, `available`
  // of them with a leader) with `key` (nullopt: null key).
  PartitionChoice choose(std::string_view topic, std::optional<protocol::ByteView> key, std::int32_t count,
                         std::span<const std::int32_t> available);
  // choose(), then on_append(topic, chosen, bytes, false) under the same
  // lock: one lock per record on the sending path (a batch the record
  // fills is told afterwards through on_batch_closed()).
  PartitionChoice choose_and_count(std::string_view topic, std::optional<protocol::ByteView> key, std::int32_t count,
                                   std::span<const std::int32_t> available, std::size_t bytes);
  // `bytes` went into `partition`'s batch; batch_full: that batch takes no more.
  void on_append(std::string_view topic, std::int32_t partition, std::size_t bytes, bool batch_full);
  // A batch of `partition` closed (drained into a request).
  void on_batch_closed(std::string_view topic, std::int32_t partition);

 private:
  // choose(), counting `bytes` on the chosen partition when set.
  PartitionChoice choose_counting(std::string_view topic, std::optional<protocol::ByteView> key, std::int32_t count,
                                  std::span<const std::int32_t> available, std::optional<std::size_t> bytes);

  std::mutex mu_;
  partitioner::Partitioner partitioner_;  // mu_
  PartitionFunction user_;                // called under mu_
};

}  // namespace sluice::detail
