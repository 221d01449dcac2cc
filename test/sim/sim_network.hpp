#pragma once
// SimNetwork: the connections between one client and the brokers, on
// simulated time. An event queue: nothing happens until the driver calls
// step(), which returns the earliest event as a value and moves the clock
// to it; the driver decides what follows (a broker answers an arrived
// request with respond(), the client reads an answer).
//
// What it models, and why:
//  - Per connection, requests reach the broker in send order and answers
//    reach the client in answer order (TCP), each message after a delay
//    drawn from the rng; a later message never overtakes an earlier one.
//  - A connection breaks only as a whole. A dropped request (the broker
//    never sees it) breaks the connection at the moment it would have
//    arrived, so every later request on it is lost too, as when a socket
//    dies. A dropped answer (the broker handled the request, e.g. appended,
//    then the connection died) breaks it too. The client learns of a break
//    by a ConnectionClosed event that arrives after the answers sent before
//    it, and lists the requests still without an answer. Which of them the
//    broker saw, the client cannot tell, exactly as with a real socket.
//  - A slow answer is delayed by a fixed extra (past the client's request
//    timeout, if the driver sets it so); the client may give up and close().
//  - Faults are drawn per message, each kind from its own rng stream, and
//    always drawn (even at probability 0), so changing one probability
//    never shifts the draws of another; one-shot faults aim at one message.
//
// Generic over the message types: the producer-facing shape is the
// driver's business (sim_world.hpp instantiates it with variants).
#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "sim_rng.hpp"

namespace sluice::sim {

using SimTime = std::int64_t;  // microseconds since the start of the run
inline constexpr SimTime kNever = INT64_MAX;

// The simulated clock. Only the driver (through step/poll) moves it.
class SimClock {
 public:
  SimTime now() const noexcept { return now_; }
  void advance_to(SimTime t) {
    if (t < now_) throw std::logic_error("SimClock: time cannot go back");
    now_ = t;
  }

 private:
  SimTime now_ = 0;
};

using ConnId = std::uint32_t;      // from 1, never reused
using RequestId = std::uint64_t;   // from 1, unique per network

struct NetworkConfig {
  SimTime min_delay = 50;  // one way, per message (µs)
  SimTime max_delay = 2000;
  SimTime min_connect = 200;  // connection set-up (µs)
  SimTime max_connect = 5000;
};

struct NetworkFaults {
  double drop_request = 0;  // per request: lost on the way, the connection breaks
  double drop_answer = 0;   // per answer: handled by the broker, lost, the connection breaks
  double slow_answer = 0;   // per answer: delayed by slow_delay more
  SimTime slow_delay = 0;
};

template <class Request, class Response>
class SimNetwork {
 public:
  struct RequestArrived {
    ConnId conn;
    std::int32_t node;
    RequestId id;
    Request request;
  };
  struct ResponseArrived {
    ConnId conn;
    std::int32_t node;
    RequestId id;
    Response response;
  };
  struct Connected {
    ConnId conn;
    std::int32_t node;
  };
  struct ConnectFailed {
    ConnId conn;
    std::int32_t node;
  };
  struct ConnectionClosed {
    ConnId conn;
    std::int32_t node;
    std::vector<RequestId> unanswered;  // in send order
  };
  using Event = std::variant<RequestArrived, ResponseArrived, Connected, ConnectFailed, ConnectionClosed>;

  SimNetwork(SimClock& clock, const SimRng& rng, NetworkConfig config = {}, NetworkFaults faults = {})
      : clock_(&clock),
        delays_(rng.fork("net.delay")),
        connects_(rng.fork("net.connect")),
        drop_requests_(rng.fork("net.drop-request")),
        drop_answers_(rng.fork("net.drop-answer")),
        slow_answers_(rng.fork("net.slow-answer")),
        config_(config),
        faults_(faults) {}

  void set_faults(const NetworkFaults& f) { faults_ = f; }
  const NetworkFaults& faults() const noexcept { return faults_; }

  // --- the client's side ---

  // Opens a connection; Connected (or ConnectFailed, if !reachable) follows.
  ConnId connect(std::int32_t node, bool reachable) {
    conns_.push_back(Conn{});
    Conn& c = conns_.back();
    c.node = node;
    c.server_open = reachable;
    const auto id = static_cast<ConnId>(conns_.size());
    const SimTime at = clock_->now() + connects_.uniform_int(config_.min_connect, config_.max_connect);
    push_to_client(id, c, at, reachable ? Kind::connected : Kind::connect_failed, 0, std::nullopt);
    return id;
  }

