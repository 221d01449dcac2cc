// TopicAdmin on a fake clock: create_topics over fake links, a fake host
// (time, posted work, links) and a fake timer. Metadata for the controller,
// CreateTopics to it (or to any ready broker when it is slow to connect),
// retries after retry.backoff.ms, the answers' errors per topic, and the
// deadline (no broker reached, or no answer). No sockets, no sleeps.
#include "topic_admin.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "fuzz/response_writers.hpp"
#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;
using Catch::Contains;
using sluice::CreateTopicResult;
using sluice::NewTopic;
using sluice::protocol::ApiKey;
using sluice::protocol::Bytes;
using sluice::protocol::CreateTopicsRequest;
using sluice::protocol::CreateTopicsResponse;
using sluice::protocol::kafka_errc;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1h;  // the fake clock

sluice::protocol::NegotiatedVersions negotiated(std::int16_t create_topics_max = 7) {
  sluice::protocol::ApiVersionsResponse m;
  m.api_keys = {{3, 0, 12}, {19, 0, create_topics_max}};
  return sluice::protocol::NegotiatedVersions(m);
}

// The response as a broker writes it (Kafka's CreateTopicsResponse.json).
Bytes write_create_topics(const CreateTopicsResponse& m, std::int16_t version) {
  using sluice::protocol::BufferWriter;
  const bool flex = version >= 5;
  Bytes out;
  BufferWriter w(out);
  if (version >= 2) w.int32(m.throttle_time_ms);
  w.array_length(m.topics.size(), flex);
  for (const auto& t : m.topics) {
    w.string(t.name, flex);
    if (version >= 7) w.uuid(t.topic_id);
    w.int16(t.error_code);
    if (version >= 1) w.nullable_string(t.error_message, flex);
    if (version >= 5) {
      w.int32(t.num_partitions);
      w.int16(t.replication_factor);
      w.nullable_array_length(std::nullopt, true);
      w.empty_tagged_fields();
    }
  }
  if (flex) w.empty_tagged_fields();
  return out;
}

class FakeLink final : public BrokerLink {
 public:
  FakeLink(std::int32_t id, std::string host, std::int16_t create_topics_max = 7)
      : id_(id), address_{std::move(host), 9092}, versions_(negotiated(create_topics_max)) {}

  struct MetadataSent {
    sluice::protocol::MetadataRequest request;
    sluice::net::ResponseHandler handler;
  };
  struct CreateSent {
    CreateTopicsRequest request;
    sluice::net::ResponseHandler handler;
  };
  std::vector<MetadataSent> metadata;
  std::vector<CreateSent> creates;
  LinkState state_now = LinkState::ready;

  void connect(ConnectHandler) override { FAIL("the admin connects through its host, never itself"); }
  void close(std::error_code) override { state_now = LinkState::closed; }
  void send_produce(const sluice::protocol::ProduceRequest&, bool, sluice::net::ResponseHandler) override {
    FAIL("no Produce from the admin");
  }
  void send_metadata(const sluice::protocol::MetadataRequest& request, sluice::net::ResponseHandler handler) override {
    metadata.push_back({request, std::move(handler)});
  }
  void send_init_producer_id(const sluice::protocol::InitProducerIdRequest&, sluice::net::ResponseHandler) override {
    FAIL("no InitProducerId from the admin");
  }
  void send_create_topics(const CreateTopicsRequest& request, sluice::net::ResponseHandler handler) override {
    creates.push_back({request, std::move(handler)});
  }
  LinkState state() const noexcept override { return state_now; }
  std::int32_t node_id() const noexcept override { return id_; }
  const sluice::net::BrokerAddress& address() const noexcept override { return address_; }
  const sluice::protocol::NegotiatedVersions& versions() const noexcept override { return versions_; }
  std::size_t in_flight() const noexcept override { return 0; }
  std::size_t unwritten() const noexcept override { return 0; }
  Clock::time_point last_used() const noexcept override { return {}; }
  const std::string& failure_detail() const noexcept override { return detail_; }

