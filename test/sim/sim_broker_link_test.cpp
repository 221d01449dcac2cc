// SimBrokerLink: the engine's broker link over the simulated network keeps
// the real connection's promises: negotiated versions, answers encoded as a
// broker writes them (decoded here with the protocol's decoders), the
// request timeout on simulated time, a broken connection failing what is
// open with maybe_delivered, close() completing inline.
#include "sim_broker_link.hpp"

#include <catch2/catch.hpp>
#include <optional>

#include "sim_test_support.hpp"
#include "sluice/net/net_error.hpp"

using namespace sluice::sim;
using namespace sluice::sim::test;
using sluice::detail::LinkState;
using sluice::net::net_errc;
using sluice::net::RequestOutcome;
using sluice::protocol::ApiKey;

namespace {

struct Rig {
  SimWorld world{3};
  SimTimerQueue timers;
  SimLinkFactory links{world, timers, SimLinkVersions{13, 13, 5}};

  Rig() { world.cluster().create_topic("t", 1); }

  std::shared_ptr<sluice::detail::BrokerLink> open(std::int32_t node, std::chrono::milliseconds timeout = std::chrono::seconds(1)) {
    sluice::net::ConnectionOptions options;
    options.request_timeout = timeout;
    auto link = links.make_link(node, {"broker-" + std::to_string(node) + ".sim", 9092}, options);
    std::optional<std::error_code> connected;
    link->connect([&](std::error_code ec) { connected = ec; });
    CHECK_FALSE(connected);  // never inline
    step();
    REQUIRE(connected);
    REQUIRE_FALSE(*connected);
    return link;
  }
  // The next network event up to the next timer goes to its link; without
  // one, the clock is at that timer and it fires.
  void step() {
    const SimTime next_timer = timers.next_due();
    if (auto e = world.poll(next_timer)) {
      links.deliver(std::move(*e));
      return;
    }
    REQUIRE(next_timer != kNever);
    while (auto fire = timers.take_due(world.now())) (*fire)();
  }
};

struct Outcome {
  std::optional<std::error_code> ec;
  bool maybe_delivered = false;
  sluice::protocol::Bytes body;
};

sluice::net::ResponseHandler keep(Outcome& o) {
  return [&o](const RequestOutcome& out) {
    o.ec = out.ec;
    o.maybe_delivered = out.maybe_delivered;
    o.body.assign(out.body.begin(), out.body.end());
  };
}

}  // namespace

TEST_CASE("a ready link reports a Kafka 4.x broker's versions and answers Produce with bytes the decoder reads") {
  Rig rig;
  const auto leader = rig.world.cluster().partition("t", 0)->leader;
  auto link = rig.open(leader);
  CHECK(link->state() == LinkState::ready);
  CHECK(link->versions().version(ApiKey::Produce) == 13);
  CHECK(link->versions().version(ApiKey::Metadata) == 13);
  CHECK(link->versions().version(ApiKey::InitProducerId) == 5);
  CHECK_FALSE(link->versions().version(ApiKey::CreateTopics));
  const auto batch = make_batch(BatchSpec{}.count(2));  // the request views it
  auto request = produce_one("t", 0, batch, -1, rig.world.cluster().topic("t")->id);
  Outcome o;
  link->send_produce(request, true, keep(o));
  CHECK(link->in_flight() == 1);
  rig.step();
  REQUIRE(o.ec);
  CHECK_FALSE(*o.ec);
  auto decoded = sluice::protocol::decode_produce_response(o.body, 13);
  REQUIRE(decoded);
  CHECK(decoded->topics.at(0).topic_id == rig.world.cluster().topic("t")->id);
  CHECK(decoded->topics.at(0).partitions.at(0).base_offset == 0);
  CHECK(link->in_flight() == 0);
}

TEST_CASE("request.timeout.ms runs on simulated time and closes the link, open requests maybe delivered") {
  Rig rig;
  const auto leader = rig.world.cluster().partition("t", 0)->leader;
  auto link = rig.open(leader, std::chrono::milliseconds(500));
  rig.world.network().set_faults(NetworkFaults{0, 0, 1.0, 2'000'000});  // every answer 2 s late
  Outcome first, second;
  link->send_metadata({}, keep(first));
  link->send_metadata({}, keep(second));
  const SimTime sent = rig.world.now();
  while (!first.ec) rig.step();
  CHECK(rig.world.now() == sent + 500'000);
  CHECK(*first.ec == net_errc::request_timeout);
  CHECK(first.maybe_delivered);
  CHECK(*second.ec == net_errc::request_timeout);
  CHECK(link->state() == LinkState::closed);
  Outcome late;
  link->send_metadata({}, keep(late));  // a closed link fails at once, inline, not delivered
  REQUIRE(late.ec);
  CHECK(*late.ec == net_errc::connection_closed);
  CHECK_FALSE(late.maybe_delivered);
}

TEST_CASE("a connection the network breaks fails every open request, maybe delivered") {
  Rig rig;
  const auto leader = rig.world.cluster().partition("t", 0)->leader;
  auto link = rig.open(leader);
  Outcome o;
  const auto batch = make_batch(BatchSpec{});
  auto request = produce_one("t", 0, batch, -1, rig.world.cluster().topic("t")->id);
  rig.world.network().set_faults(NetworkFaults{0, 1.0, 0, 0});  // the answer is lost after the append
  link->send_produce(request, true, keep(o));
  while (!o.ec) rig.step();
  CHECK(*o.ec == net_errc::connection_closed);
  CHECK(o.maybe_delivered);
  CHECK(rig.world.cluster().partition("t", 0)->log_end_offset == 1);  // it was appended
  CHECK(link->state() == LinkState::closed);
}

TEST_CASE("close() completes what is open inline, and a connect to an unknown address fails, never inline") {
  Rig rig;
  auto link = rig.open(1);
  Outcome o;
  link->send_metadata({}, keep(o));
  link->close(net_errc::shutting_down);
  REQUIRE(o.ec);
  CHECK(*o.ec == net_errc::shutting_down);
  CHECK(o.maybe_delivered);

  auto nowhere = rig.links.make_link(-1, {"elsewhere.sim", 9092}, {});
  std::optional<std::error_code> connected;
  nowhere->connect([&](std::error_code ec) { connected = ec; });
  CHECK_FALSE(connected);
  rig.step();
  REQUIRE(connected);
  CHECK(*connected);
  CHECK(nowhere->state() == LinkState::closed);
}
