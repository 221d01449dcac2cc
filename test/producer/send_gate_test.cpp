// SendGate: admission (closed, fatal, buffer.memory, queue.buffering.max.messages),
// when the I/O thread is woken, what a take hands over, flush generations
// and settling. Single-threaded but for the one case that blocks in offer().
#include "send_gate.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sluice/errors.hpp"

using namespace sluice::detail;

namespace {

SendGateOptions small_gate() {
  SendGateOptions o;
  o.buffer_memory = 1000;
  o.max_queued_records = 0;
  o.max_block = std::chrono::milliseconds(0);
  o.enqueue_timeout = std::chrono::milliseconds(0);
  o.batch_size = 300;
  o.batch_num_messages = 3;
  o.bound_inbox = true;
  return o;
}

sluice::RecordRef ref(std::string_view topic, std::string_view value) {
  sluice::RecordRef r;
  r.topic = topic;
  r.value = value;
  return r;
}

// Offers one record of `size` bytes; returns the refusal, if any.
std::optional<sluice::DeliveryReport> offer(SendGate& gate, std::size_t size, bool& kick, bool urgent = false,
                                            bool may_wait = true) {
  sluice::DeliveryCallback cb = [](const sluice::DeliveryReport&) {};
  return gate.offer(ref("t", "v"), cb, size, urgent, may_wait, kick);
}

}  // namespace

TEST_CASE("an admitted record is staged, charged, and wakes the I/O thread once until a take") {
  SendGate gate(small_gate());
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 100, kick));
  CHECK(kick);  // no pass promised: the I/O thread must look now
  REQUIRE_FALSE(offer(gate, 100, kick));
  CHECK_FALSE(kick);  // a pass is posted already
  CHECK(gate.use().bytes == 200);
  CHECK(gate.use().records == 2);
  Inbox taken;
  const TakenInbox t = gate.take(taken);
  CHECK(taken.size() == 2);
  CHECK_FALSE(t.promised);
  CHECK_FALSE(t.flushing);
  REQUIRE_FALSE(offer(gate, 10, kick));
  CHECK(kick);  // the take consumed the posted pass
}

TEST_CASE("while a pass is promised a record waits for it, unless urgent or a batch's worth is staged") {
  SendGate gate(small_gate());
  Inbox taken;
  CHECK_FALSE(gate.promise_pass(true));
  bool kick = true;
  REQUIRE_FALSE(offer(gate, 10, kick));
  CHECK_FALSE(kick);
  REQUIRE_FALSE(offer(gate, 10, kick, /*urgent=*/true));
  CHECK(kick);  // a sync send does not linger
  gate.take(taken);
  taken.clear();
  CHECK_FALSE(gate.promise_pass(true));
  REQUIRE_FALSE(offer(gate, 10, kick));
  REQUIRE_FALSE(offer(gate, 10, kick));
  CHECK_FALSE(kick);
  REQUIRE_FALSE(offer(gate, 10, kick));
  CHECK(kick);  // batch.num.messages (3) staged
  gate.take(taken);
  taken.clear();
  CHECK_FALSE(gate.promise_pass(true));
  // batch.size (300) of bytes staged, counted as the inbox holds them.
  const std::string big(200, 'x');
  sluice::DeliveryCallback cb = [](const sluice::DeliveryReport&) {};
  REQUIRE_FALSE(gate.offer(ref("t", big), cb, 1, false, true, kick));
  CHECK_FALSE(kick);
  cb = [](const sluice::DeliveryReport&) {};
  REQUIRE_FALSE(gate.offer(ref("t", big), cb, 1, false, true, kick));
  CHECK(kick);
  const TakenInbox t = gate.take(taken);
  CHECK(t.promised);
}

TEST_CASE("records staged under a promise that no pass will keep get a pass") {
  SendGate gate(small_gate());
  CHECK_FALSE(gate.promise_pass(true));
  bool kick = true;
  REQUIRE_FALSE(offer(gate, 10, kick));
  REQUIRE_FALSE(kick);
  CHECK(gate.promise_pass(false));        // the staged record needs a pass: post one
  CHECK_FALSE(gate.promise_pass(false));  // and only one
}

TEST_CASE("a full buffer refuses at once where waiting is not allowed, naming buffer.memory, and leaves the callback to the caller") {
  SendGate gate(small_gate());
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 900, kick));
  int called = 0;
  sluice::DeliveryCallback cb = [&called](const sluice::DeliveryReport&) { ++called; };
  auto refused = gate.offer(ref("orders", "v"), cb, 200, false, /*may_wait=*/false, kick);
  REQUIRE(refused);
  CHECK(refused->error == sluice::errc::queue_full);
  CHECK(refused->topic == "orders");
  CHECK_THAT(refused->error_message, Catch::Contains("buffer.memory=1000"));
  CHECK_THAT(refused->error_message, Catch::Contains("never waits"));
  REQUIRE(cb);  // not consumed: the caller reports with it
  cb(*refused);
  CHECK(called == 1);
  CHECK(gate.use().bytes == 900);
}

