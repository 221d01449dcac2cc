// ClusterView on a fake clock: bootstrap rotation, reconnect backoff, the
// Metadata request schedule (one in flight, retry.backoff.ms, topics in
// error, metadata.max.age.ms), REBOOTSTRAP_REQUIRED and the KIP-899
// re-bootstrap, wake-up times, refused answers, when no known broker is
// usable. No links: the test plays the driver, telling the view what
// happened and doing what it says.
#include "cluster_view.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fuzz/response_writers.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using sluice::protocol::MetadataResponse;
using Kind = MetadataStep::Kind;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1h;
constexpr std::int16_t kVersion = 12;

ClusterOptions options(std::size_t bootstrap_entries = 2) {
  ClusterOptions o;
  for (std::size_t i = 0; i < bootstrap_entries; ++i) {
    o.bootstrap.push_back({"boot" + std::to_string(i + 1), 9092});
  }
  o.bootstrap_servers = "boot1:9092,boot2:9092";
  o.reconnect_backoff = 50ms;
  o.reconnect_backoff_max = 1000ms;
  o.retry_backoff = 100ms;
  o.metadata_max_age = 300s;
  o.rebootstrap = {true, 10s};
  return o;
}

MetadataResponse::Topic topic(const std::string& name, std::vector<std::int32_t> leaders, std::int16_t error = 0) {
  MetadataResponse::Topic t;
  t.name = name;
  t.error_code = error;
  t.topic_id.bytes[15] = 1;
  for (std::size_t i = 0; i < leaders.size(); ++i) {
    MetadataResponse::Partition p;
    p.partition_index = static_cast<std::int32_t>(i);
    p.leader_id = leaders[i];
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  return t;
}

// Brokers 1, 2, 3 and topic "t" (two partitions, led by 1 and 2).
MetadataResponse cluster() {
  MetadataResponse m;
  m.brokers = {{1, "b1", 9092, std::nullopt}, {2, "b2", 9092, std::nullopt}, {3, "b3", 9092, std::nullopt}};
  m.topics.push_back(topic("t", {1, 2}));
  return m;
}

bool never(const std::string&) { return false; }

MetadataOutcome answer(ClusterView& view, const MetadataResponse& m, Clock::time_point now,
                       const std::function<bool(const std::string&)>& in_use = never,
                       std::int16_t version = kVersion) {
  const auto body = sluice::fuzz::write_metadata_response(m, version);
  return view.on_metadata(sluice::net::RequestOutcome{{}, body, false}, version, now, in_use);
}

MetadataStep step(ClusterView& view, Clock::time_point now, std::vector<LinkSummary> links = {}) {
  return view.metadata_step(now, links);
}

bool is(const MetadataStep& s, Kind kind, std::int32_t node = 0) {
  return s.kind == kind && (kind == Kind::nothing || s.node_id == node);
}

// Asks (through a ready link to `node`) and gets `m` at `now`.
MetadataOutcome ask_and_answer(ClusterView& view, std::int32_t node, const MetadataResponse& m, Clock::time_point now,
                               const std::function<bool(const std::string&)>& in_use = never) {
  view.want_metadata();
  REQUIRE(is(step(view, now, {{node, LinkPhase::ready}}), Kind::ask, node));
  view.metadata_request({"t"});
  return answer(view, m, now, in_use);
}

const std::error_code kRefused = sluice::net::net_errc::connect_timeout;

}  // namespace

TEST_CASE("nothing is asked for until metadata is wanted, then the first bootstrap entry is dialled") {
  ClusterView view(options());
  CHECK(is(step(view, t0), Kind::nothing));
  CHECK_FALSE(view.metadata_wanted());
  view.want_metadata();
  CHECK(is(step(view, t0), Kind::connect, -1));
  CHECK(view.address(-1) == sluice::net::BrokerAddress{"boot1", 9092});
  CHECK(view.address(-2) == sluice::net::BrokerAddress{"boot2", 9092});
  CHECK_FALSE(view.address(-3));
  CHECK_FALSE(view.address(1));  // no Metadata yet
  CHECK(view.bootstrap_servers() == "boot1:9092,boot2:9092");
  // While it connects, nothing more.
  CHECK(is(step(view, t0, {{-1, LinkPhase::connecting}}), Kind::nothing));
  // Ready: asked.
  CHECK(is(step(view, t0, {{-1, LinkPhase::ready}}), Kind::ask, -1));
}

