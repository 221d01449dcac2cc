// ConnectionMachine (connection_machine.cpp) with a clock the test moves:
// no socket, no timer, no wait; the rig (connection_machine_rig.hpp) plays
// the driver. The timing cases of broker_connection_fault_test.cpp live
// here, each naming the case it took over; the loopback fake broker keeps
// only byte-level faults. The SASL steps: connection_machine_sasl_test.cpp.
#include <catch2/catch.hpp>

#include "connection_machine_rig.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/api_versions.hpp"

using namespace sluice;
using namespace sluice::test;

// --- connecting -------------------------------------------------------------

// fault_test: "a broker that accepts but never answers ApiVersions gets connect_timeout".
TEST_CASE("machine: ApiVersions never answered ends connect with connect_timeout at the setup deadline, once") {
  net::ConnectionOptions o;
  o.connect_timeout = 500ms;
  Rig r(o);
  r.start();
  r.feed(ev::Connected{});
  r.write_done();
  CHECK(r.written.at(0).api_key == static_cast<std::int16_t>(ApiKey::ApiVersions));
  r.advance(499ms);
  CHECK(r.connect_calls == 0);
  CHECK(r.m.state() == ConnectionState::connecting);
  r.advance(1ms);
  CHECK(r.connect_calls == 1);
  CHECK(r.connected == std::optional<std::error_code>(net::net_errc::connect_timeout));
  CHECK(r.m.state() == ConnectionState::closed);
  r.advance(1h);  // nothing more fires
  CHECK(r.connect_calls == 1);
}

// fault_test: "connection refused fails connect fast with a system error" (the
// real errno stays there) and "every address a name resolves to is tried in turn".
TEST_CASE("machine: every resolved address is tried in turn, the last error is reported once") {
  Rig r;
  r.start(3);
  CHECK(r.log == std::vector<std::string>{"prepare", "resolve", "connect 0"});
  SECTION("the second address answers") {
    r.feed(ev::ConnectFailed{0, std::make_error_code(std::errc::connection_refused)});
    CHECK(r.log.back() == "connect 1");
    r.feed(ev::Connected{});
    const auto v = r.written.at(0);
    r.write_done();
    r.answer(v, test::FakeBroker::api_versions_body(v.api_version));
    CHECK(r.connected == std::optional<std::error_code>(std::error_code{}));
    CHECK(r.m.state() == ConnectionState::ready);
  }
  SECTION("no address answers") {
    r.feed(ev::ConnectFailed{0, std::make_error_code(std::errc::timed_out)});
    r.feed(ev::ConnectFailed{1, std::make_error_code(std::errc::host_unreachable)});
    CHECK(r.connect_calls == 0);
    r.feed(ev::ConnectFailed{2, std::make_error_code(std::errc::connection_refused)});
    CHECK(r.connect_calls == 1);
    CHECK(r.connected == std::optional<std::error_code>(std::make_error_code(std::errc::connection_refused)));
    CHECK(r.log.back() == "shut");
    CHECK(r.m.state() == ConnectionState::closed);
  }
}

TEST_CASE("machine: a name that does not resolve, or a TLS setup that fails, ends connect before any traffic") {
  Rig r;
  r.feed(ev::Connect{[](std::error_code) {}});
  SECTION("resolve") {
    r.feed(ev::StreamPrepared{});
    r.feed(ev::Resolved{std::make_error_code(std::errc::io_error), 0});
    CHECK(r.connected == std::optional<std::error_code>(net::net_errc::resolve_failed));
  }
  SECTION("TLS files") {
    r.feed(ev::StreamPrepared{net::net_errc::tls_setup_failed, "no such CA file"});
    CHECK(r.connected == std::optional<std::error_code>(net::net_errc::tls_setup_failed));
    CHECK(r.m.failure_detail() == "no such CA file");
  }
  CHECK(r.written.empty());
  CHECK(r.connect_calls == 1);
}

