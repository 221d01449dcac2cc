#pragma once
// Kafka's own tools for integration tests, through `tools/kafka-local
// run-class` (cluster::kafka_local, in the source tree): creating topics
// with settings, and reading the record batches a broker wrote to its data
// files (org.apache.kafka.tools.DumpLogSegments), so tests can see how a
// producer batched its records on the wire.
//
// The broker's data dir is kafka-local's: SLUICE_KAFKA_DATA, else
// /tmp/sluice-kafka-<SLUICE_KAFKA_BASE, else 19090>; a partition lives in
// node-<id>/data/<topic>-<partition>/.
//
// run_class() never asserts; the require_* functions do (main thread only).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cluster_control.hpp"

namespace sluice::test::kafka {

// What ran, its exit code and output: cluster_control runs kafka-local for both.
using ToolResult = cluster::CommandResult;

// `tools/kafka-local run-class ARGS...` with a small, quick-starting JVM,
// bounded by a timeout so a wedged JVM cannot hang the test.
ToolResult run_class(const std::vector<std::string>& args);

// Creates `topic` with `partitions` partitions, replication factor 1 and
// the given topic configs (e.g. {"max.message.bytes", "2000"}).
void require_create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                          const std::vector<std::pair<std::string, std::string>>& configs = {});

// One record batch as DumpLogSegments prints it.
struct LogBatch {
  std::int64_t base_offset = -1;
  std::int64_t last_offset = -1;
  std::int32_t count = -1;         // records in the batch
  std::int64_t size = -1;          // bytes of the whole batch (header included)
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t base_sequence = -1;
  std::int32_t last_sequence = -1;
  std::string codec;               // compresscodec
  bool valid = false;              // isvalid (CRC)
};

// Parses DumpLogSegments output (the "baseOffset: ..." lines), in file order.
std::vector<LogBatch> parse_dump(const std::string& output);

// The local cluster's data dir.
std::string data_dir();

// The broker directory holding `topic`-`partition`; fails the test loudly
// if there is none, or more than one (the tests use replication factor 1).
std::string require_partition_dir(const std::string& topic, int partition);

// Every batch of `topic`-`partition` in the broker's segment files, in
// offset order (DumpLogSegments over every .log segment of the partition).
std::vector<LogBatch> require_log_batches(const std::string& topic, int partition);

}  // namespace sluice::test::kafka