TEST_CASE("a failed bootstrap connection moves on to the next entry, each in its own backoff") {
  ClusterView view(options());
  view.want_metadata();
  REQUIRE(is(step(view, t0), Kind::connect, -1));
  const auto d1 = view.on_connect_result(-1, kRefused, "bootstrap broker boot1:9092: timed out", t0);
  CHECK(d1 >= 40ms);
  CHECK(d1 <= 60ms);
  CHECK(view.last_connection_failure() == "bootstrap broker boot1:9092: timed out");
  CHECK_FALSE(view.may_connect(-1, t0));
  CHECK_FALSE(view.may_connect(-1, t0 + d1 - 1ms));
  CHECK(view.may_connect(-1, t0 + d1));
  CHECK(view.may_connect(-2, t0));

  // The next entry at once.
  CHECK(is(step(view, t0, {{-1, LinkPhase::closed}}), Kind::connect, -2));
  const auto d2 = view.on_connect_result(-2, kRefused, "bootstrap broker boot2:9092: timed out", t0);
  // Back to the first, which waits out its backoff.
  CHECK(is(step(view, t0 + 1ms), Kind::nothing));
  CHECK(is(step(view, t0 + d1 - 1ms), Kind::nothing));
  CHECK(is(step(view, t0 + d1), Kind::connect, -1));
  CHECK(view.next_wakeup(t0, false, false) == t0 + std::min(d1, d2));

  // A success clears the failure and the backoff.
  CHECK(view.on_connect_result(-1, {}, "", t0 + d1) == 0ms);
  CHECK(view.last_connection_failure().empty());
  CHECK(view.may_connect(-1, t0 + d1));
  CHECK(is(step(view, t0 + d1, {{-1, LinkPhase::ready}}), Kind::ask, -1));
}

TEST_CASE("reconnect backoff grows per failure and is respected by metadata_step") {
  ClusterView view(options(1));
  view.want_metadata();
  auto now = t0;
  std::chrono::milliseconds previous{0};
  for (int failure = 0; failure < 4; ++failure) {
    REQUIRE(is(step(view, now), Kind::connect, -1));
    const auto d = view.on_connect_result(-1, kRefused, "x", now);
    const auto nominal = 50ms * (1 << failure);
    CHECK(d >= nominal * 8 / 10);
    CHECK(d <= nominal * 12 / 10);
    CHECK(d > previous);
    previous = d;
    CHECK(view.next_wakeup(now, false, false) == now + d);
    CHECK(is(step(view, now + d - 1ms), Kind::nothing));
    CHECK_FALSE(view.may_connect(-1, now + d - 1ms));
    now += d;
  }
  const auto capped = view.on_connect_result(-1, kRefused, "x", now);
  CHECK(capped <= 1000ms);  // 50 ms * 2^4 = 800 ms; the next one caps
  now += capped;
  CHECK(view.on_connect_result(-1, kRefused, "x", now) <= 1200ms);
}

TEST_CASE("a connection failure asks for metadata (so the next broker is tried)") {
  ClusterView view(options());
  CHECK_FALSE(view.metadata_wanted());
  view.on_connect_result(1, kRefused, "broker 1 at b1:9092: refused", t0);
  CHECK(view.metadata_wanted());
}

TEST_CASE("one Metadata request at a time, and none again before retry.backoff.ms") {
  ClusterView view(options());
  view.want_metadata();
  const std::vector<LinkSummary> ready{{-1, LinkPhase::ready}};
  REQUIRE(is(view.metadata_step(t0, ready), Kind::ask, -1));
  const auto req = view.metadata_request({"a", "b"});
  REQUIRE(req.topics);
  REQUIRE(req.topics->size() == 2);
  CHECK((*req.topics)[1].name == "b");
  CHECK(req.allow_auto_topic_creation);
  CHECK_FALSE(view.metadata_wanted());
  // Wanted again while the first is out: not a second request.
  view.want_metadata();
  CHECK(is(view.metadata_step(t0 + 1s, ready), Kind::nothing));
  CHECK(is(step(view, t0 + 1s), Kind::nothing));  // nor a connection
  CHECK(view.next_wakeup(t0, true, true) == std::nullopt);  // the answer wakes the driver
  // The answer comes; the wish made meanwhile is served after the backoff.
  answer(view, cluster(), t0 + 2s);
  CHECK(view.metadata_wanted());
  CHECK(is(view.metadata_step(t0 + 2s + 99ms, ready), Kind::nothing));
  CHECK(is(view.metadata_step(t0 + 2s + 100ms, ready), Kind::ask, -1));
}

