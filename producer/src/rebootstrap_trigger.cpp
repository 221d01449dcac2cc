#include "rebootstrap_trigger.hpp"

namespace sluice::detail {

RebootstrapDecision decide_rebootstrap(const RebootstrapPolicy& policy,
                                       std::optional<Clock::time_point> unreachable_since, Clock::time_point now,
                                       const ClusterReach& reach) noexcept {
  if (reach.reachable || !reach.needed) return {};
  const Clock::time_point since = unreachable_since.value_or(now);
  if (policy.enabled && reach.brokers_known && !reach.bootstrap_connecting && now - since >= policy.trigger) {
    return {now, true};
  }
  return {since, false};
}

}  // namespace sluice::detail
