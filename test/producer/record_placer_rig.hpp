#pragma once
// The rig of the RecordPlacer tests (record_placer_test.cpp,
// record_placer_lifecycle_test.cpp): a placer over a real accumulator,
// partitioner and metadata cache on a fake clock.
#include "record_placer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/errors.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace placer_rig {

using namespace sluice::detail;
using namespace std::chrono_literals;
using Catch::Contains;
using sluice::DeliveryReport;
using sluice::Record;
using sluice::protocol::kafka_errc;
using sluice::protocol::MetadataResponse;

inline const Clock::time_point t0 = Clock::time_point{} + 1h;  // the fake clock
inline constexpr std::int64_t kWall0 = 1'700'000'000'000;      // wall ms at t0
inline constexpr auto kMaxBlock = 10s;

inline std::int64_t wall(Clock::time_point t) {
  return kWall0 + std::chrono::duration_cast<std::chrono::milliseconds>(t - t0).count();
}

// Every callback appends its record's name here when called.
inline std::vector<std::string> g_fired;
inline sluice::DeliveryCallback named(std::string name) {
  return [name](const DeliveryReport&) { g_fired.push_back(name); };
}
inline std::vector<std::string> names_of(const std::vector<sluice::DeliveryCallback>& callbacks) {
  g_fired.clear();
  for (const auto& cb : callbacks) {
    if (cb) cb(DeliveryReport{});
  }
  return g_fired;
}
using Names = std::vector<std::string>;

inline MetadataResponse::Topic topic_meta(const std::string& name, std::int32_t partitions, std::int16_t error = 0,
                                   std::uint8_t id = 1) {
  MetadataResponse::Topic t;
  t.name = name;
  t.error_code = error;
  t.topic_id.bytes[15] = id;
  for (std::int32_t i = 0; i < partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = i;
    p.leader_id = 1;
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  return t;
}

inline MetadataResponse metadata(std::vector<MetadataResponse::Topic> topics) {
  MetadataResponse m;
  m.brokers = {{1, "b1", 9092, std::nullopt}};
  m.topics = std::move(topics);
  return m;
}

inline Record rec(const std::string& topic, std::optional<std::int32_t> partition = std::nullopt,
           std::optional<std::string> key = std::nullopt, std::optional<std::int64_t> timestamp = std::nullopt) {
  Record r;
  r.topic = topic;
  r.partition = partition;
  r.key = std::move(key);
  r.value = "v";
  r.timestamp_ms = timestamp;
  return r;
}

inline PlacerOptions placer_options() {
  PlacerOptions o;
  o.max_block = kMaxBlock;
  o.metadata_max_idle = 60s;
  o.bootstrap_servers = "b1:9092,b2:9092";
  return o;
}

inline AccumulatorOptions accumulator_options() {
  AccumulatorOptions o;
  o.batch_size = 1 << 20;  // one batch per partition in these tests
  o.batch_num_messages = 1000;
  o.linger = 100ms;
  o.delivery_timeout = 120s;
  return o;
}

struct Rig {
  explicit Rig(PlacerOptions o = placer_options(), sluice::PartitionFunction user = {})
      : partitioner(sluice::partitioner::PartitionerOptions{}, std::move(user)),
        placer(std::move(o), accumulator, partitioner, cache) {}

  void send(const Record& r, const std::string& name, std::size_t reserved = 10, bool urgent = false,
            std::uint64_t generation = 0) {
    inbox.push(r, named(name), reserved, urgent, generation);
  }
  void take(Clock::time_point now, bool place_now = true, bool promised = false) {
    placer.place_taken(inbox, promised, now, wall(now), place_now, out);
  }
  void place_waiting(Clock::time_point now) { placer.place_waiting(now, wall(now), out); }
  void update(const MetadataResponse& m) { REQUIRE(cache.update(m).empty()); }

  // The records (by name) in tp's first batch, in order.
  Names batch(const std::string& topic, std::int32_t partition) {
    const ProducerBatch* b = accumulator.head(TopicPartition{topic, partition});
    if (b == nullptr) return {};
    return names_of(b->callbacks);
  }
  // Names of the records ended so far (in order); clears them.
  Names take_ended() {
    std::vector<sluice::DeliveryCallback> cbs;
    for (auto& e : out.ended) cbs.push_back(e.callback);
    out.ended.clear();
    return names_of(cbs);
  }

  RecordAccumulator accumulator{accumulator_options()};
  PartitionChooser partitioner;
  sluice::net::MetadataCache cache;
  RecordPlacer placer;
  Inbox inbox;
  PlacerActions out;
};

}  // namespace placer_rig