  // Answers the Metadata request `i` naming `controller` (-1: none).
  void answer_metadata(std::size_t i, std::int32_t controller) {
    REQUIRE(i < metadata.size());
    sluice::protocol::MetadataResponse m;
    m.brokers = {{1, "b1", 9092, std::nullopt}, {2, "b2", 9092, std::nullopt}};
    m.controller_id = controller;
    const Bytes body = sluice::fuzz::write_metadata_response(m, *versions_.version(ApiKey::Metadata));
    metadata[i].handler(sluice::net::RequestOutcome{{}, body, false});
  }
  void answer_create(std::size_t i, const CreateTopicsResponse& m) {
    REQUIRE(i < creates.size());
    const Bytes body = write_create_topics(m, *versions_.version(ApiKey::CreateTopics));
    creates[i].handler(sluice::net::RequestOutcome{{}, body, false});
  }
  void fail_create(std::size_t i, std::error_code ec) {
    REQUIRE(i < creates.size());
    creates[i].handler(sluice::net::RequestOutcome{ec, {}, true});
  }

 private:
  std::int32_t id_;
  sluice::net::BrokerAddress address_;
  sluice::protocol::NegotiatedVersions versions_;
  std::string detail_;
};

// One timer at a time is all the admin makes.
class FakeTimers final : public TimerFactory {
 public:
  std::optional<Clock::time_point> at;
  std::function<void()> fire;
  int made = 0;

  std::unique_ptr<EngineTimer> make_timer() override {
    ++made;
    return std::make_unique<Timer>(*this);
  }

 private:
  class Timer final : public EngineTimer {
   public:
    explicit Timer(FakeTimers& f) : f_(f) {}
    ~Timer() override { cancel(); }
    void arm(Clock::time_point when, std::function<void()> fire) override {
      f_.at = when;
      f_.fire = std::move(fire);
    }
    void cancel() override {
      f_.at.reset();
      f_.fire = nullptr;
    }

   private:
    FakeTimers& f_;
  };
};

class FakeHost final : public AdminHost {
 public:
  Clock::time_point now = t0;
  std::deque<std::function<void()>> posted;
  std::shared_ptr<BrokerLink> ready;                      // admin_ready_link()
  std::map<std::int32_t, std::shared_ptr<BrokerLink>> by_node;  // admin_link()
  std::vector<std::int32_t> asked_for;                    // admin_link() calls
  std::string last_failure;
  std::vector<std::pair<std::int32_t, std::int32_t>> throttled;
  int created = 0;
  bool stopping = false;

  Clock::time_point admin_now() override { return now; }
  void admin_post(std::function<void()> f) override { posted.push_back(std::move(f)); }
  std::shared_ptr<BrokerLink> admin_ready_link() override { return ready; }
  std::shared_ptr<BrokerLink> admin_link(std::int32_t node_id) override {
    asked_for.push_back(node_id);
    auto it = by_node.find(node_id);
    return it == by_node.end() ? nullptr : it->second;
  }
  std::string admin_last_failure() override { return last_failure; }
  void admin_throttled(std::int32_t node_id, std::int32_t throttle_ms) override {
    throttled.emplace_back(node_id, throttle_ms);
  }
  void admin_created_topics() override { ++created; }
  bool admin_stopping() override { return stopping; }

  void run_posted() {
    while (!posted.empty()) {
      auto f = std::move(posted.front());
      posted.pop_front();
      f();
    }
  }
};

AdminOptions admin_options() {
  AdminOptions o;
  o.retry_backoff = 100ms;
  o.request_timeout = 3s;
  o.connect_timeout = 10s;
  return o;
}

std::shared_ptr<AdminOp> make_op(std::vector<NewTopic> topics, std::chrono::milliseconds timeout,
                                 Clock::time_point now = t0) {
  auto op = std::make_shared<AdminOp>();
  op->topics = std::move(topics);
  for (const auto& t : op->topics) {
    CreateTopicResult r;
    r.name = t.name;
    r.num_partitions = t.num_partitions;
    r.replication_factor = t.replication_factor;
    op->results.push_back(r);
  }
  op->pending.assign(op->topics.size(), true);
  op->timeout = timeout;
  op->deadline = now + timeout;
  return op;
}

struct Rig {
  FakeHost host;
  FakeTimers timers;
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  TopicAdmin admin{host, timers, admin_options(), alive};
  std::shared_ptr<FakeLink> bootstrap = std::make_shared<FakeLink>(-1, "boot");
  std::shared_ptr<FakeLink> b1 = std::make_shared<FakeLink>(1, "b1");
  std::shared_ptr<FakeLink> b2 = std::make_shared<FakeLink>(2, "b2");

