#include "sluice/partitioner/kind.hpp"

#include <array>
#include <utility>

namespace sluice::partitioner {
namespace {

struct Name {
  std::string_view name;
  PartitionerKind kind;
};

// The first name of each kind is its short name (partitioner_name).
constexpr std::array kNames{
    Name{"default", PartitionerKind::java_default},
    Name{"org.apache.kafka.clients.producer.internals.DefaultPartitioner", PartitionerKind::java_default},
    Name{"uniform_sticky", PartitionerKind::uniform_sticky},
    Name{"org.apache.kafka.clients.producer.UniformStickyPartitioner", PartitionerKind::uniform_sticky},
    Name{"round_robin", PartitionerKind::round_robin},
    Name{"org.apache.kafka.clients.producer.RoundRobinPartitioner", PartitionerKind::round_robin},
    Name{"consistent", PartitionerKind::consistent},
    Name{"consistent_random", PartitionerKind::consistent_random},
    Name{"murmur2", PartitionerKind::murmur2},
    Name{"murmur2_random", PartitionerKind::murmur2_random},
    Name{"random", PartitionerKind::random},
    Name{"fnv1a", PartitionerKind::fnv1a},
    Name{"fnv1a_random", PartitionerKind::fnv1a_random},
};

}  // namespace

std::optional<PartitionerKind> partitioner_from_name(std::string_view name) noexcept {
  for (const auto& n : kNames) {
    if (n.name == name) return n.kind;
  }
  return std::nullopt;
}

std::string_view partitioner_name(PartitionerKind kind) noexcept {
  if (kind == PartitionerKind::user) return "user";
  for (const auto& n : kNames) {
    if (n.kind == kind) return n.name;
  }
  return "unknown";  // unreachable for a valid enumerator
}

}  // namespace sluice::partitioner