TEST_CASE("machine: the ApiVersions request tells the broker the client software is sluice at this build's version") {
  Rig r;
  r.start();
  r.feed(ev::Connected{});
  REQUIRE(r.written.size() == 1);
  const auto& req = r.written[0];
  REQUIRE(req.api_key == static_cast<std::int16_t>(ApiKey::ApiVersions));
  REQUIRE(req.api_version >= 3);  // the version that carries them
  // The body's end: ClientSoftwareName, ClientSoftwareVersion (compact
  // strings), no tagged fields. protocol::sluice_version() is the project's
  // version (protocol/messages_test.cpp checks it against the top CMakeLists.txt).
  const std::string version = protocol::sluice_version();
  Bytes tail{7, 's', 'l', 'u', 'i', 'c', 'e', static_cast<std::uint8_t>(version.size() + 1)};
  tail.insert(tail.end(), version.begin(), version.end());
  tail.push_back(0);
  REQUIRE(req.frame.size() > tail.size());
  CHECK(Bytes(req.frame.end() - static_cast<std::ptrdiff_t>(tail.size()), req.frame.end()) == tail);
}

TEST_CASE("machine: TLS is a step between TCP and ApiVersions, and its failure's words are kept") {
  net::ConnectionOptions o;
  o.security.protocol = net::SecurityProtocol::ssl;
  Rig r(o);
  r.start();
  r.feed(ev::Connected{});
  CHECK(r.log.back() == "tls");
  CHECK(r.written.empty());
  SECTION("handshake done: ApiVersions goes out") {
    r.feed(ev::TlsDone{});
    REQUIRE(r.written.size() == 1);
    CHECK(r.written[0].api_key == static_cast<std::int16_t>(ApiKey::ApiVersions));
  }
  SECTION("handshake failed") {
    r.feed(ev::TlsDone{net::net_errc::certificate_verify_failed, "broker broker.test:9092: certificate untrusted"});
    CHECK(r.connected == std::optional<std::error_code>(net::net_errc::certificate_verify_failed));
    CHECK(r.m.failure_detail() == "broker broker.test:9092: certificate untrusted");
  }
}

// fault_test: "the broker closes during connect: the connect handler fails once".
TEST_CASE("machine: the broker closes during connect: connect fails once, a later send at once") {
  Rig r;
  r.start();
  r.feed(ev::Connected{});
  SECTION("before ApiVersions was written") {}
  SECTION("after ApiVersions was written, without answering") { r.write_done(); }
  r.read_failed(net::net_errc::connection_closed, true);
  CHECK(r.connect_calls == 1);
  CHECK(r.connected == std::optional<std::error_code>(net::net_errc::connection_closed));
  CHECK(r.m.failure_detail().find("SSL or SASL_SSL") != std::string::npos);  // the TLS-listener hint
  CHECK(r.m.state() == ConnectionState::closed);
  Call late;
  r.send(late);
  CHECK(late.count == 1);
  CHECK(late.ec == net::net_errc::connection_closed);
  CHECK_FALSE(late.maybe_delivered);
}

TEST_CASE("machine: a plaintext client answered with a TLS alert fails with tls_expected") {
  Rig r;
  r.start();
  r.feed(ev::Connected{});
  r.write_done();
  r.read(Bytes{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46});
  CHECK(r.connected == std::optional<std::error_code>(net::net_errc::tls_expected));
  CHECK(r.m.failure_detail().find("expects TLS") != std::string::npos);
}

TEST_CASE("machine: ApiVersions unsupported at the requested version is asked again at the version listed") {
  Rig r;
  r.start();
  r.feed(ev::Connected{});
  const auto first = r.written.at(0);
  CHECK(first.api_version == protocol::supported_versions(ApiKey::ApiVersions).max);
  r.write_done();
  // UNSUPPORTED_VERSION (35), listing ApiVersions 0-2, in the v0 layout.
  r.answer(first, test::FakeBroker::api_versions_body(0, 35, {{static_cast<std::int16_t>(ApiKey::ApiVersions), 0, 2}}));
  REQUIRE(r.written.size() == 2);
  CHECK(r.written[1].api_version == 2);
  r.write_done();
  r.answer(r.written[1], test::FakeBroker::api_versions_body(2));
  CHECK(r.connected == std::optional<std::error_code>(std::error_code{}));
  CHECK(r.m.versions().version(ApiKey::Metadata) == std::optional<std::int16_t>(13));
}

