#pragma once
// Deadlines from timeouts the application passes (flush, close,
// create_topics, bulk_send). steady_clock counts int64 nanoseconds, so
// now() + milliseconds::max() overflows (into the past, or a UBSan abort),
// and condition_variable::wait_for adds exactly that: a wait "as long as it
// takes" returned at once. deadline_after saturates instead; wait with
// wait_until on what it returns.
#include <chrono>

namespace sluice::detail {

// `now + timeout`, saturated at time_point::max() (never reached: a wait
// until then waits until its predicate holds). Zero or negative: `now`.
inline std::chrono::steady_clock::time_point deadline_after(std::chrono::steady_clock::time_point now,
                                                            std::chrono::milliseconds timeout) {
  using std::chrono::steady_clock;
  if (timeout <= std::chrono::milliseconds::zero()) return now;
  // Compared in milliseconds: converting milliseconds::max() to the clock's
  // nanoseconds is the very overflow to avoid.
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::time_point::max() - now);
  if (timeout >= room) return steady_clock::time_point::max();
  return now + std::chrono::duration_cast<steady_clock::duration>(timeout);
}

}  // namespace sluice::detail
