#include "outcome_tally.hpp"

#include <algorithm>

namespace sluice::bench {

void OutcomeTally::acked(std::int32_t partition, std::uint64_t payload_bytes) {
  {
    std::lock_guard lock(mu_);
    ++per_partition_[partition];
  }
  acked_bytes_.fetch_add(payload_bytes, std::memory_order_relaxed);
  acked_.fetch_add(1, std::memory_order_relaxed);
}

void OutcomeTally::failed(const std::string& error, const std::string& message) {
  {
    std::lock_guard lock(mu_);
    auto [it, inserted] = failures_.try_emplace(error);
    if (inserted) {
      it->second.error = error;
      it->second.first_message = message;
    }
    ++it->second.count;
  }
  failed_.fetch_add(1, std::memory_order_relaxed);
}

Outcome OutcomeTally::snapshot() const {
  Outcome o;
  std::lock_guard lock(mu_);
  o.acked = acked_.load();
  o.failed = failed_.load();
  o.acked_bytes = acked_bytes_.load();
  o.per_partition = per_partition_;
  for (const auto& [name, f] : failures_) o.failures.push_back(f);
  std::stable_sort(o.failures.begin(), o.failures.end(),
                   [](const FailureCount& a, const FailureCount& b) { return a.count > b.count; });
  return o;
}

}  // namespace sluice::bench
