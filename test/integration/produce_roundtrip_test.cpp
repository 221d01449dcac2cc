// The thinnest real path: Sluice produces to a real broker, and kcat (a
// consumer Sluice did not write) reads the records back byte for byte.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("records produced by Sluice are read back byte-exact by kcat") {
  // send() with Records, and send_ref() from views of buffers the test
  // overwrites as soon as the call returns (the bytes must have been copied).
  const bool by_ref = GENERATE(false, true);
  INFO((by_ref ? "send_ref" : "send"));
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("roundtrip");

  struct Sent {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::string headers;
  };
  std::vector<Sent> sent;
  // Bytes that break naive text handling: NUL, tab, newline, UTF-8, 0xff.
  const std::string binary("\x00\t\n\xff\xc3\xa9 end", 10);
  sent.push_back({std::string("key-1"), std::string("value-1"), "h1=v1"});
  sent.push_back({std::nullopt, std::string("no key"), ""});
  sent.push_back({std::string("key-3"), std::nullopt, "trace=abc,n=2"});
  sent.push_back({binary, binary + binary, "bin=x"});
  sent.push_back({std::string(""), std::string(1000, 'v'), ""});

  sluice::Config config = sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"acks", "1"}});
  std::mutex mu;
  std::vector<sluice::DeliveryReport> reports;
  {
    sluice::Producer producer(config);
    for (const auto& s : sent) {
      sluice::Record r;
      r.topic = topic;
      r.key = s.key;
      r.value = s.value;
      if (s.headers == "h1=v1") r.headers = {{"h1", "v1"}};
      if (s.headers == "trace=abc,n=2") r.headers = {{"trace", "abc"}, {"n", "2"}};
      if (s.headers == "bin=x") r.headers = {{"bin", "x"}};
      auto on_report = [&](const sluice::DeliveryReport& rep) {
        std::lock_guard lock(mu);
        reports.push_back(rep);
      };
      if (!by_ref) {
        producer.send(std::move(r), on_report);
        continue;
      }
      producer.send_ref(sluice::RecordRef::of(r), on_report);
      // Whatever the views pointed at is the caller's again.
      for (std::string* bytes : {&r.topic, r.key ? &*r.key : nullptr, r.value ? &*r.value : nullptr}) {
        if (bytes != nullptr) std::fill(bytes->begin(), bytes->end(), '#');
      }
      for (auto& h : r.headers) {
        std::fill(h.key.begin(), h.key.end(), '#');
        if (h.value) std::fill(h.value->begin(), h.value->end(), '#');
      }
    }
    REQUIRE(producer.flush(60s) == 0);
  }
  // Assertions on the main thread only (Catch2 is not thread-safe).
  REQUIRE(reports.size() == sent.size());
  for (const auto& r : reports) {
    INFO(r.error_message);
    CHECK_FALSE(r.error);
    CHECK(r.partition == 0);
    CHECK(r.offset >= 0);
  }

  auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    INFO("record " << i);
    CHECK(consumed[i].offset == static_cast<std::int64_t>(i));
    CHECK(consumed[i].key == sent[i].key);
    CHECK(consumed[i].value == sent[i].value);
    CHECK(consumed[i].headers == sent[i].headers);
  }
}

TEST_CASE("a bad broker list is a configuration error naming the entry") {
  // (A host alone is fine: port 9092, as librdkafka and kcat.)
  sluice::Config config = sluice::Config::from_map({{"bootstrap.servers", "localhost:99999"}});
  try {
    sluice::Producer producer(config);
    FAIL("expected ConfigError");
  } catch (const sluice::ConfigError& e) {
    CHECK(e.property() == "bootstrap.servers");
    CHECK(std::string(e.what()).find("'localhost:99999'") != std::string::npos);
  }
}

TEST_CASE("an unreachable broker fails each record with a named error after max.block.ms") {
  // Port 1 on loopback: nothing listens there.
  sluice::Config config = sluice::Config::from_map(
      {{"bootstrap.servers", "127.0.0.1:1"}, {"max.block.ms", "500"}, {"retry.backoff.ms", "50"}});
  std::vector<sluice::DeliveryReport> reports;
  std::mutex mu;
  {
    sluice::Producer producer(config);
    sluice::Record r;
    r.topic = "nowhere";
    r.value = "x";
    producer.send(r, [&](const sluice::DeliveryReport& rep) {
      std::lock_guard lock(mu);
      reports.push_back(rep);
    });
    CHECK(producer.flush(10s) == 0);
  }
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].error == sluice::errc::no_broker_available);
  CHECK_FALSE(reports[0].outcome_unknown);
  CHECK(reports[0].error_message.find("127.0.0.1:1") != std::string::npos);
}

TEST_CASE("every compression codec is accepted by the broker and read back by kcat") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  for (const char* codec : {"gzip", "snappy", "lz4", "zstd"}) {
    const std::string topic = sluice::test::unique_topic(std::string("codec-") + codec);
    std::vector<sluice::DeliveryReport> reports;
    std::mutex mu;
    {
      sluice::Producer producer(sluice::Config::from_map(
          {{"bootstrap.servers", bootstrap}, {"compression.type", codec}, {"linger.ms", "50"}}));
      for (int i = 0; i < 200; ++i) {
        sluice::Record r;
        r.topic = topic;
        r.key = "k" + std::to_string(i);
        r.value = std::string(100, static_cast<char>('a' + i % 26)) + std::to_string(i);
        producer.send(std::move(r), [&](const sluice::DeliveryReport& rep) {
          std::lock_guard lock(mu);
          reports.push_back(rep);
        });
      }
      REQUIRE(producer.flush(60s) == 0);
    }
    INFO("codec " << codec);
    REQUIRE(reports.size() == 200);
    for (const auto& r : reports) {
      INFO(r.error_message);
      REQUIRE_FALSE(r.error);
    }
    auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
    REQUIRE(consumed.size() == 200);
    for (std::size_t i = 0; i < consumed.size(); ++i) {
      CHECK(consumed[i].key == "k" + std::to_string(i));
      CHECK(consumed[i].value == std::string(100, static_cast<char>('a' + i % 26)) + std::to_string(i));
    }
  }
}
