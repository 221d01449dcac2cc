// CPU time and peak RSS of this process.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <memory>

#include "process_usage.hpp"

using sluice::bench::process_usage;

TEST_CASE("CPU time grows with work done") {
  // Spin until getrusage shows 20 ms more CPU; on a loaded machine that
  // takes longer in wall time, so the cap is generous and only catches a
  // CPU time that never moves.
  auto cpu = [] {
    const auto u = process_usage();
    return u.user_s + u.system_s;
  };
  const double before = cpu();
  const auto cap = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  volatile std::uint64_t x = 0;
  while (cpu() - before < 0.02 && std::chrono::steady_clock::now() < cap) {
    for (int i = 0; i < 100000; ++i) x = x + 1;
  }
  CHECK(cpu() - before >= 0.02);
}

TEST_CASE("peak RSS covers memory this process touched") {
  constexpr std::size_t kBytes = 64u << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);  // touch every page
  const auto u = process_usage();
  CHECK(u.peak_rss_mib >= 64.0);
  CHECK(block[kBytes - 1] == 1);
}