// --- requests and deadlines -------------------------------------------------

// fault_test: "a broker answering one byte per second hits request_timeout, not a hang".
TEST_CASE("machine: an answer trickling in one byte a second hits request_timeout at the request's deadline") {
  net::ConnectionOptions o;
  o.request_timeout = 1500ms;
  Rig r(o);
  r.ready();
  const int settings_before = r.timer_settings;
  Call c;
  const auto sent_at = r.now;
  r.send(c);
  CHECK(r.timer == std::optional<net::Clock::time_point>(sent_at + 1500ms));
  r.write_done();
  const Bytes answer = test::FakeBroker::response(r.written.back(), Bytes(64, 0x11));
  for (std::size_t i = 0; i < 3 && c.count == 0; ++i) {
    r.advance(1000ms);
    r.read(Bytes{answer[i]});
  }
  CHECK(c.count == 1);
  CHECK(c.ec == net::net_errc::request_timeout);
  CHECK(c.maybe_delivered);
  CHECK(r.m.state() == ConnectionState::closed);
  CHECK(r.m.in_flight() == 0);
  CHECK(r.timer_settings - settings_before <= 2);  // set once per deadline, not per byte
}

// fault_test: "a broker that stops reading times out requests stuck in the write queue".
TEST_CASE("machine: a write that never completes times out with the request queued behind it") {
  net::ConnectionOptions o;
  o.request_timeout = 1000ms;
  Rig r(o);
  r.ready();
  Call stuck, behind;
  r.send(stuck);
  r.advance(100ms);
  r.send(behind);
  CHECK(r.written.size() == 2);  // ApiVersions, stuck: behind waits for stuck's write
  r.advance(899ms);
  CHECK(stuck.count + behind.count == 0);
  r.advance(1ms);
  CHECK(stuck.count == 1);
  CHECK(behind.count == 1);
  CHECK(stuck.ec == net::net_errc::request_timeout);
  CHECK(behind.ec == net::net_errc::request_timeout);
  CHECK(stuck.maybe_delivered);
  CHECK_FALSE(behind.maybe_delivered);
  // The write ends later (the driver closed the socket): nothing more happens.
  r.write_done(std::make_error_code(std::errc::operation_canceled));
  CHECK(stuck.count == 1);
}

TEST_CASE("machine: each request has its own deadline, counted from when it was queued") {
  net::ConnectionOptions o;
  o.request_timeout = 1000ms;
  Rig r(o);
  r.ready();
  Call first, second;
  r.send(first);
  r.write_done();
  r.advance(600ms);
  r.send(second);
  r.write_done();
  r.answer(r.written[1], Bytes{'1'});
  CHECK(first.count == 1);
  CHECK_FALSE(first.ec);
  r.advance(999ms);  // first's deadline has passed: nothing
  CHECK(second.count == 0);
  CHECK(r.m.state() == ConnectionState::ready);
  r.advance(1ms);
  CHECK(second.ec == net::net_errc::request_timeout);
}

// fault_test: "pipelined responses split at every byte boundary complete in order".
TEST_CASE("machine: pipelined answers split at every byte boundary complete in order") {
  const Bytes body0{'f', 'i', 'r', 's', 't', 0, 1, 2, 3};
  const Bytes body1{'s', 'e', 'c', 'o', 'n', 'd', 0xff, 0xfe};
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{1000}}) {
    INFO("chunk " << chunk);
    Rig r;
    r.ready();
    Call c0, c1;
    std::vector<int> order;
    r.send(c0, &order, 0);
    r.write_done();
    r.send(c1, &order, 1);
    r.write_done();
    const Bytes wire = cat(test::FakeBroker::response(r.written[1], body0), test::FakeBroker::response(r.written[2], body1));
    for (std::size_t at = 0; at < wire.size(); at += chunk) {
      r.read(Bytes(wire.begin() + static_cast<std::ptrdiff_t>(at),
                   wire.begin() + static_cast<std::ptrdiff_t>(std::min(wire.size(), at + chunk))));
    }
    CHECK(c0.body == body0);
    CHECK(c1.body == body1);
    CHECK(order == std::vector<int>{0, 1});
    CHECK(r.m.state() == ConnectionState::ready);
    CHECK(r.m.in_flight() == 0);
    CHECK(r.reading);
  }
}

