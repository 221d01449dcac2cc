// Gathered writes (BrokerConnection::send_gathered) against the scripted
// fake broker: the framing and the caller's spliced ranges arrive as one
// intact frame with the right size prefix, also when the socket takes them
// a few KiB at a time (partial writes, more pieces than one writev takes),
// pipelined with plain requests; and the caller's bytes are not read after
// the handler ran, even when the broker answers before reading the whole
// request. One io_context on the test's thread; waits have deadlines.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "fake_broker.hpp"
#include "io_wait.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/api.hpp"

using namespace sluice;
using namespace std::chrono_literals;
using protocol::ApiKey;
using test::Bytes;
using test::FakeRequest;
using State = net::BrokerConnection::State;

namespace {

// Request header v2 as the connection writes it for Produce v13 with
// client id "sluice": key, version, correlation id, client id, no tags.
constexpr std::size_t kHeaderSize = 2 + 2 + 4 + (2 + 6) + 1;

Bytes pattern(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A body of framing pieces with external ranges between them, as a
// Produce encoder makes it: framing[0], ext[0], framing[1], ext[1], ...
struct GatheredBody {
  std::vector<Bytes> framing;                  // one more than external
  std::vector<std::shared_ptr<Bytes>> external;

  Bytes joined() const {
    Bytes out = framing[0];
    for (std::size_t i = 0; i < external.size(); ++i) out = cat(cat(out, *external[i]), framing[i + 1]);
    return out;
  }
  net::BrokerConnection::GatheredBodyEncoder encoder() const {
    return [this](protocol::BufferWriter& w, std::int16_t, protocol::Splices& splices) {
      w.raw(framing[0]);
      for (std::size_t i = 0; i < external.size(); ++i) {
        splices.push_back({w.size(), *external[i]});
        w.raw(framing[i + 1]);
      }
      return std::error_code{};
    };
  }
};

GatheredBody make_body(std::size_t pieces, std::size_t external_bytes, std::uint32_t seed) {
  GatheredBody g;
  for (std::size_t i = 0; i <= pieces; ++i) g.framing.push_back(pattern(1 + (i * 7) % 23, seed + 1000 + static_cast<std::uint32_t>(i)));
  for (std::size_t i = 0; i < pieces; ++i) {
    g.external.push_back(std::make_shared<Bytes>(pattern(external_bytes / pieces + i, seed + static_cast<std::uint32_t>(i))));
  }
  return g;
}

struct Call {
  int count = 0;
  std::error_code ec;
  bool maybe_delivered = false;
  Bytes body;
};

net::ResponseHandler record(Call& c) {
  return [&c](const net::RequestOutcome& o) {
    ++c.count;
    c.ec = o.ec;
    c.maybe_delivered = o.maybe_delivered;
    c.body.assign(o.body.begin(), o.body.end());
  };
}

std::error_code plain_body(protocol::BufferWriter& w, std::int16_t) {
  w.raw(std::string_view("plain request body"));
  return {};
}

struct Harness {
  boost::asio::io_context io;
  test::FakeBroker fake;
  std::shared_ptr<net::BrokerConnection> conn;

  // Small socket buffers on both sides: a write of megabytes goes out a few
  // KiB per call, resuming after each partial write.
  explicit Harness(std::chrono::milliseconds request_timeout = 30000ms)
      : fake(io, 4096), conn(std::make_shared<net::BrokerConnection>(io, 1, fake.address(), options(request_timeout))) {}

  static net::ConnectionOptions options(std::chrono::milliseconds request_timeout) {
    net::ConnectionOptions o;
    o.send_buffer_bytes = 4096;
    o.request_timeout = request_timeout;
    return o;
  }

  void connect_ok() {
    fake.handshake();
    REQUIRE_FALSE(test::connect_and_wait(io, conn));
    REQUIRE(conn->state() == State::ready);
    REQUIRE(conn->versions().version(ApiKey::Produce) == std::optional<std::int16_t>(13));
  }
};

}  // namespace

TEST_CASE("gathered: pipelined gathered and plain requests arrive intact across partial writes") {
  Harness h;
  h.connect_ok();
  // 100 pieces: more than one writev takes (64); 3 MiB: many partial writes.
  const GatheredBody big = make_body(100, 3u << 20, 1);
  const GatheredBody small = make_body(2, 300, 2);
  std::optional<std::vector<FakeRequest>> got;
  h.fake.read_requests(3, [&](std::vector<FakeRequest> rs) {
    Bytes answers;
    for (std::size_t i = 0; i < rs.size(); ++i) {
      answers = cat(answers, test::FakeBroker::response(rs[i], Bytes{static_cast<std::uint8_t>(i), 0x42}));
    }
    got = std::move(rs);
    h.fake.write(std::move(answers));
  });
  Call c0, c1, c2;
  h.conn->send_gathered(ApiKey::Produce, big.encoder(), true, record(c0));
  h.conn->send(ApiKey::Metadata, plain_body, true, record(c1));
  h.conn->send_gathered(ApiKey::Produce, small.encoder(), true, record(c2));
  REQUIRE(test::run_until(h.io, [&] { return c0.count > 0 && c1.count > 0 && c2.count > 0; }, 30000ms));
  REQUIRE(got.has_value());
  const auto& rs = *got;
  // read_request took exactly the size prefix's worth of bytes each time:
  // a wrong int32 size would misalign every request after the first.
  CHECK(rs[0].api_key == 0);
  CHECK(rs[1].api_key == 3);
  CHECK(rs[2].api_key == 0);
  CHECK(rs[0].correlation_id + 1 == rs[1].correlation_id);
  CHECK(rs[1].correlation_id + 1 == rs[2].correlation_id);
  const Bytes expect0 = big.joined();
  const Bytes expect2 = small.joined();
  REQUIRE(rs[0].frame.size() == kHeaderSize + expect0.size());
  CHECK(Bytes(rs[0].frame.begin() + kHeaderSize, rs[0].frame.end()) == expect0);
  REQUIRE(rs[2].frame.size() == kHeaderSize + expect2.size());
  CHECK(Bytes(rs[2].frame.begin() + kHeaderSize, rs[2].frame.end()) == expect2);
  const std::string plain = "plain request body";
  REQUIRE(rs[1].frame.size() > plain.size());
  CHECK(std::string(rs[1].frame.end() - static_cast<std::ptrdiff_t>(plain.size()), rs[1].frame.end()) == plain);
  CHECK(h.fake.bytes_received() > (3u << 20));
  CHECK_FALSE(c0.ec);
  CHECK_FALSE(c1.ec);
  CHECK_FALSE(c2.ec);
  CHECK(c0.body == Bytes{0, 0x42});
  CHECK(c1.body == Bytes{1, 0x42});
  CHECK(c2.body == Bytes{2, 0x42});
  CHECK(h.conn->state() == State::ready);
  CHECK(h.conn->in_flight() == 0);
}

TEST_CASE("gathered: an answer read before the write completed waits for it, the spliced bytes stay untouched") {
  Harness h;
  h.connect_ok();
  GatheredBody body = make_body(3, 8u << 20, 3);
  const Bytes expect = body.joined();
  const std::size_t frame_size = kHeaderSize + expect.size();
  // The handler wrecks and frees the caller's bytes, as a producer does
  // when it completes (frees) or re-stamps (retries) a batch. Had it run
  // while the write still read them, the broker would get zeros (and ASan
  // would report a use after free).
  Call c;
  bool answered = false;
  int calls_when_answered = -1;
  std::optional<Bytes> received;
  auto handler = [&](const net::RequestOutcome& o) {
    record(c)(o);
    for (auto& e : body.external) {
      std::fill(e->begin(), e->end(), 0);
      e.reset();
    }
  };
  // The fake reads only the size and the start of the header, answers
  // (correlation id 1: ApiVersions was 0), and only then reads the rest.
  h.fake.read_bytes(12, [&] {
    Bytes head = h.fake.last_read();
    FakeRequest req;
    req.api_key = 0;
    req.api_version = 13;
    req.correlation_id = 1;
    h.fake.write(test::FakeBroker::response(req, Bytes{7, 7, 7}), [&, head] {
      answered = true;
      calls_when_answered = c.count;
      h.fake.read_bytes(4 + frame_size - head.size(), [&, head] { received = cat(head, h.fake.last_read()); });
    });
  });
  h.conn->send_gathered(ApiKey::Produce, body.encoder(), true, handler);
  REQUIRE(test::run_until(h.io, [&] { return c.count > 0 && received.has_value(); }, 30000ms));
  CHECK(answered);
  CHECK(calls_when_answered == 0);
  CHECK(c.count == 1);
  CHECK_FALSE(c.ec);
  CHECK(c.body == Bytes{7, 7, 7});
  REQUIRE(received->size() == 4 + frame_size);
  const std::uint32_t size = std::uint32_t{(*received)[0]} << 24 | std::uint32_t{(*received)[1]} << 16 |
                             std::uint32_t{(*received)[2]} << 8 | (*received)[3];
  CHECK(size == frame_size);
  CHECK(Bytes(received->begin() + 4 + kHeaderSize, received->end()) == expect);
  CHECK(h.conn->state() == State::ready);
}

TEST_CASE("gathered: an answer read before the write completed is delivered when the connection then fails") {
  // The broker answers after reading only the start of an 8 MiB request and
  // reads no more, so the write cannot complete (4 KiB socket buffers): the
  // answer is held. Whatever then ends the connection, the broker did
  // answer: the handler must get that answer, once. Reporting it "failed,
  // outcome unknown" would make a producer without idempotence retry a
  // success into a duplicate. The handler frees the bytes the write points
  // at: had it run while the write could still read them, ASan would report
  // it (the write is aborted or failed, so the broker's bytes tell nothing).
  enum class End { eof, reset_after_read, answer_and_reset, timeout, local_close, garbage };
  End end = End::eof;
  SECTION("the broker ends the stream after the answer") { end = End::eof; }
  SECTION("the broker resets after the client read the answer") { end = End::reset_after_read; }
  SECTION("the answer and the reset arrive together") { end = End::answer_and_reset; }
  SECTION("the request times out after the answer") { end = End::timeout; }
  SECTION("close() after the answer was read") { end = End::local_close; }
  SECTION("a protocol error after the answer") { end = End::garbage; }
  Harness h(end == End::timeout ? 1000ms : 30000ms);
  h.connect_ok();
  GatheredBody body = make_body(3, 8u << 20, 5);
  Call c;
  auto handler = [&](const net::RequestOutcome& o) {
    record(c)(o);
    for (auto& e : body.external) {  // as a producer frees a completed batch
      std::fill(e->begin(), e->end(), 0);
      e.reset();
    }
  };
  FakeRequest req;  // Produce v13, correlation id 1 (ApiVersions was 0)
  req.api_key = 0;
  req.api_version = 13;
  req.correlation_id = 1;
  const Bytes answer = test::FakeBroker::response(req, Bytes{7, 7, 7});
  bool answered = false;
  h.fake.read_bytes(12, [&] {
    if (end == End::answer_and_reset) {
      h.fake.write_and_reset(answer);
      answered = true;
      return;
    }
    Bytes out = answer;
    if (end == End::garbage) {
      FakeRequest unknown = req;
      unknown.correlation_id = 987654;
      out = cat(out, test::FakeBroker::response(unknown, Bytes{1}));
    }
    h.fake.write(std::move(out), [&] {
      answered = true;
      if (end == End::eof) h.fake.shutdown_send();
    });
  });
  h.conn->send_gathered(ApiKey::Produce, body.encoder(), true, handler);
  const auto sent_at = h.conn->last_used();
  if (end == End::reset_after_read || end == End::local_close || end == End::timeout) {
    // last_used() moves when an answer is read: the answer is held now (and,
    // for the timeout, was read well before it: the fake answers at once).
    REQUIRE(test::run_until(h.io, [&] { return answered && h.conn->last_used() != sent_at; }));
    REQUIRE(c.count == 0);
    if (end == End::reset_after_read) h.fake.reset();
    if (end == End::local_close) h.conn->close(net::net_errc::shutting_down);
  }
  REQUIRE(test::run_until(h.io, [&] { return c.count > 0; }, 30000ms));
  CHECK(answered);
  for (int i = 0; i < 1000; ++i) {  // a second completion would show now
    h.io.restart();
    if (h.io.poll() == 0) break;
  }
  INFO("outcome: " << c.ec.message());
  CHECK(c.count == 1);
  CHECK_FALSE(c.ec);
  CHECK(c.body == Bytes{7, 7, 7});
  CHECK(h.conn->state() == State::closed);
  CHECK(h.conn->in_flight() == 0);
}

TEST_CASE("gathered: answers that arrive together with a reset reach their requests") {
  // The broker answers and resets in one step while the client is still
  // writing a large request: the client finds the answer and the reset
  // together, and Asio completes the failed write before the read that holds
  // the answer. That answer must still be delivered, whichever request it is
  // for; a request with no answer fails as maybe delivered.
  Harness h;
  h.connect_ok();
  SECTION("an earlier pipelined request's answer, while a gathered write is under way") {
    GatheredBody body = make_body(3, 8u << 20, 6);
    h.fake.read_request([&](FakeRequest first) {
      h.fake.read_bytes(12, [&, first] { h.fake.write_and_reset(test::FakeBroker::response(first, Bytes{1, 2})); });
    });
    Call first, big;
    h.conn->send(ApiKey::Metadata, plain_body, true, record(first));
    h.conn->send_gathered(ApiKey::Produce, body.encoder(), true, record(big));
    REQUIRE(test::run_until(h.io, [&] { return first.count > 0 && big.count > 0; }, 30000ms));
    for (int i = 0; i < 1000; ++i) {
      h.io.restart();
      if (h.io.poll() == 0) break;
    }
    INFO("first: " << first.ec.message() << "; big: " << big.ec.message());
    CHECK(first.count == 1);
    CHECK_FALSE(first.ec);
    CHECK(first.body == Bytes{1, 2});
    CHECK(big.count == 1);
    CHECK(big.ec);  // never answered: outcome unknown
    CHECK(big.maybe_delivered);
  }
  SECTION("a plain (not gathered) request's answer, while it is being written") {
    h.fake.read_bytes(12, [&] {
      FakeRequest req;  // Metadata v13, correlation id 1 (ApiVersions was 0)
      req.api_key = 3;
      req.api_version = 13;
      req.correlation_id = 1;
      h.fake.write_and_reset(test::FakeBroker::response(req, Bytes{3, 4}));
    });
    Call c;
    h.conn->send(
        ApiKey::Metadata,
        [](protocol::BufferWriter& w, std::int16_t) {
          w.reserve(8u << 20);  // too large for the socket buffers
          return std::error_code{};
        },
        true, record(c));
    REQUIRE(test::run_until(h.io, [&] { return c.count > 0; }, 30000ms));
    for (int i = 0; i < 1000; ++i) {
      h.io.restart();
      if (h.io.poll() == 0) break;
    }
    INFO("outcome: " << c.ec.message());
    CHECK(c.count == 1);
    CHECK_FALSE(c.ec);
    CHECK(c.body == Bytes{3, 4});
  }
  CHECK(h.conn->state() == State::closed);
  CHECK(h.conn->in_flight() == 0);
}

TEST_CASE("gathered: a close during the write fails the request once, nothing is read after") {
  Harness h;
  h.connect_ok();
  GatheredBody body = make_body(2, 4u << 20, 4);
  Call c;
  bool started = false;
  h.fake.read_bytes(64, [&] { started = true; });  // then reads no more: the write stalls
  h.conn->send_gathered(ApiKey::Produce, body.encoder(), true, [&](const net::RequestOutcome& o) {
    record(c)(o);
    for (auto& e : body.external) e.reset();  // freed at once, write or no write
  });
  REQUIRE(test::run_until(h.io, [&] { return started; }));
  CHECK(c.count == 0);
  h.conn->close(net::net_errc::shutting_down);
  CHECK(c.count == 1);
  CHECK(c.ec == net::net_errc::shutting_down);
  // The aborted write's completion is already queued; run it (and all
  // else that is due): it must not touch the bytes or call the handler.
  h.fake.close();
  for (int i = 0; i < 1000; ++i) {
    h.io.restart();
    if (h.io.poll() == 0) break;
  }
  CHECK(c.count == 1);
}

TEST_CASE("gathered: a request over 2 GiB in all is refused before anything is written") {
  Harness h;
  h.connect_ok();
  // Views only (never read: the size check comes first), so nothing that
  // large is allocated.
  static const std::uint8_t byte = 0;
  const std::span<const std::uint8_t> huge(&byte, std::size_t{1} << 30);
  Call c;
  h.conn->send_gathered(
      ApiKey::Produce,
      [&](protocol::BufferWriter& w, std::int16_t, protocol::Splices& splices) {
        for (int i = 0; i < 2; ++i) splices.push_back({w.size(), huge});
        return std::error_code{};
      },
      true, record(c));
  CHECK(c.count == 1);
  CHECK(c.ec == protocol::codec_errc::frame_too_large);
  CHECK(h.conn->in_flight() == 0);
  CHECK(h.conn->state() == State::ready);
}