  Rig() {
    host.ready = bootstrap;
    host.by_node = {{1, b1}, {2, b2}};
  }
  // Starts `op` and answers its Metadata naming no controller, so that its
  // CreateTopics goes to the bootstrap broker; the future of op's results.
  std::future<std::vector<CreateTopicResult>> start_via_bootstrap(const std::shared_ptr<AdminOp>& op) {
    auto done = op->done.get_future();
    admin.start(op);
    bootstrap->answer_metadata(0, -1);
    host.run_posted();
    return done;
  }
  // Moves the clock to the armed timer's time and fires it.
  void fire_timer() {
    REQUIRE(timers.at);
    REQUIRE(timers.fire);
    host.now = std::max(host.now, *timers.at);
    auto f = std::move(timers.fire);
    timers.at.reset();
    f();
  }
};

bool ready(const std::future<std::vector<CreateTopicResult>>& f) {
  return f.wait_for(0s) == std::future_status::ready;
}

CreateTopicsResponse::Topic answered(const std::string& name, std::int16_t error = 0,
                                     std::optional<std::string> message = std::nullopt,
                                     std::int32_t partitions = -1) {
  CreateTopicsResponse::Topic t;
  t.name = name;
  t.error_code = error;
  t.error_message = std::move(message);
  t.num_partitions = partitions;
  t.replication_factor = partitions >= 0 ? 3 : -1;
  return t;
}

std::int16_t code(kafka_errc e) { return static_cast<std::int16_t>(e); }

}  // namespace

TEST_CASE("create_topics asks Metadata for the controller, sends CreateTopics there and reports the results") {
  Rig rig;
  auto op = make_op({NewTopic{"orders", 3, 2, {{"retention.ms", "60000"}}}, NewTopic{"audit"}}, 5s);
  auto done = op->done.get_future();
  rig.admin.start(op);
  REQUIRE(rig.bootstrap->metadata.size() == 1);
  const auto& asked = rig.bootstrap->metadata[0].request;
  CHECK(asked.topics.has_value());
  CHECK(asked.topics->empty());  // no topics: brokers and the controller only
  CHECK_FALSE(asked.allow_auto_topic_creation);
  CHECK(rig.timers.at == t0 + 5s);  // the deadline

  rig.host.now = t0 + 10ms;
  rig.bootstrap->answer_metadata(0, 2);
  CHECK(rig.b2->creates.empty());  // never from inside the answer's handler
  rig.host.run_posted();
  CHECK(rig.bootstrap->creates.empty());
  REQUIRE(rig.b2->creates.size() == 1);  // the controller
  const CreateTopicsRequest& req = rig.b2->creates[0].request;
  REQUIRE(req.topics.size() == 2);
  CHECK(req.topics[0].name == "orders");
  CHECK(req.topics[0].num_partitions == 3);
  CHECK(req.topics[0].replication_factor == 2);
  REQUIRE(req.topics[0].configs.size() == 1);
  CHECK(req.topics[0].configs[0].name == "retention.ms");
  CHECK(req.topics[1].name == "audit");
  CHECK(req.topics[1].num_partitions == -1);
  CHECK(req.timeout_ms == 3000);  // request.timeout.ms, under the 4990 ms left

  CreateTopicsResponse resp;
  resp.throttle_time_ms = 250;
  resp.topics = {answered("audit", 0, std::nullopt, 6), answered("orders", 0, std::nullopt, 3)};
  rig.b2->answer_create(0, resp);
  REQUIRE(ready(done));
  const auto results = done.get();
  REQUIRE(results.size() == 2);
  CHECK(results[0].name == "orders");
  CHECK_FALSE(results[0].error);
  CHECK(results[0].num_partitions == 3);
  CHECK(results[1].name == "audit");
  CHECK_FALSE(results[1].error);
  CHECK(results[1].num_partitions == 6);  // as the broker reports it
  CHECK(results[1].replication_factor == 3);
  CHECK(rig.host.throttled == std::vector<std::pair<std::int32_t, std::int32_t>>{{2, 250}});
  CHECK(rig.host.created == 0);  // told after the results, from the I/O thread's queue
  rig.host.run_posted();
  CHECK(rig.host.created == 1);
  // The deadline's wait may still fire (it is not cancelled): it does nothing.
  if (rig.timers.at) rig.fire_timer();
  CHECK(rig.bootstrap->metadata.size() == 1);
  CHECK(rig.b2->creates.size() == 1);
  CHECK(rig.host.posted.empty());
}

