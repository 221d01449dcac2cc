#include "sluice/partitioner/partitioner.hpp"

#include <string>

#include "sluice/partitioner/crc32.hpp"
#include "sluice/partitioner/fnv1a.hpp"
#include "sluice/partitioner/murmur2.hpp"

namespace sluice::partitioner {
namespace {

using Key = std::optional<std::span<const std::uint8_t>>;

// librdkafka hashes a null key as zero bytes.
std::span<const std::uint8_t> bytes_or_empty(const Key& key) noexcept {
  return key ? *key : std::span<const std::uint8_t>{};
}

PartitionError make_error(PartitionErrc code, std::string_view topic, std::int32_t partition,
                          std::int32_t partition_count) {
  const std::string t(topic);
  std::string message;
  switch (code) {
    case PartitionErrc::invalid_partition_count:
      message = "cannot choose a partition of topic '" + t + "': it has " + std::to_string(partition_count) +
                " partitions (metadata must list at least one before records are placed)";
      break;
    case PartitionErrc::no_user_function:
      message = "cannot choose a partition of topic '" + t +
                "': the partitioner is 'user' but no function was given (set PartitionerOptions::user)";
      break;
    case PartitionErrc::user_partition_out_of_range:
      message = "the user partitioner returned partition " + std::to_string(partition) + " for topic '" + t +
                "', which has " + std::to_string(partition_count) + " partitions (valid: 0.." +
                std::to_string(partition_count - 1) + "); fix the partitioner function";
      break;
  }
  return PartitionError{code, t, partition, partition_count, std::move(message)};
}

}  // namespace

Partitioner::Partitioner(PartitionerOptions options) : options_(std::move(options)), rng_(options_.seed) {}

PartitionResult Partitioner::choose(std::string_view topic, Key key, std::int32_t partition_count,
                                    std::span<const std::int32_t> available) {
  if (partition_count <= 0) return make_error(PartitionErrc::invalid_partition_count, topic, -1, partition_count);
  switch (options_.kind) {
    case PartitionerKind::java_default:
      if (key && !options_.ignore_keys) return java_keyed_partition(*key, partition_count);
      return sticky(topic, partition_count, available);
    case PartitionerKind::uniform_sticky:
      return sticky(topic, partition_count, available);
    case PartitionerKind::round_robin:
      return round_robin(topic, partition_count, available);
    case PartitionerKind::consistent:
      return consistent_partition(bytes_or_empty(key), partition_count);
    case PartitionerKind::consistent_random:
      // librdkafka sends empty keys, not only null ones, the random way here.
      if (key && !key->empty()) return consistent_partition(*key, partition_count);
      return sticky(topic, partition_count, available);
    case PartitionerKind::murmur2:
      return java_keyed_partition(bytes_or_empty(key), partition_count);
    case PartitionerKind::murmur2_random:
      if (key) return java_keyed_partition(*key, partition_count);
      return sticky(topic, partition_count, available);
    case PartitionerKind::random:
      if (key) return uniform_partition(rng_.next(), available, partition_count);
      return sticky(topic, partition_count, available);
    case PartitionerKind::fnv1a:
      return fnv1a_partition(bytes_or_empty(key), partition_count);
    case PartitionerKind::fnv1a_random:
      if (key) return fnv1a_partition(*key, partition_count);
      return sticky(topic, partition_count, available);
    case PartitionerKind::user:
      return user(topic, key, partition_count, available);
  }
  return sticky(topic, partition_count, available);  // unreachable for a valid kind
}

void Partitioner::on_append(std::string_view topic, std::int32_t partition, std::size_t bytes, bool batch_full) {
  if (TopicState* s = find(topic)) s->sticky.appended(partition, bytes, batch_full);
}

void Partitioner::on_batch_closed(std::string_view topic, std::int32_t partition) {
  if (TopicState* s = find(topic)) s->sticky.batch_closed(partition);
}

Partitioner::TopicState& Partitioner::state(std::string_view topic) {
  if (TopicState* s = find(topic)) return *s;
  auto it = topics_.try_emplace(std::string(topic), options_.sticky_batch_bytes).first;
  last_name_ = &it->first;
  last_state_ = &it->second;
  return it->second;
}

Partitioner::TopicState* Partitioner::find(std::string_view topic) {
  if (last_name_ != nullptr && *last_name_ == topic) return last_state_;
  auto it = topics_.find(topic);
  if (it == topics_.end()) return nullptr;
  last_name_ = &it->first;
  last_state_ = &it->second;
  return &it->second;
}

std::int32_t Partitioner::sticky(std::string_view topic, std::int32_t partition_count,
                                 std::span<const std::int32_t> available) {
  return state(topic).sticky.get(rng_, partition_count, available);
}

// As Java's RoundRobinPartitioner: one counter per topic, stepped once per
// record, taken modulo the partitions available at that moment (so the
// order shifts when the available set changes). Java clients before 4.0
// called it twice for a record that opened a new batch, skipping a partition
// each time (KAFKA-9965); 4.x calls it once, and so do we.
std::int32_t Partitioner::round_robin(std::string_view topic, std::int32_t partition_count,
                                      std::span<const std::int32_t> available) {
  const std::uint32_t turn = state(topic).round_robin++ & 0x7fffffffu;
  if (available.empty()) return static_cast<std::int32_t>(turn % static_cast<std::uint32_t>(partition_count));
  return available[turn % available.size()];
}

PartitionResult Partitioner::user(std::string_view topic, Key key, std::int32_t partition_count,
                                  std::span<const std::int32_t> available) {
  if (!options_.user) return make_error(PartitionErrc::no_user_function, topic, -1, partition_count);
  const std::int32_t p = options_.user(UserPartitionerInput{topic, key, partition_count, available});
  if (p < 0 || p >= partition_count) {
    return make_error(PartitionErrc::user_partition_out_of_range, topic, p, partition_count);
  }
  return p;
}

}  // namespace sluice::partitioner
