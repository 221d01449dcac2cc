#pragma once
// What became of the records: acknowledgements per partition, failures by
// error. Delivery reports arrive on the client's thread (and, for errors
// found in send(), on the sending thread), so it is thread-safe; the
// counts the progress line reads are atomics.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::bench {

struct FailureCount {
  std::string error;          // the error's name, e.g. "sluice.producer: no broker could be reached"
  std::int64_t count = 0;
  std::string first_message;  // the first failed record's full message
};

struct Outcome {
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  std::uint64_t acked_bytes = 0;                      // value bytes of acknowledged records (keys not counted, as in kafka-producer-perf-test)
  std::map<std::int32_t, std::int64_t> per_partition;  // acknowledged records
  std::vector<FailureCount> failures;                  // most frequent first
};

class OutcomeTally {
 public:
  void acked(std::int32_t partition, std::uint64_t payload_bytes);
  void failed(const std::string& error, const std::string& message);

  std::int64_t acked_count() const noexcept { return acked_.load(std::memory_order_relaxed); }
  std::int64_t failed_count() const noexcept { return failed_.load(std::memory_order_relaxed); }
  std::uint64_t acked_bytes() const noexcept { return acked_bytes_.load(std::memory_order_relaxed); }

  Outcome snapshot() const;

 private:
  std::atomic<std::int64_t> acked_{0};
  std::atomic<std::int64_t> failed_{0};
  std::atomic<std::uint64_t> acked_bytes_{0};
  mutable std::mutex mu_;
  std::map<std::int32_t, std::int64_t> per_partition_;
  std::map<std::string, FailureCount> failures_;
};

}  // namespace sluice::bench
