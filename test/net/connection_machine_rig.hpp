#pragma once
// The rig the ConnectionMachine tests play the driver with
// (connection_machine_test.cpp, connection_machine_sasl_test.cpp): it
// records the actions (writes, reads, the timer's deadline), runs the
// Deliver and ReportConnect handlers, and feeds events back, with a clock
// the test moves. FakeBroker's static encoders build the broker's answers.
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fake_broker.hpp"
#include "request_call.hpp"
#include "sluice/net/connection_machine.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/metadata.hpp"

namespace sluice::test {

using namespace std::chrono_literals;
using protocol::ApiKey;
using net::ConnectionState;
namespace ev = net::connection_event;
namespace act = net::connection_action;



inline const net::GatheredBodyEncoder kMetadataAll = [](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) {
  return protocol::encode(protocol::MetadataRequest{}, w, v);
};

inline Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline Bytes be32(std::int32_t v) {
  auto u = static_cast<std::uint32_t>(v);
  return {static_cast<std::uint8_t>(u >> 24), static_cast<std::uint8_t>(u >> 16), static_cast<std::uint8_t>(u >> 8),
          static_cast<std::uint8_t>(u)};
}

inline std::vector<FakeBroker::ApiRange> sasl_ranges() {
  auto key = [](ApiKey k) { return static_cast<std::int16_t>(k); };
  return {{key(ApiKey::Produce), 3, 13},       {key(ApiKey::Metadata), 0, 13},
          {key(ApiKey::ApiVersions), 0, 4},    {key(ApiKey::SaslHandshake), 0, 1},
          {key(ApiKey::SaslAuthenticate), 0, 2}};
}

inline Bytes handshake_answer(std::int16_t error) {
  Bytes out;
  protocol::BufferWriter w(out);
  w.int16(error);
  w.array_length(2, false);
  w.string("PLAIN", false);
  w.string("OAUTHBEARER", false);
  return out;
}

inline Bytes authenticate_answer(std::int16_t version, std::int16_t error, std::int64_t lifetime_ms) {
  const bool flex = version >= 2;
  Bytes out;
  protocol::BufferWriter w(out);
  w.int16(error);
  w.nullable_string(error ? std::optional<std::string_view>("refused") : std::nullopt, flex);
  w.bytes({}, flex);
  if (version >= 1) w.int64(lifetime_ms);
  if (flex) w.empty_tagged_fields();
  return out;
}

// A token source the machine only names: the rig answers FetchToken itself.
struct UnusedTokenSource : net::OAuthTokenSource {
  void async_token(boost::asio::io_context&, Handler) override {}
};

// Plays the driver. `now` is the only clock.
struct Rig {
  net::Clock::time_point now = net::Clock::time_point{} + 1h;
  net::ConnectionMachine m;
  std::vector<std::string> log;                 // actions other than writes and deliveries, in order
  std::vector<FakeRequest> written;             // every write started, in order
  std::optional<net::Clock::time_point> timer;  // the deadline the timer is set for
  int timer_settings = 0;                       // ArmTimer actions seen
  bool reading = false;
  bool write_pending = false;
  int connect_calls = 0;
  std::optional<std::error_code> connected;

  explicit Rig(net::ConnectionOptions o = {}) : m(net::BrokerAddress{"broker.test", 9092}, std::move(o), 7) {}

  void feed(net::ConnectionEvent e) {
    m.resume(now, std::move(e));
    pump();
  }
  void pump() {
    while (auto a = m.next_action()) std::visit([this](auto& x) { on(x); }, *a);
  }
  void on(act::PrepareStream&) { log.push_back("prepare"); }
  void on(act::Resolve&) { log.push_back("resolve"); }
  void on(act::ConnectTo& a) { log.push_back("connect " + std::to_string(a.address)); }
  void on(act::StartTls&) { log.push_back("tls"); }
  void on(act::Read&) {
    CHECK_FALSE(reading);  // one read outstanding at a time
    reading = true;
  }
  void on(act::Write& a) {
    CHECK_FALSE(write_pending);  // one write at a time
    write_pending = true;
    Bytes wire;
    for (auto piece : a.pieces) wire.insert(wire.end(), piece.begin(), piece.end());
    protocol::BufferReader r(wire);
    FakeRequest req;
    CHECK(r.int32("size") == static_cast<std::int32_t>(wire.size() - 4));
    req.api_key = r.int16("api_key");
    req.api_version = r.int16("api_version");
    req.correlation_id = r.int32("correlation_id");
    req.frame.assign(wire.begin() + 4, wire.end());
    written.push_back(std::move(req));
  }
  void on(act::ShutdownReceive&) { log.push_back("shutdown receive"); }
  void on(act::ArmTimer& a) {
    ++timer_settings;
    timer = a.deadline;
  }
  void on(act::FetchToken&) { log.push_back("fetch token"); }
  void on(act::Deliver& a) { a.handler(a.outcome); }
  void on(act::ReportConnect& a) {
    ++connect_calls;
    connected = a.error;
    a.done(a.error);
  }
  void on(act::Shut&) {
    log.push_back("shut");
    timer.reset();
  }

  // Moves the clock; the timer fires when its deadline is reached.
  void advance(net::Clock::duration d) {
    const auto until = now + d;
    while (timer && *timer <= until) {
      now = std::max(now, *timer);
      timer.reset();
      feed(ev::TimerFired{});
    }
    now = until;
  }
  void write_done(std::error_code failure = {}) {
    REQUIRE(write_pending);
    write_pending = false;
    feed(ev::WriteDone{net::IoFailure{failure, {}, false}});
  }
  void read(const Bytes& bytes) {
    REQUIRE(reading);
    reading = false;
    feed(ev::BytesRead{bytes});
  }
  void answer(const FakeRequest& to, const Bytes& body) { read(FakeBroker::response(to, body)); }
  void read_failed(std::error_code code, bool by_peer) {
    REQUIRE(reading);
    reading = false;
    feed(ev::ReadFailed{net::IoFailure{code, {}, by_peer}});
  }

  // connect() up to TCP connected on the first of `addresses`.
  void start(std::size_t addresses = 1) {
    feed(ev::Connect{[](std::error_code) {}});
    feed(ev::StreamPrepared{});
    feed(ev::Resolved{{}, addresses});
  }
  // connect(), TCP up, ApiVersions answered with `ranges` (empty: FakeBroker's own).
  void connect_ok(const std::vector<FakeBroker::ApiRange>& ranges = {}) {
    start();
    feed(ev::Connected{});
    REQUIRE(written.size() == 1);
    const auto v = written.back();
    CHECK(v.api_key == static_cast<std::int16_t>(ApiKey::ApiVersions));
    write_done();
    answer(v, ranges.empty() ? FakeBroker::api_versions_body(v.api_version)
                             : FakeBroker::api_versions_body(v.api_version, 0, ranges));
  }
  void ready() {
    connect_ok();
    REQUIRE(connected == std::optional<std::error_code>(std::error_code{}));
    REQUIRE(m.state() == ConnectionState::ready);
  }
  void send(Call& c, std::vector<int>* order = nullptr, int tag = 0) {
    feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, true, record(c, order, tag)});
  }
};

}  // namespace sluice::test
