// Fault injection for BrokerConnection against a scripted fake broker on
// 127.0.0.1 (fake_broker.hpp): byte-level faults a real broker cannot be
// made to produce, through the real driver and sockets. Everything runs on
// one io_context on the test's thread (so Catch2 assertions are safe); every
// wait has a deadline and fails the test when it passes. No sleeps: the fake
// paces itself with timers on the same io_context.
//
// The timing cases are the ConnectionMachine's, tested with a clock the test
// moves (connection_machine_test.cpp): "a broker answering one byte per
// second hits request_timeout" and "a broker that accepts but never answers
// ApiVersions gets connect_timeout" moved there; every other case here has a
// fake-clock twin there too (named after it), and stays here for what only
// real sockets show (the errno of a refused connect, a reset with unread
// bytes, a broker that stops reading, answers split by TCP).
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "fake_broker.hpp"
#include "request_call.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/metadata.hpp"

#if defined(__SANITIZE_ADDRESS__)
// Under ASan, any single allocation over 256 MiB aborts the run: proof that
// a 2 GiB length prefix is never allocated up front (nor anything near it).
// ASAN_OPTIONS in the environment still overrides this default.
extern "C" const char* __asan_default_options() { return "max_allocation_size_mb=256"; }
#endif

using namespace sluice;
using namespace std::chrono_literals;
using protocol::ApiKey;
using test::Bytes;
using test::Call;
using test::FakeRequest;
using test::record;
using State = net::BrokerConnection::State;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::error_code metadata_all(protocol::BufferWriter& w, std::int16_t version) {
  protocol::MetadataRequest req;  // all topics
  return protocol::encode(req, w, version);
}

// A request body of `n` bytes: the fake never decodes it, it only has to be
// too large to fit in the socket buffers.
net::BrokerConnection::BodyEncoder big_body(std::size_t n) {
  return [n](protocol::BufferWriter& w, std::int16_t) {
    w.reserve(n);
    return std::error_code{};
  };
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KiB on Linux
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes be32(std::int32_t v) {
  auto u = static_cast<std::uint32_t>(v);
  return {static_cast<std::uint8_t>(u >> 24), static_cast<std::uint8_t>(u >> 16), static_cast<std::uint8_t>(u >> 8),
          static_cast<std::uint8_t>(u)};
}

// Runs `io` until pred() holds or `limit` passes; false on the deadline, or
// at once when nothing is left to run (a handler that will never be called).
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred, std::chrono::milliseconds limit = 5000ms,
               std::size_t* handlers_run = nullptr) {
  const auto deadline = SteadyClock::now() + limit;
  while (!pred()) {
    const auto now = SteadyClock::now();
    if (now >= deadline) return false;
    io.restart();
    std::size_t n = io.run_one_for(std::min<SteadyClock::duration>(deadline - now, 50ms));
    if (handlers_run) *handlers_run += n;
    if (n == 0 && io.stopped()) {  // out of work: nothing can make pred() true
      UNSCOPED_INFO("io_context ran out of work with the condition unmet");
      return pred();
    }
  }
  return true;
}

// Runs every handler that is already due, so a late second completion would
// show; false if handlers keep coming (a busy loop).
bool drain(boost::asio::io_context& io) {
  for (int i = 0; i < 10000; ++i) {
    io.restart();
    if (io.poll() == 0) return true;
  }
  return false;
}

struct Harness {
  boost::asio::io_context io;
  test::FakeBroker fake;
  std::shared_ptr<net::BrokerConnection> conn;
  std::size_t handlers_run = 0;