  // Sends on a connection the client saw open. expects_answer = false for
  // requests the broker never answers (Produce with acks=0): they are not
  // listed as unanswered when the connection breaks.
  RequestId send(ConnId conn, Request request, bool expects_answer = true) {
    Conn& c = at(conn);
    if (!c.ready || !c.client_open) throw std::logic_error("SimNetwork::send: connection not open");
    const RequestId id = next_request_++;
    if (expects_answer) c.unanswered.push_back(id);
    // Always drawn, so the stream stays aligned whatever happens to this request.
    const SimTime delay = delays_.uniform_int(config_.min_delay, config_.max_delay);
    const bool drawn = drop_requests_.bernoulli(faults_.drop_request);
    const bool drop = std::exchange(c.drop_next_request, false) || drawn;  // the one-shot is used up either way
    if (!c.server_open) return id;  // broken already: lost; the client learns at ConnectionClosed
    c.last_to_server = std::max(c.last_to_server, clock_->now() + delay);
    c.to_server.push_back(ToServer{seq_, id, drop, std::move(request)});
    heap_.push(Entry{c.last_to_server, seq_++, conn, true});
    return id;
  }

  // The client closes: nothing more is delivered on the connection and no
  // event says so (the client knows).
  void close(ConnId conn) {
    Conn& c = at(conn);
    c.client_open = false;
    c.server_open = false;
    c.to_server.clear();
    c.to_client.clear();
    c.unanswered.clear();
  }

  // --- the brokers' side ---

  // The broker's answer to an arrived request; `extra` delays it further
  // (e.g. a broker waiting out the request's timeout). Lost if the
  // connection broke meanwhile.
  void respond(ConnId conn, RequestId id, Response response, SimTime extra = 0) {
    Conn& c = at(conn);
    const SimTime delay = delays_.uniform_int(config_.min_delay, config_.max_delay);
    const bool drawn = drop_answers_.bernoulli(faults_.drop_answer);
    const bool drop = take_one_shot(id) || drawn;
    const bool slow = slow_answers_.bernoulli(faults_.slow_answer);
    if (!c.server_open) return;
    if (drop) {
      server_close(conn);
      return;
    }
    if (slow) extra += faults_.slow_delay;
    push_to_client(conn, c, clock_->now() + delay + extra, Kind::response, id, std::move(response));
  }

  // The broker side closes the connection (or it breaks): requests on the
  // way are lost; the client sees ConnectionClosed after the answers
  // already sent.
  void server_close(ConnId conn) {
    Conn& c = at(conn);
    if (!c.server_open) return;
    c.server_open = false;
    c.to_server.clear();
    const SimTime delay = delays_.uniform_int(config_.min_delay, config_.max_delay);
    push_to_client(conn, c, clock_->now() + delay, Kind::closed, 0, std::nullopt);
  }

  // A broker died: every connection to it breaks.
  void close_node(std::int32_t node) {
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      if (conns_[i].node == node) server_close(static_cast<ConnId>(i + 1));
    }
  }

  // --- one-shot faults ---

  // The next request sent on `conn` is lost on the way (and breaks it).
  void drop_next_request(ConnId conn) { at(conn).drop_next_request = true; }
  // The answer to request `id` is lost after the broker handled it.
  void drop_answer(RequestId id) { dropped_answers_.push_back(id); }

  // --- running ---

  // The earliest pending event's time, kNever if none.
  SimTime next_event_time() {
    skip_stale();
    return heap_.empty() ? kNever : heap_.top().at;
  }

