// DeliveryQueue: jobs run in order on one thread of their own; stopping
// runs what is queued first.
#include "delivery_queue.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <vector>

using sluice::detail::DeliveryQueue;

TEST_CASE("jobs run in the order they were queued, on the queue's own thread") {
  std::vector<int> order;
  std::vector<bool> on_queue_thread;
  {
    DeliveryQueue q;
    for (int i = 0; i < 1000; ++i) {
      q.post([&, i] {
        order.push_back(i);  // only the queue's thread touches these
        on_queue_thread.push_back(q.on_this_thread());
      });
    }
    CHECK_FALSE(q.on_this_thread());
    q.drain_and_stop();
  }
  REQUIRE(order.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
  for (bool b : on_queue_thread) CHECK(b);
}

TEST_CASE("a blocked job holds back later jobs, not the poster") {
  DeliveryQueue q;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> ran{0};
  q.post([&] {
    released.wait();
    ++ran;
  });
  for (int i = 0; i < 10; ++i) q.post([&] { ++ran; });  // posting never waits for the blocked job
  CHECK(ran == 0);
  release.set_value();
  q.drain_and_stop();
  CHECK(ran == 11);
}

TEST_CASE("the destructor runs what is queued") {
  std::atomic<int> ran{0};
  {
    DeliveryQueue q;
    for (int i = 0; i < 100; ++i) q.post([&] { ++ran; });
  }
  CHECK(ran == 100);
}