TEST_CASE("an answer that is not wanted again leaves the next request to metadata.max.age.ms") {
  ClusterView view(options());
  const auto out = ask_and_answer(view, -1, cluster(), t0);
  CHECK_FALSE(out.rebootstrap);
  CHECK(out.refused.empty());
  CHECK_FALSE(view.metadata_wanted());
  CHECK(view.metadata().topic("t") != nullptr);
  CHECK(view.address(2) == sluice::net::BrokerAddress{"b2", 9092});
  CHECK(is(step(view, t0 + 1s, {{-1, LinkPhase::ready}}), Kind::nothing));

  CHECK(view.next_wakeup(t0, true, true) == t0 + 300s);
  CHECK(view.next_wakeup(t0, false, true) == std::nullopt);  // no topics: no refresh
  view.note_time(t0 + 300s - 1ms, true);
  CHECK_FALSE(view.metadata_wanted());
  view.note_time(t0 + 300s, false);
  CHECK_FALSE(view.metadata_wanted());
  view.note_time(t0 + 300s, true);
  CHECK(view.metadata_wanted());
  CHECK(is(step(view, t0 + 300s, {{-1, LinkPhase::ready}}), Kind::ask, -1));
}

TEST_CASE("an error answer is asked again after retry.backoff.ms") {
  ClusterView view(options());
  const std::vector<LinkSummary> ready{{-1, LinkPhase::ready}};
  view.want_metadata();
  REQUIRE(is(view.metadata_step(t0, ready), Kind::ask, -1));
  view.metadata_request({"t"});
  SECTION("a transport error") {
    view.on_metadata(sluice::net::RequestOutcome{sluice::net::net_errc::request_timeout, {}, true}, kVersion, t0,
                     never);
  }
  SECTION("an undecodable answer") {
    const sluice::protocol::Bytes garbage{0xff, 0xff, 0xff};
    view.on_metadata(sluice::net::RequestOutcome{{}, garbage, false}, kVersion, t0, never);
  }
  CHECK(view.metadata_wanted());
  CHECK(is(view.metadata_step(t0 + 99ms, ready), Kind::nothing));
  CHECK(view.next_wakeup(t0, true, true) == t0 + 100ms);
  CHECK(is(view.metadata_step(t0 + 100ms, ready), Kind::ask, -1));
}

TEST_CASE("after a Metadata answer the brokers it named are dialled, round robin, not bootstrap.servers") {
  ClusterView view(options());
  ask_and_answer(view, -1, cluster(), t0);
  view.want_metadata();
  // The bootstrap link went away.
  CHECK(is(step(view, t0, {{-1, LinkPhase::closed}}), Kind::connect, 1));
  // One being set up is waited for.
  CHECK(is(step(view, t0, {{1, LinkPhase::connecting}}), Kind::nothing));
  view.on_connect_result(1, kRefused, "broker 1 at b1:9092: refused", t0);
  CHECK(is(step(view, t0, {{1, LinkPhase::closed}}), Kind::connect, 2));
  view.on_connect_result(2, kRefused, "broker 2 at b2:9092: refused", t0);
  CHECK(is(step(view, t0), Kind::connect, 3));
  view.on_connect_result(3, kRefused, "broker 3 at b3:9092: refused", t0);
  // Every one in backoff: nothing until the first backoff ends (and never
  // a bootstrap entry).
  CHECK(is(step(view, t0 + 1ms), Kind::nothing));
  const auto wake = view.next_wakeup(t0 + 1ms, true, false);
  REQUIRE(wake);
  CHECK(*wake <= t0 + 60ms);
  CHECK(is(step(view, t0 + 70ms), Kind::connect, 1));  // the turn comes round again
  CHECK(is(step(view, t0 + 70ms), Kind::connect, 2));
  // A ready link to any broker is asked.
  CHECK(is(step(view, t0 + 70ms, {{1, LinkPhase::closed}, {3, LinkPhase::ready}}), Kind::ask, 3));
}