TEST_CASE("the CreateTopics timeout is what is left of the call's when that is below request.timeout.ms") {
  Rig rig;
  auto op = make_op({NewTopic{"t"}}, 2s);
  rig.admin.start(op);
  rig.host.now = t0 + 500ms;
  rig.bootstrap->answer_metadata(0, -1);  // no controller named: any broker
  rig.host.run_posted();
  REQUIRE(rig.bootstrap->creates.size() == 1);
  CHECK(rig.bootstrap->creates[0].request.timeout_ms == 1500);
  CHECK(rig.host.asked_for.empty());
}

TEST_CASE("a controller slow to connect is waited for a while, then any ready broker gets the request") {
  Rig rig;
  rig.b2->state_now = LinkState::connecting;
  auto op = make_op({NewTopic{"t"}}, 30s);
  auto done = op->done.get_future();
  rig.admin.start(op);
  rig.bootstrap->answer_metadata(0, 2);
  rig.host.run_posted();
  CHECK(rig.b2->creates.empty());
  CHECK(rig.bootstrap->creates.empty());
  REQUIRE(rig.timers.at);
  CHECK(*rig.timers.at == t0 + 20ms);  // polled
  while (rig.bootstrap->creates.empty() && rig.host.now < t0 + 5s) rig.fire_timer();
  REQUIRE(rig.bootstrap->creates.size() == 1);
  CHECK(rig.host.now == t0 + 2s);  // the controller's wait, no longer
  CHECK(rig.b2->creates.empty());

  SECTION("the controller ready in time gets it") {
    Rig r2;
    r2.b2->state_now = LinkState::connecting;
    auto op2 = make_op({NewTopic{"t"}}, 30s);
    r2.admin.start(op2);
    r2.bootstrap->answer_metadata(0, 2);
    r2.host.run_posted();
    r2.fire_timer();
    r2.b2->state_now = LinkState::ready;
    r2.fire_timer();
    CHECK(r2.b2->creates.size() == 1);
    CHECK(r2.bootstrap->creates.empty());
  }
}

TEST_CASE("without a ready link the op polls, and at the deadline fails with no_broker_available and the last failure") {
  Rig rig;
  rig.host.ready = nullptr;
  rig.host.last_failure = "boot:9092: connection refused";
  auto op = make_op({NewTopic{"a"}, NewTopic{"b", 4}}, 1s);
  auto done = op->done.get_future();
  rig.admin.start(op);
  CHECK(rig.timers.at == t0 + 20ms);
  rig.fire_timer();
  CHECK_FALSE(ready(done));
  rig.host.now = t0 + 1s;
  rig.fire_timer();
  REQUIRE(ready(done));
  const auto results = done.get();
  REQUIRE(results.size() == 2);
  for (const auto& r : results) {
    CHECK(r.error == sluice::errc::no_broker_available);
    CHECK_THAT(r.error_message, Contains("'" + r.name + "'") && Contains("no broker reachable within 1000 ms") &&
                                    Contains("last failure: boot:9092: connection refused") &&
                                    !Contains("may have been created"));
  }
  CHECK(results[1].num_partitions == 4);  // as asked
  rig.host.run_posted();
  CHECK(rig.host.created == 0);
}

TEST_CASE("a CreateTopics unanswered at the deadline fails with timed_out, the topic perhaps created, the late answer ignored") {
  Rig rig;
  auto op = make_op({NewTopic{"t"}}, 1s);
  auto done = rig.start_via_bootstrap(op);
  REQUIRE(rig.bootstrap->creates.size() == 1);
  CHECK(rig.timers.at == t0 + 1s);
  rig.fire_timer();
  REQUIRE(ready(done));
  const auto results = done.get();
  CHECK(results[0].error == sluice::errc::timed_out);
  CHECK_THAT(results[0].error_message,
             Contains("no answer from the broker within 1000 ms") && Contains("may have been created nevertheless"));
  CreateTopicsResponse resp;
  resp.topics = {answered("t")};
  rig.bootstrap->answer_create(0, resp);  // too late: nothing happens
  rig.host.run_posted();
  CHECK(rig.host.created == 0);
  CHECK(rig.host.throttled.empty());
}

