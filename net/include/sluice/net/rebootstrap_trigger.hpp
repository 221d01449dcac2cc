#pragma once
// When to start again from bootstrap.servers (metadata.recovery.strategy=
// rebootstrap, KIP-899): once the producer has needed a broker and had none
// reachable for metadata.recovery.rebootstrap.trigger.ms without a break.
// Sans-I/O: a pure function of the engine's state and the time it passes
// in; the engine (I/O thread) keeps `unreachable_since` and acts on the
// answer (closing its connections, dialling the first bootstrap entry).
#include <chrono>
#include <optional>

#include "sluice/net/in_flight_requests.hpp"  // Clock

namespace sluice::net {

struct RebootstrapPolicy {
  bool enabled = true;                           // metadata.recovery.strategy=rebootstrap
  std::chrono::milliseconds trigger{300000};     // metadata.recovery.rebootstrap.trigger.ms
};

// What the engine sees on one pass.
struct ClusterReach {
  bool reachable = false;             // some broker connection is ready
  bool needed = false;                // work waits for a broker (records, retries, metadata)
  bool brokers_known = false;         // metadata named brokers (else there is only bootstrap anyway)
  bool bootstrap_connecting = false;  // an attempt to a bootstrap.servers entry is under way
};

struct RebootstrapDecision {
  std::optional<Clock::time_point> unreachable_since;  // the engine's new state
  bool rebootstrap = false;                            // start again from bootstrap.servers now
};

// The unreachable stretch starts at the first pass that needs a broker and
// has none; a ready connection, or nothing left to do, ends it (an idle
// producer whose connections closed for connections.max.idle.ms is not cut
// off). Re-bootstrapping waits while a bootstrap attempt is under way (that
// attempt is what a re-bootstrap would start; its completion runs the next
// pass) and restarts the clock, so it repeats at most once per trigger.
RebootstrapDecision decide_rebootstrap(const RebootstrapPolicy& policy,
                                       std::optional<Clock::time_point> unreachable_since, Clock::time_point now,
                                       const ClusterReach& reach) noexcept;

}  // namespace sluice::net
