#pragma once
// TopicRoute: what a sending thread needs to put a record of a topic
// straight into its partition's open batch, without the I/O thread: the
// partition count, the partitions with a leader (for sticky placement) and
// each partition's queue in the accumulator. The I/O thread builds one from
// the metadata for a topic that has metadata and no records kept back for
// it (parked, waiting or beyond the partition count: record_placer.hpp),
// and publishes it through the send gate (send_gate.hpp), which also
// withdraws it; a record of a topic without a route goes through the
// gate's inbox as before.
//
// Threads: immutable once published; shared by the senders holding it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "record_accumulator.hpp"
#include "sluice/net/metadata_cache.hpp"

namespace sluice::detail {

struct TopicRoute {
  std::string topic;
  std::int32_t partition_count = 0;
  std::vector<std::int32_t> available;          // partitions with a leader, ascending
  std::vector<RecordAccumulator::Lane*> lanes;  // by partition
  protocol::Uuid topic_id;

  // The same placement inputs (count, leaders present, topic id).
  bool same_as(const net::TopicInfo& info) const;
};

// A route for `topic` from its metadata (usable: no error, partitions
// listed), its lanes created in `accumulator`. I/O thread.
std::shared_ptr<const TopicRoute> make_route(const std::string& topic, const net::TopicInfo& info,
                                             RecordAccumulator& accumulator);

}  // namespace sluice::detail