TEST_CASE("a topic in error is asked for again only while records wait for it") {
  ClusterView view(options());
  MetadataResponse m = cluster();
  m.topics.push_back(topic("missing", {}, static_cast<std::int16_t>(sluice::protocol::kafka_errc::unknown_topic_or_partition)));
  m.topics.push_back(topic("leaderless", {1, -1}));
  m.topics.push_back(topic("empty", {}));
  std::vector<std::string> asked;
  SECTION("not in use") {
    ask_and_answer(view, -1, m, t0, [&](const std::string& name) {
      asked.push_back(name);
      return false;
    });
    CHECK(asked == std::vector<std::string>{"missing", "leaderless", "empty"});  // "t" is fine
    CHECK_FALSE(view.metadata_wanted());
    CHECK(is(step(view, t0 + 1s, {{-1, LinkPhase::ready}}), Kind::nothing));
  }
  SECTION("in use") {
    ask_and_answer(view, -1, m, t0, [&](const std::string& name) { return name == "leaderless"; });
    CHECK(view.metadata_wanted());
    CHECK(is(step(view, t0 + 99ms, {{-1, LinkPhase::ready}}), Kind::nothing));
    CHECK(is(step(view, t0 + 100ms, {{-1, LinkPhase::ready}}), Kind::ask, -1));
  }
}

TEST_CASE("REBOOTSTRAP_REQUIRED starts again from the first bootstrap entry") {
  ClusterView view(options());
  view.want_metadata();
  // boot1 fails, boot2 answers: the view is past bootstrap, at brokers 1-3.
  view.on_connect_result(-1, kRefused, "x", t0);
  REQUIRE(is(step(view, t0), Kind::connect, -2));
  view.on_connect_result(-2, {}, "", t0);
  ask_and_answer(view, -2, cluster(), t0);
  view.want_metadata();
  REQUIRE(is(step(view, t0 + 10s), Kind::connect, 1));

  MetadataResponse m;
  m.brokers = {{9, "elsewhere", 9092, std::nullopt}};
  m.error_code = static_cast<std::int16_t>(sluice::protocol::kafka_errc::rebootstrap_required);
  view.metadata_request({"t"});
  const auto out = answer(view, m, t0 + 10s, never, 13);
  CHECK(out.rebootstrap);
  CHECK_FALSE(view.address(9));  // the answer is not used
  CHECK(view.metadata_wanted());
  // At once (no retry backoff), the first entry, not broker 1 nor boot2.
  CHECK(is(step(view, t0 + 10s), Kind::connect, -1));
  CHECK(is(step(view, t0 + 10s, {{-1, LinkPhase::connecting}, {1, LinkPhase::closed}}), Kind::nothing));
  // Until an answer comes: then the brokers it names again.
  ask_and_answer(view, -1, cluster(), t0 + 11s);
  view.want_metadata();
  CHECK(is(step(view, t0 + 11s), Kind::connect, 2));
}

TEST_CASE("rebootstrap_due: after the trigger with no broker reachable, and only once brokers are known") {
  ClusterView view(options());
  const sluice::detail::ClusterReach cut_off{false, true, false, false};
  SECTION("before any Metadata there is only bootstrap anyway") {
    CHECK_FALSE(view.rebootstrap_due(t0, cut_off));
    CHECK_FALSE(view.rebootstrap_due(t0 + 1h, cut_off));
  }
  SECTION("brokers known") {
    ask_and_answer(view, -1, cluster(), t0);
    CHECK(view.next_wakeup(t0, false, false) == std::nullopt);
    CHECK_FALSE(view.rebootstrap_due(t0 + 1s, cut_off));
    CHECK(view.unreachable());
    CHECK(view.next_wakeup(t0 + 1s, false, false) == t0 + 11s);
    CHECK_FALSE(view.rebootstrap_due(t0 + 11s - 1ms, cut_off));
    // A bootstrap attempt under way holds it off.
    CHECK_FALSE(view.rebootstrap_due(t0 + 11s, {false, true, false, true}));
    CHECK(view.rebootstrap_due(t0 + 11s, cut_off));
    CHECK(view.metadata_wanted());
    CHECK(is(step(view, t0 + 11s), Kind::connect, -1));
    // The clock restarts: not again before another trigger.
    CHECK_FALSE(view.rebootstrap_due(t0 + 12s, cut_off));
    CHECK(view.next_wakeup(t0 + 12s, false, false) == t0 + 21s);
    // A reachable broker ends the stretch.
    CHECK_FALSE(view.rebootstrap_due(t0 + 13s, {true, true, false, false}));
    CHECK_FALSE(view.unreachable());
    CHECK_FALSE(view.rebootstrap_due(t0 + 30s, cut_off));
  }
  SECTION("nothing needed: no stretch") {
    ask_and_answer(view, -1, cluster(), t0);
    CHECK_FALSE(view.rebootstrap_due(t0, {false, false, false, false}));
    CHECK_FALSE(view.unreachable());
  }
  SECTION("disabled") {
    ClusterOptions o = options();
    o.rebootstrap.enabled = false;
    ClusterView off(o);
    ask_and_answer(off, -1, cluster(), t0);
    CHECK_FALSE(off.rebootstrap_due(t0, cut_off));
    CHECK_FALSE(off.rebootstrap_due(t0 + 1h, cut_off));
    CHECK(off.next_wakeup(t0 + 1s, false, false) == std::nullopt);
  }
}