  explicit Harness(net::ConnectionOptions options = {}, int fake_receive_buffer = 0)
      : fake(io, fake_receive_buffer),
        conn(std::make_shared<net::BrokerConnection>(io, 1, fake.address(), std::move(options))) {}

  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    return ::run_until(io, pred, limit, &handlers_run);
  }

  // The fake answers ApiVersions; the connection must become ready.
  void connect_ok() {
    fake.handshake();
    std::optional<std::error_code> done;
    conn->connect([&done](std::error_code ec) { done = ec; });
    REQUIRE(run_until([&] { return done.has_value(); }));
    INFO("connect: " << done->message());
    REQUIRE_FALSE(*done);
    REQUIRE(conn->state() == State::ready);
    REQUIRE(conn->versions().version(ApiKey::Metadata) == std::optional<std::int16_t>(13));
  }
};

}  // namespace

TEST_CASE("fault: a 2 GiB length prefix is frame_too_large and allocates nothing that size") {
  const long rss_before = peak_rss_kib();
  SECTION("default max_response_bytes: rejected on the prefix") {
    Harness h;
    h.connect_ok();
    h.fake.read_request([&](FakeRequest r) { h.fake.write(cat({0x7f, 0xff, 0xff, 0xff}, be32(r.correlation_id))); });
    Call c;
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
    REQUIRE(h.run_until([&] { return c.count > 0; }));
    CHECK(drain(h.io));
    CHECK(c.count == 1);
    CHECK(c.ec == net::net_errc::frame_too_large);
    CHECK(c.maybe_delivered);
    CHECK(h.conn->state() == State::closed);
    CHECK(h.conn->in_flight() == 0);
  }
  SECTION("no limit: the buffer grows with the bytes that came, not with the prefix") {
    net::ConnectionOptions options;
    options.max_response_bytes = std::size_t{1} << 40;
    Harness h(options);
    h.connect_ok();
    h.fake.read_request([&](FakeRequest r) {
      Bytes b = cat({0x7f, 0xff, 0xff, 0xff}, be32(r.correlation_id));
      b.resize(1 << 20, 0x5a);  // 1 MiB of the promised 2 GiB, then the broker goes away
      h.fake.write(std::move(b), [&] { h.fake.close(); });
    });
    Call c;
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
    REQUIRE(h.run_until([&] { return c.count > 0; }));
    CHECK(drain(h.io));
    CHECK(c.count == 1);
    CHECK(c.ec == net::net_errc::connection_closed);
    CHECK(c.maybe_delivered);
    CHECK(h.conn->state() == State::closed);
  }
  const long grew_kib = peak_rss_kib() - rss_before;
  INFO("peak RSS grew by " << grew_kib << " KiB");
  CHECK(grew_kib < 50 * 1024);
}

TEST_CASE("fault: a truncated frame, then close, fails the request once as maybe delivered") {
  Harness h;
  h.connect_ok();
  h.fake.read_request([&](FakeRequest r) {
    Bytes b = cat({0, 0, 0, 100}, be32(r.correlation_id));  // says 100 bytes...
    b.resize(4 + 10, 0);                                      // ...sends 10
    h.fake.write(std::move(b), [&] { h.fake.close(); });
  });
  Call c;
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
  REQUIRE(h.run_until([&] { return c.count > 0; }));
  CHECK(drain(h.io));
  CHECK(c.count == 1);
  CHECK(c.ec == net::net_errc::connection_closed);
  CHECK(c.maybe_delivered);
  CHECK(h.conn->state() == State::closed);
  CHECK(h.conn->in_flight() == 0);
}

