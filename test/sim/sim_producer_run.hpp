#pragma once
// SimProducerRun: the real producer engine (sluice::detail::ProducerDriver,
// the class behind sluice::Producer) run inside SimWorld, single-threaded, on
// simulated time: one seed and scenario give one exact run, replayable bit
// for bit (the trace hash says so).
//
// The engine is built as sluice::Producer builds it, from the scenario's
// properties, on the simulation's io_context (ProducerOptions::io_context:
// no I/O thread, callbacks inline) with its seams bound to the simulation:
// SimEngineClock, SimTimerQueue, SimLinkFactory and the seed for its own
// randomness (producer/src/engine_seams.hpp).
//
// The loop: run what is posted on the io_context; apply the faults and
// make the sends that are due; fire a due timer; otherwise advance the clock
// to the earliest of the next timer, send, fault and network event, and
// hand that network event to its link. Every handler of the engine runs
// inside io_context::poll(), as on its I/O thread. It ends when every
// record has a report, or fails as a hang when the simulated time passes
// the last send + max(delivery.timeout.ms, max.block.ms) +
// request.timeout.ms + kHangSlack, or when nothing can happen any more.
// Then the engine is closed from the I/O side (close(0): what is left fails
// once) and destroyed, and SimHistory judges each topic's log.
//
// The blocking calls (flush, send_sync, close with a timeout) are never
// made: they would wait for the very thread that runs the simulation.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "history_checker.hpp"
#include "sim_scenario.hpp"

namespace sluice::sim {

inline constexpr SimTime kHangSlack = 30'000'000;  // 30 s

struct SimRunOptions {
  bool keep_trace_lines = false;  // SimRunResult::trace_lines (replays; allocates)
  verify::Tolerance tolerance;    // what the judge lets pass (negative controls: nothing)
};

struct SimRunResult {
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::uint64_t trace_entries = 0;
  verify::Counts counts;                // summed over the scenario's topics
  std::vector<std::string> violations;  // the judge's, under the tolerance
  std::map<std::string, std::vector<std::string>> examples;  // counter -> cases ("t0: p1#3 ...")
  std::string hang;                     // empty: every record got a report in time
  SimTime end_time = 0;                 // when the last report came (or the hang was declared)
  std::vector<std::string> trace_lines;

  bool passed() const noexcept { return violations.empty() && hang.empty(); }
  // "seed=7 PASS hash=… records=212 acked=… end=12.345s" (and the violations).
  std::string line() const;
};

SimRunResult run_producer_sim(std::uint64_t seed, const SimScenario& scenario, const SimRunOptions& options = {});

// draw_scenario(seed) then run_producer_sim: what a seed means.
SimRunResult run_seed(std::uint64_t seed, const ScenarioOptions& scenario = {}, const SimRunOptions& options = {});

}  // namespace sluice::sim
