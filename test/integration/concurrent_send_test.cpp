// One producer shared by 8 application threads (the way it is meant to be
// used), built with ThreadSanitizer by tools/test: concurrent send(),
// flush(), send_sync() and statistics_json() while reports arrive on the I/O
// thread. Callbacks only record under a mutex; assertions run on the main
// thread.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;

TEST_CASE("8 threads share one producer: every record acknowledged once, in order per key") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("concurrent");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 3000;

  struct Report {
    int count = 0;
    sluice::DeliveryReport last;
  };
  std::mutex mu;
  std::vector<Report> reports(kThreads * kPerThread);
  std::atomic<int> sync_ok{0};
  {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", bootstrap}, {"linger.ms", "2"}}));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          sluice::Record r;
          r.topic = topic;
          r.key = "thread-" + std::to_string(t);  // one key per thread: its records keep their order
          r.value = std::to_string(t) + ":" + std::to_string(i);
          const int slot = t * kPerThread + i;
          producer.send(std::move(r), [&, slot](const sluice::DeliveryReport& rep) {
            std::lock_guard lock(mu);
            ++reports[static_cast<std::size_t>(slot)].count;
            reports[static_cast<std::size_t>(slot)].last = rep;
          });
          if (i % 1000 == 999) producer.flush(30s);
          if (i % 1500 == 0) (void)producer.statistics_json();
        }
        sluice::Record last;
        last.topic = topic;
        last.value = "sync-" + std::to_string(t);
        if (producer.send_sync(std::move(last))) ++sync_ok;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(producer.flush(60s) == 0);
  }
  CHECK(sync_ok == kThreads);
  std::lock_guard lock(mu);
  int missing = 0, doubled = 0, failed = 0, out_of_order = 0;
  for (int t = 0; t < kThreads; ++t) {
    std::int64_t previous = -1;
    for (int i = 0; i < kPerThread; ++i) {
      const Report& r = reports[static_cast<std::size_t>(t * kPerThread + i)];
      if (r.count == 0) ++missing;
      if (r.count > 1) ++doubled;
      if (r.count == 0) continue;
      if (r.last.error) {
        ++failed;
        continue;
      }
      if (r.last.offset <= previous) ++out_of_order;
      previous = r.last.offset;
    }
  }
  CHECK(missing == 0);
  CHECK(doubled == 0);
  CHECK(failed == 0);
  CHECK(out_of_order == 0);
}
