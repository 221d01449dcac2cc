// SimWorld: the cluster behind the network, end to end; determinism of a
// whole run (same seed, same trace; another seed, another trace).
#include "sim_world.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>

#include "sim_test_support.hpp"

using namespace sluice::sim;
using namespace sluice::sim::test;
using sluice::protocol::kafka_errc;

namespace {

// Polls until the connection is up; returns the events seen on the way.
ConnId open(SimWorld& w, std::int32_t node) {
  const ConnId c = w.connect(node);
  auto e = w.poll();
  REQUIRE(e);
  REQUIRE(std::holds_alternative<SimNet::Connected>(*e));
  return c;
}

SimRequest produce_call(const std::string& topic, std::int32_t partition, const sluice::protocol::Bytes& batch,
                        std::int16_t acks = -1, std::int16_t version = 9) {
  return SimRequest{ProduceCall(produce_one(topic, partition, batch, acks), version)};
}

}  // namespace

TEST_CASE("a produce travels to the leader and its answer back") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const ConnId c = open(w, w.cluster().partition("t", 0)->leader);
  const RequestId id = w.send(c, produce_call("t", 0, make_batch(BatchSpec{}.count(3))));
  auto e = w.poll();
  REQUIRE(e);
  auto* answer = std::get_if<SimNet::ResponseArrived>(&*e);
  REQUIRE(answer != nullptr);
  CHECK(answer->id == id);
  const auto& r = std::get<sluice::protocol::ProduceResponse>(answer->response);
  CHECK(only_partition(r).error_code == 0);
  CHECK(only_partition(r).base_offset == 0);
  CHECK(w.cluster().partition("t", 0)->log_end_offset == 3);
  CHECK(w.now() > 0);
}

TEST_CASE("poll(until) returns nothing after until, even when a request was lost on the way before it") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const ConnId c = open(w, w.cluster().partition("t", 0)->leader);
  w.network().drop_next_request(c);
  w.send(c, produce_call("t", 0, make_batch(BatchSpec{})));
  const SimTime until = w.next_event_time();  // the lost request's arrival: no event for the client
  CHECK_FALSE(w.poll(until));
  CHECK(w.now() == until);
  auto e = w.poll();
  REQUIRE(e);
  CHECK(std::holds_alternative<SimNet::ConnectionClosed>(*e));
  CHECK(w.now() > until);
}

TEST_CASE("the batch is copied at send: the caller may free or change its bytes at once") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const ConnId c = open(w, w.cluster().partition("t", 0)->leader);
  auto bytes = make_batch(BatchSpec{});
  w.send(c, produce_call("t", 0, bytes));
  std::fill(bytes.begin(), bytes.end(), std::uint8_t{0});
  auto e = w.poll();
  CHECK(only_partition(std::get<sluice::protocol::ProduceResponse>(std::get<SimNet::ResponseArrived>(*e).response))
            .error_code == 0);
}

TEST_CASE("Metadata and InitProducerId go through the network too") {
  SimWorld w(1);
  w.cluster().create_topic("t", 2);
  const ConnId c = open(w, 2);
  w.send(c, SimRequest{MetadataCall{}});
  w.send(c, SimRequest{InitProducerIdCall{}});
  auto m = w.poll();
  auto i = w.poll();
  CHECK(std::get<sluice::protocol::MetadataResponse>(std::get<SimNet::ResponseArrived>(*m).response).topics.at(0).partitions.size() == 2);
  CHECK(std::get<sluice::protocol::InitProducerIdResponse>(std::get<SimNet::ResponseArrived>(*i).response)
            .producer_id >= 0);
}

TEST_CASE("an answer dropped after the append: the record is in the log and the client gets only a break") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const ConnId c = open(w, w.cluster().partition("t", 0)->leader);
  const RequestId id = w.send(c, produce_call("t", 0, make_batch(BatchSpec{}.count(2))));
  w.network().drop_answer(id);
  auto e = w.poll();
  REQUIRE(e);
  auto* closed = std::get_if<SimNet::ConnectionClosed>(&*e);
  REQUIRE(closed != nullptr);
  CHECK(closed->unanswered == std::vector<RequestId>{id});
  CHECK(w.cluster().partition("t", 0)->log_end_offset == 2);
  CHECK_FALSE(w.poll());
}

TEST_CASE("REQUEST_TIMED_OUT leaves the broker only after the request's timeout") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  w.cluster().inject("t", 0, PartitionFault::request_timed_out);
  const ConnId c = open(w, w.cluster().partition("t", 0)->leader);
  const SimTime sent_at = w.now();
  const auto batch = make_batch(BatchSpec{});  // the request views it
  auto request = produce_one("t", 0, batch);
  request.timeout_ms = 3000;
  w.send(c, SimRequest{ProduceCall(request, 9)});
  auto e = w.poll();
  const auto& r = std::get<sluice::protocol::ProduceResponse>(std::get<SimNet::ResponseArrived>(*e).response);
  CHECK(only_partition(r).error_code == code(kafka_errc::request_timed_out));
  CHECK(w.now() >= sent_at + 3'000'000);
}

