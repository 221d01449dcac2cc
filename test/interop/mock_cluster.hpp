#pragma once
// MockCluster: starts test/interop/mock_cluster_host (librdkafka's mock
// cluster) as a child process, reads its bootstrap list, sends it commands,
// and ends it by closing its stdin (so a crashed test never leaves it behind:
// the host exits when the pipe closes).
#include <string>
#include <sys/types.h>
#include <vector>

namespace sluice::test {

class MockCluster {
 public:
  // `topics` as NAME:PARTITIONS. `librdkafka_dir`: the host runs with
  // LD_LIBRARY_PATH on it (e.g. newest_librdkafka_dir(): the mock of the
  // newest librdkafka); empty: Debian's, which it was built against. Fails
  // the test (REQUIRE) if the host does not start.
  MockCluster(int brokers, const std::vector<std::string>& topics, const std::string& librdkafka_dir = {});
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstrap() const noexcept { return bootstrap_; }
  // rd_kafka_mock_partition_set_leader; REQUIREs the host's "ok".
  void set_leader(const std::string& topic, int partition, int broker_id);
  // rd_kafka_mock_set_apiversion: the range the mock lists for `api_key` (-1, -1: none).
  void set_api_version(int api_key, int min, int max);
  // The librdkafka version the host runs on (rd_kafka_version_str), e.g. "2.16.0".
  std::string librdkafka_version();

 private:
  std::string read_line();
  void command(const std::string& line);  // REQUIREs the host's "ok"

  pid_t pid_ = -1;
  int to_host_ = -1;    // the host's stdin
  int from_host_ = -1;  // the host's stdout
  std::string pending_;
  std::string bootstrap_;
};

// The folder whose librdkafka.so.1 is the newest librdkafka (the one in the
// confluent-kafka wheel; tools/setup links it under $SLUICE_CACHE or
// ~/.cache/sluice as librdkafka-newest). REQUIREs that it is there and that
// kcat run on it reports librdkafka 2.10 or later, naming tools/setup if not.
std::string newest_librdkafka_dir();

}  // namespace sluice::test