TEST_CASE("next_wakeup: the earliest of retry backoff, refresh, reconnect and re-bootstrap") {
  ClusterView view(options());
  CHECK(view.next_wakeup(t0, false, false) == std::nullopt);
  CHECK(view.next_wakeup(t0, true, true) == std::nullopt);
  // Wanted, a link ready, no backoff: as soon as may be (never now: no spin).
  view.want_metadata();
  CHECK(view.next_wakeup(t0, true, true) == t0 + 1ms);
  CHECK(view.next_wakeup(t0, true, false) == std::nullopt);  // due now: this pass dials
  CHECK(view.next_wakeup(t0, false, true) == std::nullopt);

  ask_and_answer(view, -1, cluster(), t0);
  CHECK(view.next_wakeup(t0 + 1s, true, true) == t0 + 300s);
  // A failed request: retry.backoff.ms, earlier than the refresh.
  view.want_metadata();
  REQUIRE(is(step(view, t0 + 1s, {{-1, LinkPhase::ready}}), Kind::ask, -1));
  view.metadata_request({"t"});
  CHECK(view.next_wakeup(t0 + 1s, true, true) == std::nullopt);  // in flight
  view.on_metadata(sluice::net::RequestOutcome{sluice::net::net_errc::connection_closed, {}, false}, kVersion,
                   t0 + 1s, never);
  CHECK(view.next_wakeup(t0 + 1s, true, true) == t0 + 1s + 100ms);
  CHECK(view.next_wakeup(t0 + 1s + 100ms, true, true) == t0 + 1s + 101ms);  // due: 1 ms on
  // A reconnect backoff comes earlier still.
  const auto d = view.on_connect_result(2, kRefused, "x", t0 + 1s);
  CHECK(view.next_wakeup(t0 + 1s, true, true) == t0 + 1s + std::min<Clock::duration>(d, 100ms));
  CHECK(view.next_wakeup(t0 + 1s, false, false) == t0 + 1s + d);
  // Past times are not wake-ups.
  CHECK(view.next_wakeup(t0 + 1h, false, false) == std::nullopt);
}

// The link a Metadata request went out on dropped: the retry must dial
// first, after retry.backoff.ms. No link is ready, none is connecting and
// none is in a reconnect backoff, so nothing else wakes the driver then.
TEST_CASE("next_wakeup: a Metadata retry that must dial first still wakes the driver after retry.backoff.ms") {
  ClusterView view(options());
  ask_and_answer(view, -1, cluster(), t0);
  view.want_metadata();
  REQUIRE(is(step(view, t0 + 1s, {{-1, LinkPhase::ready}}), Kind::ask, -1));
  view.metadata_request({"t"});
  view.on_metadata(sluice::net::RequestOutcome{sluice::net::net_errc::connection_closed, {}, true}, kVersion,
                   t0 + 1s, never);
  const std::vector<LinkSummary> dropped{{-1, LinkPhase::closed}};
  CHECK(is(view.metadata_step(t0 + 1s, dropped), Kind::nothing));
  CHECK(view.next_wakeup(t0 + 1s, true, false) == t0 + 1s + 100ms);
  CHECK(is(view.metadata_step(t0 + 1s + 100ms, dropped), Kind::connect, 1));
}

