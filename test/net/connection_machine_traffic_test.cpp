// ConnectionMachine's statistics counters (net::WireTraffic: librdkafka's
// per-broker tx/txbytes/txerrs/rx/rxbytes/rxerrs): every request kind counts,
// the connection's own ApiVersions included; bytes as on the wire, size
// prefix included; a request written in full and never answered is a
// receive error, one whose write never completed (or never started) a
// transmit error; counters handed in run on across connections. With the
// rig's clock (connection_machine_rig.hpp), no socket.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "connection_machine_rig.hpp"
#include "sluice/net/net_error.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

std::size_t wire_size(const FakeRequest& r) { return 4 + r.frame.size(); }

// Options whose connection adds to `counters` (as the producer hands a
// broker's counters to each of its connections).
net::ConnectionOptions counting_into(const std::shared_ptr<net::WireTraffic>& counters) {
  net::ConnectionOptions o;
  o.traffic = counters;
  return o;
}

}  // namespace

TEST_CASE("traffic: ApiVersions and a request, both answered, count with their bytes on the wire") {
  auto counters = std::make_shared<net::WireTraffic>();
  Rig r(counting_into(counters));
  r.start();
  r.feed(ev::Connected{});
  const FakeRequest versions = r.written.at(0);
  CHECK(counters->tx == 0);  // written only when the write completes
  r.write_done();
  CHECK(counters->tx == 1);
  CHECK(counters->tx_bytes == wire_size(versions));
  const Bytes versions_answer = FakeBroker::response(versions, FakeBroker::api_versions_body(versions.api_version));
  r.read(versions_answer);
  REQUIRE(r.m.state() == ConnectionState::ready);

  Call c;
  r.send(c);
  const FakeRequest metadata = r.written.at(1);
  r.write_done();
  const Bytes metadata_answer = FakeBroker::response(metadata, Bytes{0, 0, 0, 0});
  r.read(metadata_answer);
  REQUIRE(c.count == 1);
  const net::WireTraffic& t = r.m.traffic();
  CHECK(&t == counters.get());  // the counters handed in
  CHECK(t.tx == 2);
  CHECK(t.rx == 2);
  CHECK(t.tx_bytes == wire_size(versions) + wire_size(metadata));
  CHECK(t.rx_bytes == versions_answer.size() + metadata_answer.size());
  CHECK((t.tx_errs == 0 && t.rx_errs == 0));
}

TEST_CASE("traffic: at close, written and unanswered is a receive error, mid-write or queued a transmit error") {
  Rig r;
  r.ready();
  Call written_call, writing_call, queued_call;
  r.send(written_call);
  r.write_done();           // written in full, never answered
  r.send(writing_call);     // its write starts, never completes
  r.send(queued_call);      // waits behind it
  REQUIRE(r.written.size() == 3);  // ApiVersions and the two whose writes started
  r.feed(ev::Close{net::net_errc::connection_closed, {}});
  CHECK((written_call.count == 1 && writing_call.count == 1 && queued_call.count == 1));
  const net::WireTraffic& t = r.m.traffic();
  CHECK(t.tx == 2);       // ApiVersions, the first request
  CHECK(t.rx == 1);       // ApiVersions' answer
  CHECK(t.rx_errs == 1);  // the first request
  CHECK(t.tx_errs == 2);  // the one being written and the queued one
  r.write_done();         // the write's completion arrives after the close: not counted again
  CHECK(t.tx == 2);
}

TEST_CASE("traffic: a failed write is a transmit error, an answer that matches no request a receive error") {
  Rig r;
  r.ready();
  SECTION("failed write") {
    Call c;
    r.send(c);
    r.write_done(std::make_error_code(std::errc::broken_pipe));
    r.read_failed(std::make_error_code(std::errc::connection_reset), true);
    REQUIRE(c.count == 1);
    CHECK(r.m.traffic().tx == 1);  // ApiVersions only
    CHECK(r.m.traffic().tx_errs == 1);
    CHECK(r.m.traffic().rx_errs == 0);
  }
  SECTION("unmatched answer") {
    FakeRequest stranger = r.written.at(0);
    stranger.correlation_id = 4242;
    r.answer(stranger, Bytes{0, 0});
    CHECK(r.m.state() == ConnectionState::closed);
    CHECK(r.m.traffic().rx == 2);
    CHECK(r.m.traffic().rx_errs == 1);
  }
}