TEST_CASE("NOT_CONTROLLER and retriable errors are retried after retry.backoff.ms with the controller asked again") {
  Rig rig;
  auto op = make_op({NewTopic{"moved"}, NewTopic{"exists"}, NewTopic{"slow"}}, 30s);
  auto done = op->done.get_future();
  rig.admin.start(op);
  rig.bootstrap->answer_metadata(0, 1);
  rig.host.run_posted();
  REQUIRE(rig.b1->creates.size() == 1);
  rig.host.now = t0 + 50ms;
  CreateTopicsResponse first;
  first.topics = {answered("moved", code(kafka_errc::not_controller)),
                  answered("exists", code(kafka_errc::topic_already_exists), "Topic 'exists' already exists."),
                  answered("slow", code(kafka_errc::request_timed_out))};
  rig.b1->answer_create(0, first);
  rig.host.run_posted();
  CHECK_FALSE(ready(done));
  CHECK(rig.bootstrap->metadata.size() == 1);  // not before the backoff
  CHECK(rig.timers.at == t0 + 150ms);
  rig.fire_timer();
  REQUIRE(rig.bootstrap->metadata.size() == 2);  // the controller may have moved
  rig.bootstrap->answer_metadata(1, 2);
  rig.host.run_posted();
  REQUIRE(rig.b2->creates.size() == 1);
  const auto& again = rig.b2->creates[0].request;
  REQUIRE(again.topics.size() == 2);  // the final answer is not asked again
  CHECK(again.topics[0].name == "moved");
  CHECK(again.topics[1].name == "slow");
  CreateTopicsResponse second;
  second.topics = {answered("slow", 0, std::nullopt, 1), answered("moved", 0, std::nullopt, 1)};
  rig.b2->answer_create(0, second);
  REQUIRE(ready(done));
  const auto results = done.get();
  CHECK_FALSE(results[0].error);
  CHECK(results[1].already_exists());
  CHECK_THAT(results[1].error_message, Contains("topic 'exists'") && Contains("broker 1 at b1:9092") &&
                                           Contains("TOPIC_ALREADY_EXISTS") &&
                                           Contains("Topic 'exists' already exists."));
  CHECK_FALSE(results[2].error);
  rig.host.run_posted();
  CHECK(rig.host.created == 1);
}

TEST_CASE("a retriable error still there at the deadline is reported with the broker's last answer") {
  Rig rig;
  auto op = make_op({NewTopic{"t"}}, 1s);
  auto done = rig.start_via_bootstrap(op);
  for (std::size_t i = 0; !ready(done) && i < 100; ++i) {
    if (rig.bootstrap->creates.size() > i) {
      CreateTopicsResponse resp;
      resp.topics = {answered("t", code(kafka_errc::not_controller))};
      rig.bootstrap->answer_create(i, resp);
      rig.host.run_posted();
    }
    if (rig.bootstrap->metadata.size() > rig.bootstrap->creates.size()) {
      rig.bootstrap->answer_metadata(rig.bootstrap->metadata.size() - 1, -1);
      rig.host.run_posted();
      continue;
    }
    rig.fire_timer();
  }
  REQUIRE(ready(done));
  const auto results = done.get();
  CHECK(results[0].error == sluice::errc::timed_out);
  CHECK_THAT(results[0].error_message, Contains("last failure") && Contains("NOT_CONTROLLER"));
  CHECK(rig.host.now == t0 + 1s);
}

