#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include "sluice/partitioner/kind.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace sluice::partitioner;

namespace Catch {
template <>
struct StringMaker<PartitionerKind> {
  static std::string convert(PartitionerKind k) { return std::string(partitioner_name(k)); }
};
}  // namespace Catch

TEST_CASE("partitioner_from_name knows librdkafka's names") {
  CHECK(partitioner_from_name("consistent") == PartitionerKind::consistent);
  CHECK(partitioner_from_name("consistent_random") == PartitionerKind::consistent_random);
  CHECK(partitioner_from_name("murmur2") == PartitionerKind::murmur2);
  CHECK(partitioner_from_name("murmur2_random") == PartitionerKind::murmur2_random);
  CHECK(partitioner_from_name("random") == PartitionerKind::random);
  CHECK(partitioner_from_name("fnv1a") == PartitionerKind::fnv1a);
  CHECK(partitioner_from_name("fnv1a_random") == PartitionerKind::fnv1a_random);
}

TEST_CASE("partitioner_from_name knows the Java class names and Sluice's own names") {
  CHECK(partitioner_from_name("default") == PartitionerKind::java_default);
  CHECK(partitioner_from_name("org.apache.kafka.clients.producer.internals.DefaultPartitioner") ==
        PartitionerKind::java_default);
  CHECK(partitioner_from_name("uniform_sticky") == PartitionerKind::uniform_sticky);
  CHECK(partitioner_from_name("org.apache.kafka.clients.producer.UniformStickyPartitioner") ==
        PartitionerKind::uniform_sticky);
  CHECK(partitioner_from_name("round_robin") == PartitionerKind::round_robin);
  CHECK(partitioner_from_name("org.apache.kafka.clients.producer.RoundRobinPartitioner") ==
        PartitionerKind::round_robin);
}

TEST_CASE("partitioner_from_name rejects unknown, misspelt and differently cased names") {
  for (const char* bad : {"", "Murmur2", "MURMUR2", "murmur2 ", " default", "murmur", "sticky", "user",
                          "RoundRobinPartitioner", "org.apache.kafka.clients.producer.DefaultPartitioner",
                          "org.apache.kafka.clients.producer.internals.BuiltInPartitioner"}) {
    INFO("name '" << bad << "'");
    CHECK_FALSE(partitioner_from_name(bad).has_value());
  }
}

TEST_CASE("partitioner_name gives a short name that partitioner_from_name reads back") {
  const PartitionerKind named[] = {PartitionerKind::java_default,   PartitionerKind::uniform_sticky,
                                   PartitionerKind::round_robin,    PartitionerKind::consistent,
                                   PartitionerKind::consistent_random, PartitionerKind::murmur2,
                                   PartitionerKind::murmur2_random, PartitionerKind::random,
                                   PartitionerKind::fnv1a,          PartitionerKind::fnv1a_random};
  for (PartitionerKind k : named) CHECK(partitioner_from_name(partitioner_name(k)) == k);
  CHECK(partitioner_name(PartitionerKind::java_default) == "default");
  CHECK(partitioner_name(PartitionerKind::murmur2_random) == "murmur2_random");
  CHECK(partitioner_name(PartitionerKind::user) == "user");
}