TEST_CASE("refused parts of an answer are reported and asked for again, the rest is used") {
  ClusterView view(options());
  MetadataResponse m = cluster();
  m.brokers.push_back({5, "b5", 70000, std::nullopt});
  MetadataResponse::Topic bad = topic("bad", {1, 1});
  bad.partitions[1].partition_index = 2;  // partitions 0 and 2 of two
  m.topics.push_back(bad);
  const auto out = ask_and_answer(view, -1, m, t0);
  CHECK_FALSE(out.rebootstrap);
  CHECK(out.refused == " topic 'bad' (partitions not listed as 0..n-1); broker 5 (port outside 0..65535)");
  CHECK(view.metadata().topic("bad") == nullptr);
  CHECK_FALSE(view.address(5));
  CHECK(view.metadata().topic("t") != nullptr);
  CHECK(view.address(1));
  CHECK(view.metadata_wanted());
  CHECK(is(step(view, t0 + 99ms, {{-1, LinkPhase::ready}}), Kind::nothing));
  CHECK(is(step(view, t0 + 100ms, {{-1, LinkPhase::ready}}), Kind::ask, -1));
}

TEST_CASE("leader hints are applied for the topic id they were sent under, and forget drops a topic") {
  ClusterView view(options());
  ask_and_answer(view, -1, cluster(), t0);
  REQUIRE(view.metadata().topic("t")->partitions[0].leader_id == 1);
  sluice::protocol::Uuid other;
  other.bytes[15] = 9;
  LeaderHint stale{"t", 0, 3, 5, {}, other};
  view.apply(stale);  // another topic of the same name
  CHECK(view.metadata().topic("t")->partitions[0].leader_id == 1);
  LeaderHint hint{"t", 0, 3, 5, {{3, "b3-moved", 9094, std::nullopt}}, view.metadata().topic("t")->topic_id};
  view.apply(hint);
  CHECK(view.metadata().topic("t")->partitions[0].leader_id == 3);
  CHECK(view.metadata().topic("t")->partitions[0].leader_epoch == 5);
  CHECK(view.address(3) == sluice::net::BrokerAddress{"b3-moved", 9094});
  view.forget("t");
  CHECK(view.metadata().topic("t") == nullptr);
}

// --- no usable broker: when records fail at once instead of after max.block.ms ---

namespace {

const std::error_code kNoVersion = sluice::net::net_errc::no_common_version;
const std::string kOld1 = "broker boot1:9092: Produce: no common version (broker 0-2, Sluice 3-13)";
const std::string kOld2 = "broker boot2:9092: Produce: no common version (broker 0-2, Sluice 3-13)";

}  // namespace

TEST_CASE("no usable broker: only once every bootstrap entry answered with no common version") {
  ClusterView view(options());
  CHECK(view.no_usable_broker().empty());  // nothing tried yet
  view.on_connect_result(-1, kNoVersion, kOld1, t0);
  // boot2 has not answered: it may serve.
  CHECK(view.no_usable_broker().empty());
  view.on_connect_result(-2, kNoVersion, kOld2, t0 + 5ms);
  const std::string why = view.no_usable_broker();
  CHECK(why == "no broker speaks a version Sluice can use (" + kOld1 + "; " + kOld2 +
                   "): upgrade the brokers (Sluice needs Kafka 0.11 or later, 1.0 or later for SASL) or point "
                   "bootstrap.servers at servers that speak the versions named");
  // The view keeps dialling after the backoff: a broker upgraded meanwhile is found.
  view.want_metadata();
  CHECK(is(step(view, t0 + 2s), Kind::connect, -1));
}

TEST_CASE("no usable broker: an entry that is unreachable, or that connected, may still serve") {
  ClusterView view(options());
  view.on_connect_result(-1, kNoVersion, kOld1, t0);
  view.on_connect_result(-2, kRefused, "bootstrap broker boot2:9092: timed out", t0);
  CHECK(view.no_usable_broker().empty());
  // Its latest attempt counts: the same entry answering no common version now does.
  view.on_connect_result(-2, kNoVersion, kOld2, t0 + 100ms);
  CHECK_FALSE(view.no_usable_broker().empty());
  // A broker that went down after such an answer may come back upgraded.
  view.on_connect_result(-2, kRefused, "bootstrap broker boot2:9092: refused", t0 + 200ms);
  CHECK(view.no_usable_broker().empty());
  // One that connects clears it for good (until it answers so again).
  view.on_connect_result(-2, kNoVersion, kOld2, t0 + 300ms);
  view.on_connect_result(-1, {}, "", t0 + 400ms);
  CHECK(view.no_usable_broker().empty());
}