// fault_test: "maybe_delivered is true for written requests, false for ones never written".
TEST_CASE("machine: maybe_delivered is true for written requests, false for ones never written") {
  Rig r;
  r.ready();
  Call written, half, queued;
  r.send(written);
  r.write_done();
  r.send(half);  // its write starts and does not end
  r.send(queued);
  SECTION("the broker resets") {
    r.write_done(std::make_error_code(std::errc::connection_reset));
    CHECK(r.log.back() == "shutdown receive");
    CHECK(written.count + half.count + queued.count == 0);  // the read side ends it
    r.read_failed(std::make_error_code(std::errc::connection_reset), false);
    CHECK(written.ec == std::errc::connection_reset);
  }
  SECTION("closed locally") {
    r.feed(ev::Close{net::net_errc::shutting_down, {}});
    CHECK(written.ec == net::net_errc::shutting_down);
    CHECK(queued.ec == net::net_errc::shutting_down);
  }
  CHECK(written.count == 1);
  CHECK(half.count == 1);
  CHECK(queued.count == 1);
  CHECK(written.maybe_delivered);
  CHECK(half.maybe_delivered);
  CHECK_FALSE(queued.maybe_delivered);
  CHECK(r.m.state() == ConnectionState::closed);
}

// fault_test: "a truncated frame, then close" and "a 2 GiB length prefix".
TEST_CASE("machine: a truncated answer then end of stream, or an oversized prefix, fails the request once") {
  Rig r;
  r.ready();
  Call c;
  r.send(c);
  r.write_done();
  SECTION("truncated") {
    Bytes b = cat({0, 0, 0, 100}, be32(r.written.back().correlation_id));
    b.resize(14, 0);
    r.read(b);
    CHECK(c.count == 0);
    r.read_failed(net::net_errc::connection_closed, true);
    CHECK(c.ec == net::net_errc::connection_closed);
  }
  SECTION("2 GiB") {
    r.read(cat({0x7f, 0xff, 0xff, 0xff}, be32(r.written.back().correlation_id)));
    CHECK(c.ec == net::net_errc::frame_too_large);
  }
  CHECK(c.count == 1);
  CHECK(c.maybe_delivered);
  CHECK(r.m.state() == ConnectionState::closed);
}

// fault_test: "a wrong correlation id fails every in-flight request exactly once".
TEST_CASE("machine: an answer for another request fails every request in flight once") {
  Rig r;
  r.ready();
  Call c[3];
  for (auto& ci : c) {
    r.send(ci);
    r.write_done();
  }
  CHECK(r.m.in_flight() == 3);
  r.answer(r.written[3], Bytes{1});  // the third's answer first
  for (auto& ci : c) {
    CHECK(ci.count == 1);
    CHECK(ci.ec == net::net_errc::protocol_error);
    CHECK(ci.maybe_delivered);
  }
  CHECK(r.m.in_flight() == 0);
}

TEST_CASE("machine: acks=0 is done when written, with an empty answer") {
  Rig r;
  r.ready();
  Call c;
  r.feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, false, record(c)});
  CHECK(c.count == 0);
  r.write_done();
  CHECK(c.count == 1);
  CHECK_FALSE(c.ec);
  CHECK(c.body.empty());
  CHECK(r.m.in_flight() == 0);
}

TEST_CASE("machine: an acks=0 write that never completes fails at its request's deadline") {
  net::ConnectionOptions o;
  o.request_timeout = 1000ms;
  Rig r(o);
  r.ready();
  Call c;
  r.feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, false, record(c)});
  REQUIRE(r.write_pending);
  r.advance(999ms);
  CHECK(c.count == 0);
  r.advance(1ms);
  CHECK(c.count == 1);
  CHECK(c.ec == net::net_errc::request_timeout);
  CHECK(c.maybe_delivered);  // its write had started
}