TEST_CASE("fault: garbage from the broker is a protocol error, closes, does not crash") {
  SECTION("plausible length, random content (a wrong correlation id)") {
    for (std::uint32_t seed = 1; seed <= 8; ++seed) {
      INFO("seed " << seed);
      Harness h;
      h.connect_ok();
      h.fake.read_request([&h, seed](FakeRequest r) {
        std::mt19937 rng(seed);
        Bytes body(8 + seed * 13);
        for (auto& x : body) x = static_cast<std::uint8_t>(rng());
        if (Bytes(body.begin(), body.begin() + 4) == be32(r.correlation_id)) body[0] ^= 0x80;
        h.fake.write(cat(be32(static_cast<std::int32_t>(body.size())), body));
      });
      Call c;
      h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
      REQUIRE(h.run_until([&] { return c.count > 0; }));
      CHECK(drain(h.io));
      CHECK(c.count == 1);
      CHECK(c.ec == net::net_errc::protocol_error);
      CHECK(c.maybe_delivered);
      CHECK(h.conn->state() == State::closed);
    }
  }
  SECTION("random bytes, random length prefix, then close") {
    for (std::uint32_t seed = 1; seed <= 8; ++seed) {
      INFO("seed " << seed);
      Harness h;
      h.connect_ok();
      h.fake.read_request([&h, seed](FakeRequest) {
        std::mt19937 rng(seed * 7919);
        Bytes b(256);
        for (auto& x : b) x = static_cast<std::uint8_t>(rng());
        h.fake.write(std::move(b), [&h] { h.fake.close(); });
      });
      Call c;
      h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
      REQUIRE(h.run_until([&] { return c.count > 0; }));
      CHECK(drain(h.io));
      CHECK(c.count == 1);
      CHECK(c.ec);
      CHECK(h.conn->state() == State::closed);
    }
  }
  SECTION("the right correlation id, an undecodable response header") {
    Harness h;
    h.connect_ok();
    // Metadata v13 answers with header v1: tagged fields after the id. One
    // field announced, none there.
    h.fake.read_request([&](FakeRequest r) { h.fake.write(cat(be32(5), cat(be32(r.correlation_id), {0x01}))); });
    Call c;
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(c));
    REQUIRE(h.run_until([&] { return c.count > 0; }));
    CHECK(drain(h.io));
    CHECK(c.count == 1);
    CHECK(c.ec == net::net_errc::protocol_error);
    CHECK(c.maybe_delivered);
    CHECK(h.conn->state() == State::closed);
  }
}

TEST_CASE("fault: a wrong correlation id fails every in-flight request exactly once") {
  Harness h;
  h.connect_ok();
  const Bytes body0{1, 2, 3, 4, 5};
  bool answer_first = false;
  SECTION("first answer carries the third request's id") { answer_first = false; }
  SECTION("first answered right, then an unknown id") { answer_first = true; }
  h.fake.read_requests(3, [&](std::vector<FakeRequest> rs) {
    Bytes out;
    if (answer_first) {
      out = test::FakeBroker::response(rs[0], body0);
      FakeRequest unknown = rs[1];
      unknown.correlation_id = 987654;
      out = cat(out, test::FakeBroker::response(unknown, body0));
    } else {
      out = test::FakeBroker::response(rs[2], body0);
    }
    h.fake.write(std::move(out));
  });
  Call c[3];
  for (auto& ci : c) h.conn->send(ApiKey::Metadata, metadata_all, true, record(ci));
  CHECK(h.conn->in_flight() == 3);
  REQUIRE(h.run_until([&] { return c[0].count > 0 && c[1].count > 0 && c[2].count > 0; }));
  CHECK(drain(h.io));
  for (int i = 0; i < 3; ++i) {
    INFO("request " << i);
    CHECK(c[i].count == 1);
    CHECK(c[i].maybe_delivered);
    if (i == 0 && answer_first) {
      CHECK_FALSE(c[i].ec);
      CHECK(c[i].body == body0);
    } else {
      CHECK(c[i].ec == net::net_errc::protocol_error);
    }
  }
  CHECK(h.conn->state() == State::closed);
  CHECK(h.conn->in_flight() == 0);
  // And after: a send fails at once, once, not delivered.
  Call late;
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(late));
  CHECK(late.count == 1);
  CHECK(late.ec == net::net_errc::connection_closed);
  CHECK_FALSE(late.maybe_delivered);
}

