#pragma once
// --throughput: when each record is meant to be sent. Record i's intended
// time is start + i / rate, fixed in advance (not "last send + period"), so
// a stall in send() puts later records behind schedule and their latency,
// measured from the intended time, shows it (no coordinated omission).
#include <cstdint>

#include "latency_recorder.hpp"  // Clock

namespace sluice::bench {

class Pacer {
 public:
  // records_per_second <= 0: unthrottled.
  Pacer(std::int64_t records_per_second, Clock::time_point start) noexcept
      : rate_(records_per_second), start_(start) {}

  bool throttled() const noexcept { return rate_ > 0; }
  // Intended send time of record `index` (start when unthrottled).
  Clock::time_point intended(std::uint64_t index) const noexcept;
  // Sleeps until record `index`'s intended time if that is still ahead;
  // returns the intended time. Behind schedule it returns at once, so the
  // loop catches up at full speed.
  Clock::time_point wait(std::uint64_t index) const;

 private:
  std::int64_t rate_;
  Clock::time_point start_;
};

}  // namespace sluice::bench
