#pragma once
// SimWorld: one seeded simulated run, the cluster and the network wired
// together. Requests that reach a broker are answered at once from the
// cluster's state (the answer then travels back with its own delay); what
// the client would see (connections up or failed, answers, breaks) is
// returned by poll() as values, for the driver to hand to the client.
//
// Messages travel as structs, not bytes: the codec is tested on its own
// (test/protocol), and a Produce's batches are copied at send(), so the
// client may free or re-stamp its batches as soon as send() returns.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "sim_cluster.hpp"
#include "sim_network.hpp"
#include "sim_rng.hpp"
#include "sim_trace.hpp"

namespace sluice::sim {

// A Produce request that owns its batches (the protocol struct only views
// them). Move-only: a copy's views would point at the original's bytes.
class ProduceCall {
 public:
  ProduceCall(const protocol::ProduceRequest& request, std::int16_t version);
  ProduceCall(ProduceCall&&) noexcept = default;
  ProduceCall& operator=(ProduceCall&&) noexcept = default;
  ProduceCall(const ProduceCall&) = delete;
  ProduceCall& operator=(const ProduceCall&) = delete;

  const protocol::ProduceRequest& request() const noexcept { return request_; }
  std::int16_t version() const noexcept { return version_; }

 private:
  protocol::ProduceRequest request_;  // views into batches_ (moving a vector keeps its buffers)
  std::int16_t version_;
  std::vector<protocol::Bytes> batches_;
};

struct MetadataCall {
  protocol::MetadataRequest request;
  std::int16_t version = 12;
};

struct InitProducerIdCall {
  protocol::InitProducerIdRequest request;
  std::int16_t version = 4;
};

using SimRequest = std::variant<ProduceCall, MetadataCall, InitProducerIdCall>;
using SimResponse =
    std::variant<protocol::ProduceResponse, protocol::MetadataResponse, protocol::InitProducerIdResponse>;
using SimNet = SimNetwork<SimRequest, SimResponse>;
using SimEvent = SimNet::Event;

struct WorldOptions {
  std::int32_t brokers = 3;
  std::int32_t replication_factor = 3;
  NetworkConfig network;
  NetworkFaults faults;
};

class SimWorld {
 public:
  explicit SimWorld(std::uint64_t seed, const WorldOptions& options = {});

  SimCluster& cluster() noexcept { return cluster_; }
  SimNet& network() noexcept { return net_; }
  SimClock& clock() noexcept { return clock_; }
  SimTrace& trace() noexcept { return trace_; }
  SimTime now() const noexcept { return clock_.now(); }
  // A stream of the run's seed for the driver's own choices (workload,
  // fault schedule), independent of the world's streams.
  SimRng fork(std::string_view tag) const { return root_.fork(tag); }

  // --- the client's side ---
  ConnId connect(std::int32_t node);
  // Produce with acks=0 expects no answer (none is sent).
  RequestId send(ConnId conn, SimRequest request);
  void close(ConnId conn) { net_.close(conn); }

  // --- faults of the cluster that touch the network ---
  // The broker stops: its connections break, leaders move (SimCluster).
  void broker_down(std::int32_t node);
  void broker_up(std::int32_t node) { cluster_.broker_up(node); }

  // The time of the next network event (kNever if none).
  SimTime next_event_time() { return net_.next_event_time(); }
  // Runs the network until the first event for the client at or before
  // `until` and returns it, the clock at its time; nullopt when there is
  // none, the clock then at `until` (left alone when `until` is kNever).
  // Arrived requests are answered on the way and never returned.
  std::optional<SimEvent> poll(SimTime until = kNever);

 private:
  void serve(SimNet::RequestArrived& arrived);
  void trace_event(const SimEvent& e);

  SimRng root_;
  SimClock clock_;
  SimTrace trace_;
  SimCluster cluster_;
  SimNet net_;
};

}  // namespace sluice::sim