TEST_CASE("acks=0: no answer, an error closes the connection instead") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const std::int32_t leader = w.cluster().partition("t", 0)->leader;
  const ConnId c = open(w, leader);
  w.send(c, produce_call("t", 0, make_batch(BatchSpec{}), 0));
  CHECK_FALSE(w.poll());
  CHECK(w.cluster().partition("t", 0)->log_end_offset == 1);
  w.send(c, produce_call("missing", 0, make_batch(BatchSpec{}), 0));
  auto e = w.poll();
  REQUIRE(e);
  auto* closed = std::get_if<SimNet::ConnectionClosed>(&*e);
  REQUIRE(closed != nullptr);
  CHECK(closed->unanswered.empty());
}

TEST_CASE("a broker going down breaks its connections, connecting to it fails until it is back") {
  SimWorld w(1);
  w.cluster().create_topic("t", 1);
  const ConnId c = open(w, 1);
  w.send(c, SimRequest{MetadataCall{}});
  w.broker_down(1);
  auto e = w.poll();
  REQUIRE(std::holds_alternative<SimNet::ConnectionClosed>(*e));
  w.connect(1);
  REQUIRE(std::holds_alternative<SimNet::ConnectFailed>(*w.poll()));
  w.broker_up(1);
  open(w, 1);
}

TEST_CASE("poll(until) stops at until when nothing is due, and moves the clock there") {
  SimWorld w(1);
  CHECK_FALSE(w.poll(5000));
  CHECK(w.now() == 5000);
  CHECK_FALSE(w.poll());
  CHECK(w.now() == 5000);
  w.connect(1);
  CHECK_FALSE(w.poll(5001));  // connecting takes at least NetworkConfig::min_connect
  CHECK(w.next_event_time() > 5001);
}

namespace {

struct RunSummary {
  std::uint64_t hash;
  std::uint64_t entries;
  std::vector<std::string> lines;
  std::int64_t records;
};

// A small random workload with every fault kind: produce to random
// partitions' leaders, brokers going down and up, network faults.
RunSummary run_workload(std::uint64_t seed) {
  WorldOptions o;
  o.faults = NetworkFaults{0.03, 0.03, 0.03, 40'000};
  SimWorld w(seed, o);
  w.trace().keep_lines(true);
  w.cluster().create_topic("t", 4);
  SimRng drv = w.fork("driver");
  std::map<std::int32_t, ConnId> conns;  // node -> connection (up or connecting)
  std::map<ConnId, bool> ready;
  SimTime t = 0;
  for (int step = 0; step < 300; ++step) {
    t += drv.uniform_int(0, 800);
    while (auto e = w.poll(t)) {
      if (auto* up = std::get_if<SimNet::Connected>(&*e)) ready[up->conn] = true;
      auto forget = [&](ConnId conn, std::int32_t node) {
        ready.erase(conn);
        if (conns[node] == conn) conns.erase(node);
      };
      if (auto* x = std::get_if<SimNet::ConnectFailed>(&*e)) forget(x->conn, x->node);
      if (auto* x = std::get_if<SimNet::ConnectionClosed>(&*e)) forget(x->conn, x->node);
    }
    if (drv.bernoulli(0.01)) w.broker_down(static_cast<std::int32_t>(drv.uniform_int(1, 3)));
    if (drv.bernoulli(0.03)) w.broker_up(static_cast<std::int32_t>(drv.uniform_int(1, 3)));
    const auto p = static_cast<std::int32_t>(drv.uniform_int(0, 3));
    if (drv.bernoulli(0.03)) {
      w.cluster().inject("t", p, static_cast<PartitionFault>(drv.uniform_int(0, 2)));
    }
    if (drv.bernoulli(0.03) && w.cluster().partition("t", p)->leader >= 0) {
      try {
        w.cluster().move_leader("t", p);  // requests already on their way meet a follower
      } catch (const std::invalid_argument&) {
        // no other live replica
      }
    }
    const std::int32_t leader = w.cluster().partition("t", p)->leader;
    if (leader < 0) continue;
    auto it = conns.find(leader);
    if (it == conns.end()) {
      conns[leader] = w.connect(leader);
      continue;
    }
    if (!ready[it->second]) continue;
    const auto n = static_cast<std::int32_t>(drv.uniform_int(1, 5));
    w.send(it->second, produce_call("t", p, make_batch(BatchSpec{}.count(n))));
  }
  while (w.poll()) {
  }
  std::int64_t records = 0;
  for (const auto& part : w.cluster().topic("t")->partitions) records += part.log_end_offset;
  return {w.trace().hash(), w.trace().entries(), w.trace().lines(), records};
}

}  // namespace

TEST_CASE("one seed, one run: the same seed gives a byte-identical trace and another seed another one") {
  const RunSummary a = run_workload(2024);
  const RunSummary b = run_workload(2024);
  const RunSummary c = run_workload(2025);
  CHECK(a.entries > 300);
  CHECK(a.records > 0);
  CHECK(a.hash == b.hash);
  CHECK(a.lines == b.lines);
  CHECK(a.records == b.records);
  CHECK(a.hash != c.hash);
}