TEST_CASE("no usable broker: SASL without SaslHandshake v1 counts, other failures do not") {
  ClusterView view(options(1));
  view.on_connect_result(-1, sluice::net::net_errc::protocol_error, "broker boot1:9092: protocol error", t0);
  CHECK(view.no_usable_broker().empty());
  view.on_connect_result(-1, sluice::net::net_errc::sasl_unavailable,
                         "broker boot1:9092 offers no SaslHandshake v1 / SaslAuthenticate", t0 + 100ms);
  CHECK_THAT(view.no_usable_broker(), Catch::Contains("(broker boot1:9092 offers no SaslHandshake v1"));
}

TEST_CASE("no usable broker: once Metadata named brokers, each of them and each bootstrap entry must have answered so") {
  ClusterView view(options(1));
  // boot1 served Metadata naming brokers 1-3, then the cluster was downgraded.
  view.on_connect_result(-1, {}, "", t0);
  ask_and_answer(view, -1, cluster(), t0);
  view.on_connect_result(1, kNoVersion, "broker 1 at b1:9092: Produce: no common version (broker 0-2, Sluice 3-13)",
                         t0);
  view.on_connect_result(2, kNoVersion, "broker 2 at b2:9092: Produce: no common version (broker 0-2, Sluice 3-13)",
                         t0);
  CHECK(view.no_usable_broker().empty());  // broker 3 not tried
  view.on_connect_result(3, kNoVersion, "broker 3 at b3:9092: Produce: no common version (broker 0-2, Sluice 3-13)",
                         t0);
  // boot1's latest attempt connected: it may still serve (a re-bootstrap dials it again).
  CHECK(view.no_usable_broker().empty());
  view.on_connect_result(-1, kNoVersion, kOld1, t0 + 1s);
  const std::string why = view.no_usable_broker();
  // The first three named, the rest counted.
  CHECK_THAT(why, Catch::StartsWith("no broker speaks a version Sluice can use (" + kOld1 + "; broker 1 at b1:9092"));
  CHECK_THAT(why, Catch::Contains("broker 2 at b2:9092: Produce: no common version (broker 0-2, Sluice 3-13); and 1 more)"));
  CHECK_THAT(why, !Catch::Contains("broker 3 at b3"));
}

TEST_CASE("an unreadable Metadata answer is said once while it repeats, asked again, and carried into reports") {
  ClusterView view(options());
  view.want_metadata();
  REQUIRE(is(step(view, t0, {{-1, LinkPhase::ready}}), Kind::ask, -1));
  view.metadata_request({"t"});
  // One byte short of v12's layout: the top-level tag section is missing.
  // (Bytes after the end are skipped, as the Java client does:
  // docs/PROTOCOL.md, "Bytes after a response".)
  auto body = sluice::fuzz::write_metadata_response(cluster(), kVersion);
  body.pop_back();
  const sluice::net::RequestOutcome extra{{}, body, false};
  const std::string who = "bootstrap broker boot1:9092";
  const MetadataOutcome first = view.on_metadata(extra, kVersion, t0, never, who);
  CHECK_THAT(first.unreadable, Catch::StartsWith(who + " sent a Metadata v12 answer Sluice cannot read (truncated: "
                                                        "field runs past the end of the data at byte " +
                                                        std::to_string(body.size()) + " in field TaggedFields)"));
  CHECK(view.last_connection_failure() == first.unreadable);
  CHECK(view.metadata().topic("t") == nullptr);  // not used
  CHECK(view.metadata_wanted());
  CHECK(is(step(view, t0 + 99ms, {{-1, LinkPhase::ready}}), Kind::nothing));  // retry.backoff.ms
  REQUIRE(is(step(view, t0 + 100ms, {{-1, LinkPhase::ready}}), Kind::ask, -1));
  view.metadata_request({"t"});
  CHECK(view.on_metadata(extra, kVersion, t0 + 100ms, never, who).unreadable.empty());  // the same again: quiet
  CHECK(view.last_connection_failure() == first.unreadable);
}