TEST_CASE("fault: connection refused fails connect fast with a system error") {
  boost::asio::io_context io;
  std::uint16_t port = 0;
  {
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  auto conn = std::make_shared<net::BrokerConnection>(io, 1, net::BrokerAddress{"127.0.0.1", port},
                                                      net::ConnectionOptions{});
  int calls = 0;
  std::error_code result;
  const auto start = SteadyClock::now();
  conn->connect([&](std::error_code ec) {
    ++calls;
    result = ec;
  });
  REQUIRE(run_until(io, [&] { return calls > 0; }));
  const auto elapsed = SteadyClock::now() - start;
  CHECK(drain(io));
  CHECK(calls == 1);
  INFO(result.category().name() << ": " << result.message());
  CHECK(result == std::errc::connection_refused);
  CHECK(result.message().find("refused") != std::string::npos);
  CHECK(conn->state() == State::closed);
  CHECK(elapsed < 2s);
}

TEST_CASE("fault: every address a name resolves to is tried in turn (client.dns.lookup=use_all_dns_ips)") {
  // A name resolving to a dead address, then the live broker: the
  // connection must move on to the second address, not fail at the first.
  boost::asio::io_context io;
  test::FakeBroker fake(io);
  std::uint16_t dead = 0;
  {
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    dead = a.local_endpoint().port();
  }  // closed: connecting there is refused
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  net::ConnectionOptions options;
  options.resolved_addresses_for_test = {{loopback, dead}, {loopback, fake.address().port}};
  SECTION("the second address answers") {
    fake.handshake();
    auto conn = std::make_shared<net::BrokerConnection>(io, 1, net::BrokerAddress{"broker.test", 9092}, options);
    std::optional<std::error_code> done;
    conn->connect([&](std::error_code ec) { done = ec; });
    REQUIRE(run_until(io, [&] { return done.has_value(); }));
    INFO(done->message());
    CHECK_FALSE(*done);
    CHECK(conn->state() == State::ready);
  }
  SECTION("no address answers: the last error is reported, once") {
    options.resolved_addresses_for_test = {{loopback, dead}, {loopback, dead}};
    auto conn = std::make_shared<net::BrokerConnection>(io, 1, net::BrokerAddress{"broker.test", 9092}, options);
    int calls = 0;
    std::error_code result;
    conn->connect([&](std::error_code ec) {
      ++calls;
      result = ec;
    });
    REQUIRE(run_until(io, [&] { return calls > 0; }));
    CHECK(drain(io));
    CHECK(calls == 1);
    CHECK(result == std::errc::connection_refused);
  }
}

TEST_CASE("fault: maybe_delivered is true for written requests, false for ones never written") {
  SECTION("the broker dies with one answered-to-nobody, one half-written, one queued") {
    // A small receive buffer on the fake: the 16 MiB request cannot all fit
    // in the socket buffers, so its write stays pending and the next waits.
    Harness h({}, 4096);
    h.connect_ok();
    bool second_started = false;
    h.fake.read_request([&](FakeRequest) { h.fake.read_bytes(8, [&] { second_started = true; }); });
    Call written, half, queued;
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(written));
    h.conn->send(ApiKey::Metadata, big_body(16u << 20), true, record(half));
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(queued));
    REQUIRE(h.run_until([&] { return second_started; }));
    CHECK(written.count + half.count + queued.count == 0);
    h.fake.close();  // with unread bytes: a reset
    REQUIRE(h.run_until([&] { return written.count > 0 && half.count > 0 && queued.count > 0; }));
    CHECK(drain(h.io));
    CHECK(written.count == 1);
    CHECK(half.count == 1);
    CHECK(queued.count == 1);
    CHECK(written.ec);
    CHECK(half.ec);
    CHECK(queued.ec);
    CHECK(written.maybe_delivered);
    CHECK(half.maybe_delivered);
    CHECK_FALSE(queued.maybe_delivered);
    CHECK(h.conn->state() == State::closed);
  }
  SECTION("closed locally before the queue was written") {
    Harness h;
    h.connect_ok();
    Call first, second;
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(first));   // write started
    h.conn->send(ApiKey::Metadata, metadata_all, true, record(second));  // waits for it
    h.conn->close(net::net_errc::shutting_down);
    CHECK(drain(h.io));
    CHECK(first.count == 1);
    CHECK(second.count == 1);
    CHECK(first.ec == net::net_errc::shutting_down);
    CHECK(second.ec == net::net_errc::shutting_down);
    CHECK(first.maybe_delivered);
    CHECK_FALSE(second.maybe_delivered);
  }
}