  // The earliest event at or before `until`, with the clock moved to its
  // time; nullopt when there is none. A request lost on the way is no event
  // (it breaks its connection): the step goes on to the next one, never
  // past `until`.
  std::optional<Event> step(SimTime until = kNever) {
    while (true) {
      skip_stale();
      if (heap_.empty() || heap_.top().at > until) return std::nullopt;
      const Entry e = heap_.top();
      heap_.pop();
      clock_->advance_to(e.at);
      Conn& c = at(e.conn);
      if (e.to_server) {
        ToServer item = std::move(c.to_server.front());
        c.to_server.pop_front();
        if (item.drop) {
          server_close(e.conn);  // lost on the way: the broker never sees it
          continue;
        }
        return Event{RequestArrived{e.conn, c.node, item.id, std::move(item.request)}};
      }
      ToClient item = std::move(c.to_client.front());
      c.to_client.pop_front();
      switch (item.kind) {
        case Kind::connected:
          c.ready = true;
          return Event{Connected{e.conn, c.node}};
        case Kind::connect_failed:
          c.client_open = false;
          return Event{ConnectFailed{e.conn, c.node}};
        case Kind::response: {
          auto it = std::find(c.unanswered.begin(), c.unanswered.end(), item.id);
          if (it != c.unanswered.end()) c.unanswered.erase(it);
          return Event{ResponseArrived{e.conn, c.node, item.id, std::move(*item.response)}};
        }
        case Kind::closed:
          c.client_open = false;
          return Event{ConnectionClosed{e.conn, c.node, std::exchange(c.unanswered, {})}};
      }
    }
  }

  std::int32_t node_of(ConnId conn) const { return at(conn).node; }
  // Open as the client sees it: Connected delivered, no close delivered or made.
  bool is_open(ConnId conn) const { return at(conn).ready && at(conn).client_open; }
  std::size_t connections() const noexcept { return conns_.size(); }

 private:
  enum class Kind : std::uint8_t { connected, connect_failed, response, closed };
  struct ToServer {
    std::uint64_t seq;
    RequestId id;
    bool drop;
    Request request;
  };
  struct ToClient {
    std::uint64_t seq;
    Kind kind;
    RequestId id;
    std::optional<Response> response;
  };
  struct Conn {
    std::int32_t node = -1;
    bool ready = false;        // the client saw Connected
    bool client_open = true;   // neither closed by the client nor a close delivered
    bool server_open = true;   // the broker side has not closed / broken it
    bool drop_next_request = false;
    SimTime last_to_server = 0;  // FIFO: no message leaves before the previous arrives
    SimTime last_to_client = 0;
    std::deque<ToServer> to_server;
    std::deque<ToClient> to_client;
    std::vector<RequestId> unanswered;
  };
  // One heap entry per queued message; (at, seq) orders events totally, so
  // equal times resolve in scheduling order, never by address or hash.
  struct Entry {
    SimTime at;
    std::uint64_t seq;
    ConnId conn;
    bool to_server;
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  Conn& at(ConnId conn) {
    if (conn == 0 || conn > conns_.size()) throw std::out_of_range("SimNetwork: no such connection");
    return conns_[conn - 1];
  }
  const Conn& at(ConnId conn) const {
    if (conn == 0 || conn > conns_.size()) throw std::out_of_range("SimNetwork: no such connection");
    return conns_[conn - 1];
  }

  void push_to_client(ConnId conn, Conn& c, SimTime when, Kind kind, RequestId id, std::optional<Response> r) {
    c.last_to_client = std::max(c.last_to_client, when);
    c.to_client.push_back(ToClient{seq_, kind, id, std::move(r)});
    heap_.push(Entry{c.last_to_client, seq_++, conn, false});
  }

  // Entries whose message was discarded by a close: its queue's front is
  // not the entry's message any more.
  void skip_stale() {
    while (!heap_.empty()) {
      const Entry& e = heap_.top();
      const Conn& c = conns_[e.conn - 1];
      const bool live = e.to_server ? (!c.to_server.empty() && c.to_server.front().seq == e.seq)
                                    : (!c.to_client.empty() && c.to_client.front().seq == e.seq);
      if (live) return;
      heap_.pop();
    }
  }

  bool take_one_shot(RequestId id) {
    auto it = std::find(dropped_answers_.begin(), dropped_answers_.end(), id);
    if (it == dropped_answers_.end()) return false;
    dropped_answers_.erase(it);
    return true;
  }

  SimClock* clock_;
  SimRng delays_, connects_, drop_requests_, drop_answers_, slow_answers_;
  NetworkConfig config_;
  NetworkFaults faults_;
  // A deque: growing it moves no Conn (a Conn's queues hold move-only
  // messages, and std::deque's move is not noexcept, so a vector would copy).
  std::deque<Conn> conns_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  std::uint64_t seq_ = 0;
  RequestId next_request_ = 1;
  std::vector<RequestId> dropped_answers_;
};

}  // namespace sluice::sim
