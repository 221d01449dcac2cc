// decide_rebootstrap (metadata.recovery.rebootstrap.trigger.ms) on a fake
// clock: the test feeds it what each pass sees and keeps the state it
// returns, exactly as ClusterView::rebootstrap_due does.
#include "rebootstrap_trigger.hpp"

#include <catch2/catch.hpp>

using namespace sluice::detail;
using namespace std::chrono_literals;

namespace {

// The view's side: unreachable_since_ and the passes, at times the test picks.
struct View {
  RebootstrapPolicy policy{true, 10000ms};
  std::optional<Clock::time_point> since;
  int rebootstraps = 0;
  Clock::time_point t0 = Clock::time_point{} + 1000h;

  bool pass(std::chrono::milliseconds at, const ClusterReach& reach) {
    const auto d = decide_rebootstrap(policy, since, t0 + at, reach);
    since = d.unreachable_since;
    rebootstraps += d.rebootstrap ? 1 : 0;
    return d.rebootstrap;
  }
};

// Records wait, the brokers metadata named are all down.
constexpr ClusterReach kCutOff{.reachable = false, .needed = true, .brokers_known = true,
                               .bootstrap_connecting = false};

ClusterReach with(ClusterReach r, void (*change)(ClusterReach&)) {
  change(r);
  return r;
}

}  // namespace

TEST_CASE("rebootstrap: fires once the brokers have been unreachable for the whole trigger, not before") {
  View e;
  CHECK_FALSE(e.pass(0ms, kCutOff));
  REQUIRE(e.since == e.t0);
  CHECK_FALSE(e.pass(4000ms, kCutOff));
  CHECK_FALSE(e.pass(9999ms, kCutOff));
  CHECK(e.since == e.t0);  // the stretch keeps its start
  CHECK(e.pass(10000ms, kCutOff));
  CHECK(e.rebootstraps == 1);
  // The clock starts over: the next one is a full trigger later.
  CHECK(e.since == e.t0 + 10000ms);
  CHECK_FALSE(e.pass(10001ms, kCutOff));
  CHECK_FALSE(e.pass(19999ms, kCutOff));
  CHECK(e.pass(20000ms, kCutOff));
  CHECK(e.rebootstraps == 2);
}

TEST_CASE("rebootstrap: a ready connection ends the stretch, the next one starts from zero") {
  View e;
  CHECK_FALSE(e.pass(0ms, kCutOff));
  CHECK_FALSE(e.pass(9000ms, kCutOff));
  CHECK_FALSE(e.pass(9500ms, with(kCutOff, [](ClusterReach& r) { r.reachable = true; })));
  CHECK_FALSE(e.since.has_value());
  CHECK_FALSE(e.pass(9600ms, kCutOff));  // cut off again: a new stretch
  CHECK(e.since == e.t0 + 9600ms);
  CHECK_FALSE(e.pass(19000ms, kCutOff));
  CHECK(e.pass(19600ms, kCutOff));
  CHECK(e.rebootstraps == 1);
}

TEST_CASE("rebootstrap: an idle producer without connections is not cut off") {
  // connections.max.idle.ms closed everything and nothing waits: no
  // stretch starts, however long it lasts.
  View e;
  const auto idle = with(kCutOff, [](ClusterReach& r) { r.needed = false; });
  for (auto at : {0ms, 10000ms, 600000ms}) CHECK_FALSE(e.pass(at, idle));
  CHECK_FALSE(e.since.has_value());
  // Work arrives: the stretch starts then, not at the last connection.
  CHECK_FALSE(e.pass(600001ms, kCutOff));
  CHECK(e.since == e.t0 + 600001ms);
  CHECK_FALSE(e.pass(610000ms, kCutOff));
  CHECK(e.pass(610001ms, kCutOff));
  // And work done (nothing needed) ends a stretch too.
  CHECK_FALSE(e.pass(615000ms, kCutOff));
  CHECK_FALSE(e.pass(616000ms, idle));
  CHECK_FALSE(e.since.has_value());
}

TEST_CASE("rebootstrap: waits for a bootstrap attempt under way, then fires at its end") {
  View e;
  const auto dialling = with(kCutOff, [](ClusterReach& r) { r.bootstrap_connecting = true; });
  CHECK_FALSE(e.pass(0ms, kCutOff));
  CHECK_FALSE(e.pass(10000ms, dialling));  // due, but the attempt may yet succeed
  CHECK_FALSE(e.pass(15000ms, dialling));
  CHECK(e.since == e.t0);
  CHECK(e.pass(15001ms, kCutOff));  // it failed: now
  CHECK(e.rebootstraps == 1);
}

TEST_CASE("rebootstrap: never before metadata named brokers, never with strategy none") {
  SECTION("only bootstrap.servers known so far") {
    View e;
    const auto unknown = with(kCutOff, [](ClusterReach& r) { r.brokers_known = false; });
    CHECK_FALSE(e.pass(0ms, unknown));
    CHECK_FALSE(e.pass(60000ms, unknown));
    CHECK(e.since == e.t0);  // still counted: due as soon as brokers are known
    CHECK(e.pass(60001ms, kCutOff));
  }
  SECTION("metadata.recovery.strategy=none") {
    View e;
    e.policy.enabled = false;
    for (auto at : {0ms, 10000ms, 3600000ms}) CHECK_FALSE(e.pass(at, kCutOff));
    CHECK(e.rebootstraps == 0);
  }
}

TEST_CASE("rebootstrap: trigger 0 fires at once, but not again while its own bootstrap attempt runs") {
  View e;
  e.policy.trigger = 0ms;
  CHECK(e.pass(0ms, kCutOff));
  const auto dialling = with(kCutOff, [](ClusterReach& r) { r.bootstrap_connecting = true; });
  CHECK_FALSE(e.pass(1ms, dialling));
  CHECK_FALSE(e.pass(2ms, dialling));
  CHECK(e.rebootstraps == 1);
}
