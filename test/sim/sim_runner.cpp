// sluice_sim_run: runs the producer in the simulation for a range of seeds,
// or replays one (tools/sim wraps it).
//
//   sluice_sim_run --seeds N [--from S]     seeds S..S+N-1 (S default 1)
//   sluice_sim_run --replay S [--trace]     one seed, its scenario, its result
//                                           (--trace: every trace line)
//   --unsafe-faults                         also the fault combinations after
//                                           which the producer writes known
//                                           duplicates (ScenarioOptions::unsafe_faults)
//
// A sweep prints one line per failing seed, with the command that replays
// it, and ends with a summary (and the fault mix: the share of seeds with
// each fault kind); a replay prints the same trace hash as the
// sweep did for that seed. Exit status: 0 every seed passed, 1 some failed,
// 2 bad arguments.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "sim_producer_run.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: sluice_sim_run [--unsafe-faults] (--seeds N [--from S] | --replay S [--trace])\n");
  return 2;
}

bool parse_u64(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && end != text && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 0, from = 1, replay = 0;
  bool have_replay = false, trace = false;
  sluice::sim::ScenarioOptions scenario_options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::uint64_t& out) { return i + 1 < argc && parse_u64(argv[++i], out); };
    if (arg == "--seeds") {
      if (!value(seeds)) return usage();
    } else if (arg == "--from") {
      if (!value(from)) return usage();
    } else if (arg == "--replay") {
      if (!value(replay)) return usage();
      have_replay = true;
    } else if (arg == "--trace") {
      trace = true;
    } else if (arg == "--unsafe-faults") {
      scenario_options.unsafe_faults = true;
    } else {
      return usage();
    }
  }
  using namespace sluice::sim;
  if (have_replay) {
    const SimScenario scenario = draw_scenario(replay, scenario_options);
    std::printf("scenario: %s\n", scenario.summary().c_str());
    SimRunOptions options;
    options.keep_trace_lines = trace;
    const SimRunResult r = run_producer_sim(replay, scenario, options);
    for (const auto& line : r.trace_lines) std::printf("  %s\n", line.c_str());
    for (const auto& [counter, cases] : r.examples) {
      for (const auto& c : cases) std::printf("example %s: %s\n", counter.c_str(), c.c_str());
    }
    std::printf("%s\n", r.line().c_str());
    return r.passed() ? 0 : 1;
  }
  if (seeds == 0) return usage();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, records = 0, pre_kip360 = 0;
  std::map<std::string, std::uint64_t> seeds_with;  // fault kind -> seeds that have it
  for (std::uint64_t s = from; s < from + seeds; ++s) {
    const SimScenario scenario = draw_scenario(s, scenario_options);
    std::set<std::string> kinds;
    for (const auto& f : scenario.faults) {
      // A max.message.bytes change left at the default changes nothing (avoid_known_duplicates).
      if (f.kind != FaultKind::max_message_bytes || f.value != 1048588) kinds.insert(fault_name(f.kind));
    }
    for (const auto& k : kinds) ++seeds_with[k];
    pre_kip360 += scenario.pre_kip360_brokers ? 1 : 0;
    const SimRunResult r = run_producer_sim(s, scenario);
    records += static_cast<std::uint64_t>(r.counts.sent);
    if (r.passed()) continue;
    ++failed;
    std::printf("%s\n  replay: tools/sim --replay %llu%s --trace\n", r.line().c_str(),
                static_cast<unsigned long long>(s), scenario_options.unsafe_faults ? " --unsafe-faults" : "");
    std::fflush(stdout);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sim: %llu seeds (%llu..%llu), %llu failed, %llu records, %.1f s (%.2f ms per seed)\n",
              static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(from),
              static_cast<unsigned long long>(from + seeds - 1), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(records), seconds, 1000 * seconds / static_cast<double>(seeds));
  // The fault mix: how many seeds had each kind (broker-down comes with broker-up).
  std::printf("sim: seeds with");
  for (const auto& [kind, n] : seeds_with) {
    if (kind != "broker-up") std::printf(" %s %.0f%%", kind.c_str(), 100.0 * static_cast<double>(n) / static_cast<double>(seeds));
  }
  std::printf("; brokers before 2.5 %.0f%%\n", 100.0 * static_cast<double>(pre_kip360) / static_cast<double>(seeds));
  return failed == 0 ? 0 : 1;
}
