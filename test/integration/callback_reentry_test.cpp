// Delivery callbacks run on the producer's I/O thread. A callback that calls
// send(), flush() or close() must not deadlock.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("a callback that sends and flushes does not deadlock") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("reentry");
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}));
  std::mutex mu;
  std::vector<sluice::DeliveryReport> second;
  std::size_t flushed_from_callback = 999;
  std::promise<void> first_done;
  sluice::Record r;
  r.topic = topic;
  r.value = "first";
  producer.send(r, [&](const sluice::DeliveryReport&) {
    sluice::Record again;
    again.topic = topic;
    again.value = "sent from a callback";
    producer.send(again, [&](const sluice::DeliveryReport& rep) {
      std::lock_guard lock(mu);
      second.push_back(rep);
    });
    std::size_t n = producer.flush(10s);  // must return at once, not wait
    {
      std::lock_guard lock(mu);
      flushed_from_callback = n;
    }
    first_done.set_value();
  });
  REQUIRE(first_done.get_future().wait_for(60s) == std::future_status::ready);
  REQUIRE(producer.flush(60s) == 0);
  std::lock_guard lock(mu);
  CHECK(flushed_from_callback >= 1);  // the record it just sent was outstanding
  REQUIRE(second.size() == 1);
  CHECK_FALSE(second[0].error);
}

TEST_CASE("close() from a callback fails what is left once, and later sends fail") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("close-in-callback");
  std::mutex mu;
  std::vector<sluice::DeliveryReport> reports;
  std::promise<void> closed;
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}));
    sluice::Record r;
    r.topic = topic;
    r.value = "x";
    producer.send(r, [&](const sluice::DeliveryReport& rep) {
      {
        std::lock_guard lock(mu);
        reports.push_back(rep);
      }
      producer.close(10s);
      closed.set_value();
    });
    REQUIRE(closed.get_future().wait_for(60s) == std::future_status::ready);
    sluice::DeliveryReport after;
    producer.send(r, [&](const sluice::DeliveryReport& rep) { after = rep; });
    CHECK(after.error == sluice::errc::closed);
  }
  std::lock_guard lock(mu);
  REQUIRE(reports.size() == 1);
  CHECK_FALSE(reports[0].error);
}
