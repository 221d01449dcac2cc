#pragma once
// When to start again from bootstrap.servers (metadata.recovery.strategy=
// rebootstrap, KIP-899): once the producer has needed a broker and had none
// reachable for metadata.recovery.rebootstrap.trigger.ms without a break.
// Sans-I/O: a pure function of the cluster view's state and the time it is
// given. ClusterView (cluster_view.hpp) keeps `unreachable_since` and resets
// itself to the bootstrap list on the answer; the driver closes its links.
#include <chrono>
#include <optional>

#include "producer_batch.hpp"  // Clock

namespace sluice::detail {

struct RebootstrapPolicy {
  bool enabled = true;                           // metadata.recovery.strategy=rebootstrap
  std::chrono::milliseconds trigger{300000};     // metadata.recovery.rebootstrap.trigger.ms
};

// What the driver sees on one pass (the view fills in brokers_known).
struct ClusterReach {
  bool reachable = false;             // some broker connection is ready
  bool needed = false;                // work waits for a broker (records, retries, metadata)
  bool brokers_known = false;         // metadata named brokers (else there is only bootstrap anyway)
  bool bootstrap_connecting = false;  // an attempt to a bootstrap.servers entry is under way
};

struct RebootstrapDecision {
  std::optional<Clock::time_point> unreachable_since;  // the view's new state
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

}  // namespace sluice::detail
