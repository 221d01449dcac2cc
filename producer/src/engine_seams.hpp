#pragma once
// EngineSeams: what the engine's I/O side is built on, injectable so the
// deterministic simulation (test/sim) can run the real engine on simulated
// time against a simulated cluster, single-threaded. Production passes
// nothing (sluice::Producer uses the engine's two-argument constructor):
// every member left empty is the real thing.
#include <cstdint>
#include <memory>
#include <optional>

#include "broker_link.hpp"
#include "engine_clock.hpp"
#include "engine_timer.hpp"

namespace sluice::detail {

struct EngineSeams {
  std::shared_ptr<EngineClock> clock;        // empty: SteadyEngineClock
  std::shared_ptr<TimerFactory> timers;      // empty: Asio steady_timers on the engine's io_context
  std::shared_ptr<BrokerLinkFactory> links;  // empty: net::BrokerConnections on the engine's io_context
  // Seeds the engine's own randomness (retry jitter, the sticky
  // partitioner); empty: std::random_device.
  std::optional<std::uint64_t> random_seed;
};

}  // namespace sluice::detail
