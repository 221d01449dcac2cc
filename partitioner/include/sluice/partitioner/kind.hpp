#pragma once
// The partitioners Sluice offers and their configuration names
// (docs/PARTITIONERS.md describes each).
#include <optional>
#include <string_view>

namespace sluice::partitioner {

// How a record without an explicit partition gets one. "Sticky" below means
// the topic's uniform sticky partition (KIP-794, see sticky.hpp).
enum class PartitionerKind {
  java_default,       // keyed: Java's murmur2 placement; null key: sticky
  uniform_sticky,     // every record sticky, keys ignored
  round_robin,        // every record to the next partition in turn, keys ignored
  consistent,         // librdkafka: CRC-32 of the key; null and empty keys hash as no bytes (partition 0)
  consistent_random,  // librdkafka: CRC-32 of the key; null and empty keys sticky
  murmur2,            // librdkafka: murmur2 as Java; a null key hashes as no bytes (one fixed partition)
  murmur2_random,     // librdkafka: murmur2 as Java; null key sticky (same placement as java_default)
  random,             // librdkafka: keyed records uniformly at random each; null key sticky
  fnv1a,              // librdkafka: FNV-1a of the key; a null key hashes as no bytes
  fnv1a_random,       // librdkafka: FNV-1a of the key; null key sticky
  user,               // the application's function (PartitionerOptions::user)
};

// The kind a configuration name stands for, or nullopt for an unknown name.
// Accepts (exactly, case-sensitive as both clients are):
//   "default" (also the Java class name
//   org.apache.kafka.clients.producer.internals.DefaultPartitioner),
//   "uniform_sticky" (org.apache.kafka.clients.producer.UniformStickyPartitioner),
//   "round_robin" (org.apache.kafka.clients.producer.RoundRobinPartitioner),
//   and librdkafka's "consistent", "consistent_random", "murmur2",
//   "murmur2_random", "random", "fnv1a", "fnv1a_random".
// `user` has no name: it is chosen by supplying a function, not a string.
// DefaultPartitioner and UniformStickyPartitioner no longer exist in Java 4.x
// clients; their names are still accepted so older configurations carry over.
std::optional<PartitionerKind> partitioner_from_name(std::string_view name) noexcept;

// The short name of a kind ("default", "round_robin", "murmur2_random", ...;
// "user" for user), which partitioner_from_name accepts back (except "user").
std::string_view partitioner_name(PartitionerKind kind) noexcept;

}  // namespace sluice::partitioner
