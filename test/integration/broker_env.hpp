#pragma once
// What integration tests need from their environment: the bootstrap list of
// a running broker, a unique topic name, and an independent consumer (kcat).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::test {

// SLUICE_BOOTSTRAP, or a test failure saying how to get a broker.
std::string bootstrap_or_fail();

// A topic name unique to this run.
std::string unique_topic(const std::string& prefix);

struct ConsumedRecord {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;  // kcat's %T: the record's timestamp in ms (-1: none)
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::string headers;  // kcat's "k=v,k2=v2" rendering
};

// Reads every record of `topic` from the beginning with kcat (a consumer
// Sluice did not write), until the end of each partition. `library_dir`:
// run kcat with LD_LIBRARY_PATH on it (another librdkafka.so.1), else the system's.
std::vector<ConsumedRecord> consume_all_with_kcat(const std::string& bootstrap, const std::string& topic,
                                                  const std::string& library_dir = {});

}  // namespace sluice::test