TEST_CASE("fault: a broker that stops reading times out requests stuck in the write queue") {
  net::ConnectionOptions options;
  options.request_timeout = 1000ms;
  Harness h(options, 4096);
  h.connect_ok();
  // The fake reads nothing more: the 16 MiB write never completes.
  Call stuck, behind;
  const auto start = SteadyClock::now();
  h.conn->send(ApiKey::Metadata, big_body(16u << 20), true, record(stuck));
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(behind));
  REQUIRE(h.run_until([&] { return stuck.count > 0 && behind.count > 0; }, 10000ms));
  const auto elapsed = SteadyClock::now() - start;
  CHECK(drain(h.io));
  CHECK(stuck.count == 1);
  CHECK(behind.count == 1);
  CHECK(stuck.ec == net::net_errc::request_timeout);
  CHECK(behind.ec == net::net_errc::request_timeout);
  CHECK(stuck.maybe_delivered);
  CHECK_FALSE(behind.maybe_delivered);
  CHECK(h.conn->state() == State::closed);
  CHECK(elapsed < 5s);
}

TEST_CASE("fault: pipelined responses split at every byte boundary complete in order") {
  Harness h;
  h.connect_ok();
  const Bytes body0{'f', 'i', 'r', 's', 't', 0, 1, 2, 3};
  const Bytes body1{'s', 'e', 'c', 'o', 'n', 'd', 0xff, 0xfe};
  h.fake.read_requests(2, [&](std::vector<FakeRequest> rs) {
    h.fake.trickle(cat(test::FakeBroker::response(rs[0], body0), test::FakeBroker::response(rs[1], body1)), 1ms);
  });
  Call c0, c1;
  std::vector<int> order;
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(c0, &order, 0));
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(c1, &order, 1));
  REQUIRE(h.run_until([&] { return c0.count > 0 && c1.count > 0; }));
  CHECK(drain(h.io));
  CHECK(c0.count == 1);
  CHECK(c1.count == 1);
  CHECK_FALSE(c0.ec);
  CHECK_FALSE(c1.ec);
  CHECK(c0.body == body0);
  CHECK(c1.body == body1);
  CHECK(order == std::vector<int>{0, 1});
  CHECK(h.conn->state() == State::ready);
  CHECK(h.conn->in_flight() == 0);
}

TEST_CASE("fault: the broker closes during connect: the connect handler fails once") {
  Harness h;
  SECTION("right after accept") {
    h.fake.accept([&] { h.fake.close(); });
  }
  SECTION("after reading ApiVersions, without answering") {
    h.fake.accept([&] { h.fake.read_request([&](FakeRequest) { h.fake.close(); }); });
  }
  int calls = 0;
  std::error_code result;
  h.conn->connect([&](std::error_code ec) {
    ++calls;
    result = ec;
  });
  REQUIRE(h.run_until([&] { return calls > 0; }));
  CHECK(drain(h.io));
  CHECK(calls == 1);
  INFO(result.message());
  CHECK(result);
  CHECK(h.conn->state() == State::closed);
  // A send after the failed connect fails at once.
  Call late;
  h.conn->send(ApiKey::Metadata, metadata_all, true, record(late));
  CHECK(late.count == 1);
  CHECK(late.ec == net::net_errc::connection_closed);
}