TEST_CASE("max.block.ms passed with the buffer still full: queue_full after max.block.ms") {
  SendGateOptions o = small_gate();
  o.max_block = std::chrono::milliseconds(1);
  o.enqueue_timeout = std::chrono::milliseconds(1);
  SendGate gate(o);
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 1000, kick));
  auto refused = offer(gate, 1, kick);
  REQUIRE(refused);
  CHECK(refused->error == sluice::errc::queue_full);
  CHECK_THAT(refused->error_message, Catch::Contains("after 1 ms (max.block.ms, or queue.enqueue.timeout.ms if set)"));
  // The bound reached is named, the other one is not.
  CHECK_THAT(refused->error_message, Catch::Contains("1000 of buffer.memory=1000 bytes held, this record needs 1"));
  CHECK_THAT(refused->error_message, !Catch::Contains("queue.buffering.max.messages"));
}

TEST_CASE("queue.buffering.max.messages bounds the records outstanding") {
  SendGateOptions o = small_gate();
  o.max_queued_records = 2;
  SendGate gate(o);
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 1, kick));
  REQUIRE_FALSE(offer(gate, 1, kick));
  auto refused = offer(gate, 1, kick, false, false);
  REQUIRE(refused);
  CHECK(refused->error == sluice::errc::queue_full);
  // The count bound is the one named (the bytes are far from buffer.memory).
  CHECK_THAT(refused->error_message, Catch::Contains("(2 records of queue.buffering.max.messages=2;"));
  CHECK_THAT(refused->error_message, !Catch::Contains("buffer.memory"));
  const std::uint64_t gens[] = {0};
  gate.settle(gens, 1);
  CHECK_FALSE(offer(gate, 1, kick, false, false));
}

TEST_CASE("closed and fatal gates refuse with their reasons") {
  SendGate gate(small_gate());
  bool kick = false;
  gate.set_fatal(sluice::make_error_code(sluice::errc::no_broker_available), "the cluster refused a producer id");
  auto refused = offer(gate, 1, kick);
  REQUIRE(refused);
  CHECK(refused->error == sluice::errc::no_broker_available);
  CHECK(refused->error_message == "the cluster refused a producer id");
  gate.close();
  CHECK(gate.closed());
  refused = offer(gate, 1, kick);
  REQUIRE(refused);
  CHECK(refused->error == sluice::errc::closed);
  CHECK_THAT(refused->error_message, Catch::Contains("after close()"));
}

TEST_CASE("a flush waits for the records sent before it only, and a take sees it flushing") {
  SendGate gate(small_gate());
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 10, kick));
  REQUIRE_FALSE(offer(gate, 10, kick));
  bool flush_kick = false;
  const std::uint64_t target = gate.begin_flush(flush_kick);
  CHECK_FALSE(flush_kick);  // the first offer posted a pass already
  REQUIRE_FALSE(offer(gate, 10, kick));  // after the flush began: the next generation
  Inbox taken;
  CHECK(gate.take(taken).flushing);
  REQUIRE(taken.size() == 3);
  CHECK(taken.entries()[0].generation == target);
  CHECK(taken.entries()[2].generation == target + 1);
  const std::uint64_t first_two[] = {target, target};
  gate.settle(first_two, 20);
  CHECK(gate.end_flush(target, Clock::now(), /*may_wait=*/false) == 0);
  CHECK_FALSE(gate.take(taken).flushing);  // ended
  CHECK(gate.use().records == 1);
  CHECK(gate.use().bytes == 10);
}

TEST_CASE("records settled before their generation is closed count off the flush that later closes it") {
  SendGate gate(small_gate());
  bool kick = false;
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(offer(gate, 10, kick));
  const std::uint64_t generation[] = {0};
  gate.settle(generation, 10);  // before any flush: the current generation's plain count
  bool flush_kick = false;
  const std::uint64_t target = gate.begin_flush(flush_kick);
  CHECK(target == 0);
  CHECK(gate.end_flush(target, Clock::now(), /*may_wait=*/false) == 2);
  REQUIRE_FALSE(offer(gate, 10, kick));  // generation 1: not waited for
  const std::uint64_t later[] = {1};
  gate.settle(later, 10);
  CHECK(gate.end_flush(target, Clock::now(), /*may_wait=*/false) == 2);
  const std::uint64_t rest[] = {0, 0};
  gate.settle(rest, 20);
  CHECK(gate.end_flush(target, Clock::now(), /*may_wait=*/false) == 0);
  // A second flush closes generation 1, already settled: nothing to wait for.
  const std::uint64_t second = gate.begin_flush(flush_kick);
  CHECK(second == 1);
  CHECK(gate.end_flush(second, Clock::now(), /*may_wait=*/false) == 0);
  CHECK(gate.use().records == 0);
}

TEST_CASE("a flush that cannot wait returns what is left") {
  SendGate gate(small_gate());
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 10, kick));
  const std::uint64_t target = gate.begin_flush(kick);
  CHECK(gate.end_flush(target, Clock::now() + std::chrono::hours(1), /*may_wait=*/false) == 1);
}

TEST_CASE("a sender blocked on a full buffer is admitted once a report frees space") {
  SendGateOptions o = small_gate();
  o.max_block = std::chrono::minutes(5);  // the test ends long before: settle() below frees space
  o.enqueue_timeout = o.max_block;
  SendGate gate(o);
  bool kick = false;
  REQUIRE_FALSE(offer(gate, 1000, kick));
  std::optional<sluice::DeliveryReport> refused{sluice::DeliveryReport{}};
  std::thread sender([&] {
    bool k = false;
    refused = offer(gate, 500, k);
  });
  const std::uint64_t gens[] = {0};
  gate.settle(gens, 1000);  // whether before or after the sender blocks, it gets in
  sender.join();
  CHECK_FALSE(refused);
  CHECK(gate.use().bytes == 500);
}
