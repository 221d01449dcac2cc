// flush() waits for the records sent before it, not for records that are
// stuck elsewhere or sent later by other threads.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("flush returns once its own records are reported, while others stay stuck") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string good = sluice::test::unique_topic("flush-good");
  const std::string stuck = sluice::test::unique_topic("flush-stuck");
  {
    // `good` exists (auto-created by a producer that allows it).
    sluice::Producer creator(sluice::Config::from_map({{"bootstrap.servers", bootstrap}}));
    REQUIRE(creator.send_sync(sluice::Record{.topic = good, .value = "create"}));
  }
  // Records for `stuck` wait for metadata that never comes (auto-creation
  // off) for max.block.ms = 60 s; records for `good` are acknowledged.
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap},
                                                      {"allow.auto.create.topics", "false"},
                                                      {"max.block.ms", "60000"},
                                                      {"linger.ms", "1000"}}));
  REQUIRE(producer.send_sync(sluice::Record{.topic = good, .value = "warm-up"}));  // metadata for `good`
  std::atomic<int> stuck_reports{0};
  for (int i = 0; i < 10; ++i) {
    producer.send(sluice::Record{.topic = stuck, .value = "s"}, [&](const sluice::DeliveryReport&) { ++stuck_reports; });
  }
  // Another thread keeps sending while the flush below runs.
  std::atomic<bool> stop{false};
  std::thread other([&] {
    while (!stop) {
      producer.send(sluice::Record{.topic = good, .value = "other"}, nullptr);
      std::this_thread::yield();
    }
  });
  std::atomic<int> acked{0};
  for (int i = 0; i < 100; ++i) {
    producer.send(sluice::Record{.topic = good, .value = "mine"}, [&](const sluice::DeliveryReport& r) {
      if (r) ++acked;
    });
  }
  // Everything sent before this flush: the 10 stuck records and 100 of mine
  // (and whatever `other` sent). The stuck ones cannot finish before 60 s;
  // 15 s is ample for the rest, even on a loaded machine.
  const std::size_t left = producer.flush(15s);
  stop = true;
  other.join();
  CHECK(left == 10);  // exactly the stuck ones: not the records `other` sent after the flush began
  CHECK(acked == 100);
  CHECK(stuck_reports == 0);
  producer.purge();  // the stuck records fail now (errc::purged), not after 60 s
  CHECK(producer.flush(10s) == 0);
  CHECK(stuck_reports == 10);
}
