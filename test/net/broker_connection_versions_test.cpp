// BrokerConnection's ApiVersions exchange against a scripted fake broker
// (fake_broker.hpp) answering the way real servers do: librdkafka's mock
// cluster (its bytes captured from rd_kafka_mock_cluster_new, 2.0.2), a
// spec-following older broker, one that makes no sense, one without a
// Produce version Sluice speaks. One io_context on the test's thread; every
// wait has a deadline.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fake_broker.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/buffer_writer.hpp"

using namespace sluice;
using namespace std::chrono_literals;
using protocol::ApiKey;
using test::Bytes;
using test::FakeRequest;
using State = net::BrokerConnection::State;

namespace {

using Range = test::FakeBroker::ApiRange;

Bytes api_versions(std::int16_t version, std::int16_t error, const std::vector<Range>& ranges) {
  return test::FakeBroker::api_versions_body(version, error, ranges);
}

// What librdkafka 2.0.2's mock cluster lists (keys it serves, as captured).
const std::vector<Range> kMockRanges{{0, 0, 7},  {1, 0, 11}, {2, 0, 5},  {3, 0, 2},  {8, 0, 7},  {9, 0, 5},
                                     {10, 0, 2}, {11, 0, 5}, {12, 0, 3}, {13, 0, 1}, {14, 0, 3}, {18, 0, 2},
                                     {22, 0, 4}, {24, 0, 1}, {25, 0, 1}, {26, 0, 1}, {28, 0, 2}};
// Its answer to ApiVersions v3/v4 after the correlation id (see
// api_versions_negotiation_test.cpp for the layout).
const Bytes kMockUnsupported{0x00, 0x23, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00};

struct Harness {
  boost::asio::io_context io;
  test::FakeBroker fake{io};
  std::shared_ptr<net::BrokerConnection> conn = std::make_shared<net::BrokerConnection>(io, 1, fake.address(), net::ConnectionOptions{});
  std::vector<std::int16_t> asked;  // ApiVersions versions, in order
  std::optional<std::error_code> done;

  // Answers every ApiVersions request with answer(version) until the client closes.
  void serve(std::function<Bytes(std::int16_t)> answer) {
    fake.accept([this, answer] { next(answer); });
  }
  void next(std::function<Bytes(std::int16_t)> answer) {
    fake.read_request([this, answer](FakeRequest r) {
      asked.push_back(r.api_version);
      fake.write(test::FakeBroker::response(r, answer(r.api_version)), [this, answer] { next(answer); });
    });
  }
  std::error_code connect() {
    conn->connect([this](std::error_code ec) { done = ec; });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_one_for(50ms);
    }
    REQUIRE(done.has_value());
    return *done;
  }
};

}  // namespace

TEST_CASE("versions: librdkafka's mock cluster is asked at v4, then at v0, and served at what it lists") {
  Harness h;
  h.serve([](std::int16_t v) { return v >= 3 ? kMockUnsupported : api_versions(v, 0, kMockRanges); });
  const auto ec = h.connect();
  INFO(ec.message() << " / " << h.conn->failure_detail());
  REQUIRE_FALSE(ec);
  CHECK(h.asked == std::vector<std::int16_t>{4, 0});
  CHECK(h.conn->state() == State::ready);
  CHECK(h.conn->versions().version(ApiKey::Metadata) == std::optional<std::int16_t>(2));
  CHECK(h.conn->versions().version(ApiKey::Produce) == std::optional<std::int16_t>(7));
  CHECK(h.conn->versions().version(ApiKey::InitProducerId) == std::optional<std::int16_t>(4));
  CHECK_FALSE(h.conn->versions().version(ApiKey::CreateTopics));
}

TEST_CASE("versions: a spec-following older broker is asked again at the highest version it lists") {
  Harness h;
  h.serve([](std::int16_t v) {
    return v > 2 ? api_versions(0, 35, {{18, 0, 2}}) : api_versions(v, 0, {{0, 3, 9}, {3, 0, 9}, {18, 0, 2}});
  });
  REQUIRE_FALSE(h.connect());
  CHECK(h.asked == std::vector<std::int16_t>{4, 2});
  CHECK(h.conn->versions().version(ApiKey::Metadata) == std::optional<std::int16_t>(9));
}

TEST_CASE("versions: an answer unreadable at every version fails once, naming the broker and the API") {
  Harness h;
  h.serve([](std::int16_t) { return Bytes{0x00, 0x00, 0x7f}; });
  CHECK(h.connect() == net::net_errc::protocol_error);
  CHECK(h.asked == std::vector<std::int16_t>{4, 0});
  CHECK(h.conn->state() == State::closed);
  const auto& detail = h.conn->failure_detail();
  CHECK_THAT(detail, Catch::Contains(h.fake.address().to_string()) && Catch::Contains("ApiVersions") &&
                         Catch::Contains("Sluice 0-4"));
}

TEST_CASE("versions: a broker with no Produce version Sluice speaks fails at once, saying both ranges") {
  Harness h;
  h.serve([](std::int16_t v) { return api_versions(v, 0, {{0, 0, 2}, {3, 0, 9}, {18, 0, 4}}); });
  CHECK(h.connect() == net::net_errc::no_common_version);
  CHECK(h.asked == std::vector<std::int16_t>{4});
  const auto& detail = h.conn->failure_detail();
  CHECK_THAT(detail, Catch::Contains(h.fake.address().to_string()) &&
                         Catch::Contains("Produce: no common version (broker 0-2, Sluice 3-13)"));
}
