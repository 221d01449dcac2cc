// ProducerDriver's sender side against a scripted broker (test/net's
// FakeBroker): what a real broker cannot be made to do on cue. The other
// sender paths run against real brokers in test/integration.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "fuzz/response_writers.hpp"
#include "net/fake_broker.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using sluice::protocol::MetadataResponse;

namespace {

MetadataResponse topic_t(const sluice::net::BrokerAddress& broker, std::uint8_t id, std::int32_t partitions) {
  MetadataResponse m;
  m.brokers = {{1, broker.host, broker.port, std::nullopt}};
  MetadataResponse::Topic t;
  t.name = "t";
  t.topic_id.bytes[15] = id;
  for (std::int32_t i = 0; i < partitions; ++i) {
    MetadataResponse::Partition p;
    p.partition_index = i;
    p.leader_id = -1;  // no leader: nothing is sent, the batch stays queued
    p.leader_epoch = 0;
    t.partitions.push_back(p);
  }
  m.topics.push_back(t);
  return m;
}

}  // namespace

// Defect 3, engine side: a batch queued for partition 5 of a topic that is
// then deleted and created again with 3 partitions waited until
// delivery.timeout.ms and failed with a timeout that said nothing.
TEST_CASE("a batch for a partition the recreated topic no longer has fails at once, naming topic and partition") {
  boost::asio::io_context io;
  sluice::test::FakeBroker broker(io);
  // Every Metadata request is answered: the first with topic id 1 and six
  // partitions, the later ones with id 2 and three (deleted, created again).
  int answered = 0;
  std::function<void()> serve = [&] {
    broker.read_request([&](sluice::test::FakeRequest r) {
      if (r.api_key != static_cast<std::int16_t>(sluice::protocol::ApiKey::Metadata)) return broker.close();
      const MetadataResponse m = answered++ == 0 ? topic_t(broker.address(), 1, 6) : topic_t(broker.address(), 2, 3);
      broker.write(sluice::test::FakeBroker::response(r, sluice::fuzz::write_metadata_response(m, r.api_version)),
                   serve);
    });
  };
  broker.handshake(serve);

  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", broker.address().to_string()},
                                                      {"enable.idempotence", "false"},
                                                      {"acks", "1"},
                                                      {"linger.ms", "0"},
                                                      {"retry.backoff.ms", "10"},
                                                      {"request.timeout.ms", "1000"},
                                                      {"delivery.timeout.ms", "3000"}}));
  std::promise<sluice::DeliveryReport> report;
  // Sent before the broker answers anything, so the first answer places it.
  producer.send(sluice::Record{.topic = "t", .partition = 5, .value = "v"},
                [&](const sluice::DeliveryReport& r) { report.set_value(r); });
  std::thread fake([&] { io.run(); });
  auto f = report.get_future();
  const bool reported = f.wait_for(10s) == std::future_status::ready;
  producer.close(0ms);
  io.stop();
  fake.join();
  REQUIRE(reported);
  const sluice::DeliveryReport r = f.get();
  INFO(r.error_message);
  CHECK(r.error == sluice::errc::invalid_partition);
  CHECK(r.partition == 5);
  CHECK(r.error_message.find("partition 5 of topic 't' no longer exists") != std::string::npos);
  CHECK(r.error_message.find("3 partitions") != std::string::npos);
  CHECK_FALSE(r.outcome_unknown);
  CHECK(answered >= 2);
}