TEST_CASE("traffic: acks=0 counts when written, and has no answer to count") {
  Rig r;
  r.ready();
  Call c;
  r.feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, false, record(c)});
  r.write_done();
  REQUIRE(c.count == 1);
  CHECK(r.m.traffic().tx == 2);
  CHECK(r.m.traffic().rx == 1);
  CHECK((r.m.traffic().tx_errs == 0 && r.m.traffic().rx_errs == 0));
}

TEST_CASE("traffic: counters handed to the next connection to the broker run on, and one given none keeps its own") {
  auto counters = std::make_shared<net::WireTraffic>();
  const net::ConnectionOptions o = counting_into(counters);
  {
    Rig first(o);
    first.ready();
    first.feed(ev::Close{net::net_errc::connection_closed, {}});
  }
  Rig second(o);
  second.ready();
  CHECK(counters->tx == 2);
  CHECK(counters->rx == 2);
  Rig own;
  own.ready();
  CHECK(own.m.traffic().tx == 1);
  CHECK(counters->tx == 2);
}

// librdkafka's outbuf_cnt and waitresp_cnt: requests not yet written in
// full (queued, or being written), and those written awaiting an answer.
TEST_CASE("traffic: unwritten requests are the queued ones and the one being written, apart from those written") {
  Rig r;
  r.ready();
  CHECK((r.m.in_flight() == 0 && r.m.unwritten() == 0));
  Call first, second, third;
  r.send(first);   // its write starts
  r.send(second);  // queued
  CHECK((r.m.in_flight() == 2 && r.m.unwritten() == 2));
  r.write_done();  // first written, second's write starts
  CHECK((r.m.in_flight() == 2 && r.m.unwritten() == 1));
  r.write_done();
  CHECK((r.m.in_flight() == 2 && r.m.unwritten() == 0));
  r.feed(ev::Submit{ApiKey::Metadata, std::nullopt, &kMetadataAll, false, record(third)});  // acks=0: no answer
  CHECK(r.m.unwritten() <= r.m.in_flight());  // never more unwritten than open
  r.write_done();
  CHECK(third.count == 1);
  r.answer(r.written.at(1), Bytes{0, 0, 0, 0});
  CHECK((first.count == 1 && r.m.in_flight() == 1 && r.m.unwritten() == 0));
}

// debug=protocol's lines come from the machine: one per request written in
// full and one per answer read, naming the API, version and correlation id,
// with the bytes on the wire. Nothing is traced without a hook.
TEST_CASE("traffic: protocol_trace names each request written and each answer read") {
  std::vector<std::string> lines;
  net::ConnectionOptions o;
  o.protocol_trace = [&](const std::string& line) { lines.push_back(line); };
  Rig r(o);
  r.start();
  r.feed(ev::Connected{});
  const FakeRequest versions = r.written.at(0);
  CHECK(lines.empty());  // the write has not completed
  r.write_done();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "sent ApiVersions v" + std::to_string(versions.api_version) + " (correlation id " +
                        std::to_string(versions.correlation_id) + "), " + std::to_string(wire_size(versions)) + " bytes");
  const Bytes answer = FakeBroker::response(versions, FakeBroker::api_versions_body(versions.api_version));
  r.read(answer);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "received the answer to ApiVersions v" + std::to_string(versions.api_version) +
                        " (correlation id " + std::to_string(versions.correlation_id) + "), " +
                        std::to_string(answer.size()) + " bytes");
  Call c;
  r.send(c);
  r.write_done();
  REQUIRE(lines.size() == 3);
  CHECK(lines[2].starts_with("sent Metadata v"));
}

// An answer can be read before its write's completion is seen: the request
// is then answered, not unwritten, though the write is still under way.
TEST_CASE("traffic: a request answered before its write completes is no longer counted unwritten") {
  Rig r;
  r.ready();
  Call c;
  r.send(c);
  REQUIRE(r.m.unwritten() == 1);
  r.answer(r.written.at(1), Bytes{0, 0, 0, 0});
  CHECK(c.count == 1);
  CHECK(r.m.in_flight() == 0);
  CHECK(r.m.unwritten() == 0);
  r.write_done();
  CHECK((r.m.traffic().tx == 2 && r.m.traffic().rx == 2));
}