TEST_CASE("machine: a handler that closes the connection stops the write queued behind its answer") {
  Rig r;
  r.ready();
  Call behind;
  // acks=0: done when written; its handler closes (as an idle close or a
  // re-bootstrap run from a delivery can).
  r.feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, false,
                    [&](const net::RequestOutcome&) { r.feed(ev::Close{net::net_errc::shutting_down, {}}); }});
  r.send(behind);  // queued behind that write
  const std::size_t writes = r.written.size();
  r.write_done();
  CHECK(r.m.state() == ConnectionState::closed);
  CHECK(r.written.size() == writes);  // never handed to the socket
  CHECK(behind.count == 1);
  CHECK(behind.ec == net::net_errc::shutting_down);
  CHECK_FALSE(behind.maybe_delivered);  // not sent: safe to retry
}

// --- the early-answer hold (issue 16 defect 8) ------------------------------

namespace {

// A gathered request: its body is the caller's bytes, spliced in place.
const Bytes kBatch(100, 0xab);
const net::GatheredBodyEncoder kGathered = [](protocol::BufferWriter& w, std::int16_t, protocol::Splices& s) {
  s.push_back(protocol::Splice{w.size(), kBatch});
  return std::error_code{};
};

}  // namespace

TEST_CASE("machine: an answer read before its gathered write completed waits for it, then is the answer") {
  Rig r;
  r.ready();
  Call c;
  r.feed(ev::Submit{ApiKey::Produce, std::nullopt, &kGathered, true, record(c)});
  REQUIRE(r.write_pending);
  CHECK(Bytes(r.written.back().frame.end() - 100, r.written.back().frame.end()) == kBatch);
  r.answer(r.written.back(), Bytes{'o', 'k'});
  CHECK(c.count == 0);  // the write may still read kBatch
  CHECK(r.m.in_flight() == 1);
  r.write_done();
  CHECK(c.count == 1);
  CHECK_FALSE(c.ec);
  CHECK(c.body == Bytes{'o', 'k'});
  CHECK(r.m.in_flight() == 0);
  CHECK(r.m.state() == ConnectionState::ready);
}

TEST_CASE("machine: an answer held for its write is delivered as the answer whatever then ends the connection") {
  net::ConnectionOptions o;
  o.request_timeout = 1000ms;
  Rig r(o);
  r.ready();
  Call c;
  r.feed(ev::Submit{ApiKey::Produce, std::nullopt, &kGathered, true, record(c)});
  r.answer(r.written.back(), Bytes{'o', 'k'});
  REQUIRE(c.count == 0);
  SECTION("the broker ends the stream") { r.read_failed(net::net_errc::connection_closed, true); }
  SECTION("the write fails (a reset)") {
    r.write_done(std::make_error_code(std::errc::connection_reset));
    CHECK(c.count == 1);  // the write is over: delivered at once
    r.read_failed(std::make_error_code(std::errc::connection_reset), false);
  }
  SECTION("the request's deadline passes") { r.advance(1000ms); }
  SECTION("close() is asked") { r.feed(ev::Close{net::net_errc::shutting_down, {}}); }
  SECTION("garbage follows") { r.read(cat(be32(8), Bytes(8, 0xee))); }
  CHECK(r.m.state() == ConnectionState::closed);
  CHECK(c.count == 1);
  CHECK_FALSE(c.ec);
  CHECK(c.body == Bytes{'o', 'k'});
  CHECK(r.m.in_flight() == 0);
}

TEST_CASE("machine: close stops the write (Shut) before any handler runs") {
  Rig r;
  r.ready();
  Call c;
  bool shut_first = false;
  r.feed(ev::Submit{ApiKey::Produce, std::nullopt, &kGathered, true, [&](const net::RequestOutcome& out) {
                      ++c.count;
                      c.ec = out.ec;
                      c.maybe_delivered = out.maybe_delivered;
                      shut_first = !r.log.empty() && r.log.back() == "shut";
                    }});
  r.feed(ev::Close{net::net_errc::shutting_down, {}});
  CHECK(c.count == 1);
  CHECK(shut_first);
  CHECK(c.ec == net::net_errc::shutting_down);
  CHECK(c.maybe_delivered);
  r.write_done(std::make_error_code(std::errc::operation_canceled));  // the aborted write ends later
  CHECK(c.count == 1);
}
