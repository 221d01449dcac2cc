// SendGate with published routes: which records go straight to their
// batches and which are staged, a route published only while the inbox
// holds none of its topic (so nothing sent straight overtakes a staged
// record), withdrawal, and when a record appended straight wakes the I/O
// thread (the same rules as staging: no promised pass, a full batch, a
// sync send, a flush).
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "send_gate.hpp"
#include "sluice/errors.hpp"

using namespace sluice::detail;

namespace {

SendGateOptions gate_options() {
  SendGateOptions o;
  o.buffer_memory = 1000;
  o.max_block = std::chrono::milliseconds(0);
  o.enqueue_timeout = std::chrono::milliseconds(0);
  o.batch_size = 300;
  o.batch_num_messages = 3;
  return o;
}

std::shared_ptr<TopicRoute> route(const std::string& topic, std::int32_t partitions) {
  auto r = std::make_shared<TopicRoute>();
  r->topic = topic;
  r->partition_count = partitions;
  for (std::int32_t p = 0; p < partitions; ++p) r->available.push_back(p);
  r->lanes.assign(static_cast<std::size_t>(partitions), nullptr);
  return r;
}

sluice::RecordRef ref(std::string_view topic, std::optional<std::int32_t> partition = std::nullopt) {
  sluice::RecordRef r;
  r.topic = topic;
  r.partition = partition;
  r.value = "v";
  return r;
}

Admission admit(SendGate& gate, const sluice::RecordRef& r, bool& kick, bool urgent = false) {
  sluice::DeliveryCallback cb = [](const sluice::DeliveryReport&) {};
  return gate.admit(r, cb, 10, urgent, true, kick);
}

}  // namespace

TEST_CASE("a record of a routed topic is admitted and charged but not staged") {
  SendGate gate(gate_options());
  REQUIRE(gate.publish(route("t", 2)));
  bool kick = true;
  Admission a = admit(gate, ref("t"), kick);
  CHECK_FALSE(a.refused);
  REQUIRE(a.route);
  CHECK(a.route->topic == "t");
  CHECK_FALSE(kick);  // the sender decides after its append (appended())
  CHECK(gate.use().records == 1);
  CHECK(gate.use().bytes == 10);
  Inbox taken;
  gate.take(taken);
  CHECK(taken.empty());
  // Another topic, and a partition the route does not list (perhaps added:
  // the placer waits for it), and a negative one (the placer ends it) are staged.
  CHECK_FALSE(admit(gate, ref("other"), kick).route);
  CHECK_FALSE(admit(gate, ref("t", 2), kick).route);
  CHECK_FALSE(admit(gate, ref("t", -1), kick).route);
  CHECK(admit(gate, ref("t", 1), kick).route);
  gate.take(taken);
  CHECK(taken.size() == 3);
  // offer() never routes (it stages).
  sluice::DeliveryCallback cb;
  CHECK_FALSE(gate.offer(ref("t"), cb, 10, false, true, kick));
  taken.clear();
  gate.take(taken);
  CHECK(taken.size() == 1);
}

TEST_CASE("a route is not published while the inbox holds a record of its topic, and withdrawn records are staged") {
  SendGate gate(gate_options());
  bool kick = false;
  REQUIRE_FALSE(admit(gate, ref("t"), kick).route);  // no route yet: staged
  CHECK_FALSE(gate.publish(route("t", 1)));           // it would be overtaken
  CHECK(gate.publish(route("u", 1)));                 // another topic is fine
  Inbox taken;
  gate.take(taken);
  REQUIRE(taken.size() == 1);
  CHECK(gate.publish(route("t", 1)));  // taken (the placer places it before the next take)
  CHECK(admit(gate, ref("t"), kick).route);
  gate.withdraw("t");
  CHECK_FALSE(admit(gate, ref("t"), kick).route);
  CHECK(admit(gate, ref("u"), kick).route);
  // A new route replaces the old one.
  REQUIRE(gate.publish(route("u", 4)));
  CHECK(admit(gate, ref("u", 3), kick).route->partition_count == 4);
}

TEST_CASE("a record appended straight wakes the I/O thread by the staging rules") {
  SendGate gate(gate_options());
  REQUIRE(gate.publish(route("t", 1)));
  bool kick = false;
  Inbox taken;
  SECTION("no pass promised: wake it, once until a take") {
    CHECK(gate.appended(false, false));
    CHECK_FALSE(gate.appended(false, false));
    gate.take(taken);
    CHECK(gate.appended(false, false));
  }
  SECTION("a promised pass takes it, unless the batch is full, the send is sync or a flush waits") {
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(true));
    CHECK_FALSE(gate.appended(false, false));
    CHECK(gate.appended(true, false));  // full: ready now
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(true));
    CHECK(gate.appended(false, true));  // sync send
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(true));
    gate.begin_flush(kick);
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(true));
    CHECK(gate.appended(false, false));  // a flush waits for it
  }
  SECTION("appended under a promise that no pass will keep: the pass that drops it posts one") {
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(true));
    CHECK_FALSE(gate.appended(false, false));
    CHECK(gate.promise_pass(false));  // the promise is dropped: a pass must look at that batch
  }
  SECTION("appended before a take is seen by that pass: dropping the promise then posts nothing") {
    CHECK_FALSE(gate.promise_pass(true));
    CHECK_FALSE(gate.appended(false, false));
    gate.take(taken);
    CHECK_FALSE(gate.promise_pass(false));
  }
}

TEST_CASE("a routed record the accumulator refused gets the gate's reason") {
  SendGate gate(gate_options());
  CHECK(gate.refusal(ref("t", 0)).error == sluice::errc::closed);
  CHECK(gate.refusal(ref("t", 0)).topic == "t");
  gate.set_fatal(std::make_error_code(std::errc::permission_denied), "the producer id was refused");
  const auto r = gate.refusal(ref("t", 1));
  CHECK(r.error == std::make_error_code(std::errc::permission_denied));  // the fatal error, not closed
  CHECK(r.error_message == "the producer id was refused");
  CHECK(r.partition == 1);
}
