#pragma once
// What the producer behaviour tests (producer_*_test.cpp) share: delivery
// reports collected per record, a gate that holds the I/O thread inside a
// callback, and the records they send.
//
// Delivery callbacks only record (under a mutex) and the test thread
// asserts: Catch2 is not thread-safe. Nothing sleeps for a fixed time;
// waits are on conditions with deadlines.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sluice/sluice.hpp"

namespace sluice::test::behaviour {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Nothing listens on port 1 of loopback.
inline constexpr const char* kUnreachable = "127.0.0.1:1";

inline std::int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// Delivery reports by record index, filled from the I/O thread.
class Reports {
 public:
  struct Entry {
    sluice::DeliveryReport report;
    std::thread::id thread;
  };

  sluice::DeliveryCallback callback(std::size_t index) {
    return [this, index](const sluice::DeliveryReport& r) {
      std::lock_guard lock(mu_);
      by_index_[index].push_back({r, std::this_thread::get_id()});
      ++total_;
      cv_.notify_all();
    };
  }
  // Waits until at least `n` reports arrived in all; false at the deadline.
  bool wait_total(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return total_ >= n; });
  }
  std::size_t total() {
    std::lock_guard lock(mu_);
    return total_;
  }
  std::size_t count(std::size_t index) {
    std::lock_guard lock(mu_);
    auto it = by_index_.find(index);
    return it == by_index_.end() ? 0 : it->second.size();
  }
  std::map<std::size_t, std::vector<Entry>> snapshot() {
    std::lock_guard lock(mu_);
    return by_index_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::size_t, std::vector<Entry>> by_index_;
  std::size_t total_ = 0;
};

// Reports::snapshot(): each record's reports by its index.
using ReportsByIndex = std::map<std::size_t, std::vector<Reports::Entry>>;

// Holds the producer's I/O thread inside one delivery callback until the
// test opens it. While it is held, the record whose callback it is still
// counts against buffer.memory (its space is freed after its callback
// returns) and the I/O thread fails nothing else, so the buffer stays
// exactly as full as the test makes it. Bounded: it opens by itself after
// 60 s, so a failing test cannot hang on it.
class Gate {
 public:
  sluice::DeliveryCallback callback() {
    return [this](const sluice::DeliveryReport& r) {
      std::unique_lock lock(mu_);
      report_ = r;
      entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, 60s, [this] { return open_; });
    };
  }
  bool wait_entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return entered_; });
  }
  std::optional<sluice::DeliveryReport> report() {
    std::lock_guard lock(mu_);
    return report_;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
  std::optional<sluice::DeliveryReport> report_;
};

// Opens the gate when the test ends, also on a failed REQUIRE; declared
// after the producer, so it runs before the producer's destructor.
struct GateOpener {
  Gate& gate;
  ~GateOpener() { gate.open(); }
};

inline sluice::Record make_record(const std::string& topic, std::optional<std::int32_t> partition, std::string key,
                                  std::string value) {
  sluice::Record r;
  r.topic = topic;
  r.partition = partition;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

inline std::string value_of(std::size_t i) { return "value-" + std::to_string(i); }
inline std::string key_of(std::size_t i) { return "key-" + std::to_string(i); }

}  // namespace sluice::test::behaviour