TEST_CASE("a broken connection retries, a malformed answer or one without the topic fails it with protocol_error") {
  Rig rig;
  auto op = make_op({NewTopic{"a"}, NewTopic{"b"}}, 30s);
  auto done = rig.start_via_bootstrap(op);
  REQUIRE(rig.bootstrap->creates.size() == 1);
  rig.bootstrap->fail_create(0, sluice::net::net_errc::connection_closed);
  rig.host.run_posted();
  CHECK_FALSE(ready(done));
  rig.fire_timer();  // after the backoff: Metadata, then CreateTopics again
  REQUIRE(rig.bootstrap->metadata.size() == 2);
  rig.bootstrap->answer_metadata(1, -1);
  rig.host.run_posted();
  REQUIRE(rig.bootstrap->creates.size() == 2);
  SECTION("an answer without one of the topics") {
    CreateTopicsResponse resp;
    resp.topics = {answered("b")};
    rig.bootstrap->answer_create(1, resp);
    REQUIRE(ready(done));
    const auto results = done.get();
    CHECK(results[0].error == sluice::net::net_errc::protocol_error);
    CHECK_THAT(results[0].error_message, Contains("without this topic"));
    CHECK_FALSE(results[1].error);
  }
  SECTION("a malformed answer") {
    const Bytes junk{0, 0};
    rig.bootstrap->creates[1].handler(sluice::net::RequestOutcome{{}, junk, false});
    REQUIRE(ready(done));
    const auto results = done.get();
    for (const auto& r : results) {
      CHECK(r.error == sluice::net::net_errc::protocol_error);
      CHECK_THAT(r.error_message, Contains("malformed CreateTopics"));
    }
  }
}

TEST_CASE("a broker without a common CreateTopics version fails every topic with unsupported_version") {
  Rig rig;
  rig.host.ready = std::make_shared<FakeLink>(-1, "old", /*create_topics_max=*/1);
  auto op = make_op({NewTopic{"t"}}, 5s);
  auto done = op->done.get_future();
  rig.admin.start(op);
  auto* old = static_cast<FakeLink*>(rig.host.ready.get());
  old->answer_metadata(0, -1);
  rig.host.run_posted();
  REQUIRE(ready(done));
  const auto results = done.get();
  CHECK(results[0].error ==
        sluice::protocol::kafka_error(code(kafka_errc::unsupported_version)));
  CHECK_THAT(results[0].error_message, Contains("bootstrap broker old:9092") && Contains("CreateTopics"));
  CHECK(old->creates.empty());
}

TEST_CASE("nothing moves while the host is stopping or once the driver is gone") {
  SECTION("stopping") {
    Rig rig;
    rig.host.stopping = true;
    auto op = make_op({NewTopic{"t"}}, 5s);
    rig.admin.start(op);
    CHECK(rig.bootstrap->metadata.empty());
    CHECK_FALSE(rig.timers.at);
  }
  SECTION("the timer fires after the driver went") {
    Rig rig;
    rig.host.ready = nullptr;
    auto op = make_op({NewTopic{"t"}}, 5s);
    rig.admin.start(op);
    REQUIRE(rig.timers.at);
    rig.host.ready = rig.bootstrap;
    rig.alive.reset();
    rig.fire_timer();
    CHECK(rig.bootstrap->metadata.empty());
  }
}

TEST_CASE("at the deadline, only a CreateTopics that went out may have created the topic") {
  SECTION("only Metadata went out: the topic was not created") {
    Rig rig;
    auto op = make_op({NewTopic{"t"}}, 1s);
    auto done = op->done.get_future();
    rig.admin.start(op);
    REQUIRE(rig.bootstrap->metadata.size() == 1);  // never answered
    rig.fire_timer();
    REQUIRE(ready(done));
    const auto results = done.get();
    CHECK(results[0].error == sluice::errc::timed_out);  // a broker was reached
    CHECK_THAT(results[0].error_message, !Contains("may have been created"));
    CHECK(rig.bootstrap->creates.empty());
  }
  SECTION("a CreateTopics whose connection broke, then no broker reachable again: it may have been created") {
    Rig rig;
    auto op = make_op({NewTopic{"t"}}, 1s);
    auto done = rig.start_via_bootstrap(op);
    REQUIRE(rig.bootstrap->creates.size() == 1);
    rig.bootstrap->fail_create(0, sluice::net::net_errc::connection_closed);  // maybe delivered
    rig.host.ready = nullptr;
    rig.host.run_posted();
    while (!ready(done)) rig.fire_timer();
    const auto results = done.get();
    CHECK(results[0].error == sluice::errc::timed_out);
    CHECK_THAT(results[0].error_message, Contains("may have been created nevertheless"));
  }
}
