// Producer without a reachable broker: what does not need one (options,
// the application's io_context, logging, statistics, close). The broker
// side is in test/integration.
#include "sluice/producer.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

using namespace std::chrono_literals;

namespace {

sluice::Config unreachable(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> p = {{"bootstrap.servers", "127.0.0.1:1"},
                                          {"max.block.ms", "300"},
                                          {"request.timeout.ms", "200"},
                                          {"delivery.timeout.ms", "1000"},
                                          {"reconnect.backoff.ms", "20"}};
  for (auto& [k, v] : extra) p[k] = v;
  return sluice::Config::from_map(p);
}

sluice::Record record(std::string topic = "t") {
  sluice::Record r;
  r.topic = std::move(topic);
  r.value = "v";
  return r;
}

}  // namespace

TEST_CASE("on the application's io_context, callbacks run on the thread running it") {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  const auto runner_id = runner.get_id();
  std::mutex mu;
  std::vector<std::thread::id> callback_threads;
  std::vector<std::error_code> errors;
  {
    sluice::ProducerOptions options;
    options.io_context = &io;
    sluice::Producer producer(unreachable(), options);
    for (int i = 0; i < 3; ++i) {
      producer.send(record(), [&](const sluice::DeliveryReport& r) {
        std::lock_guard lock(mu);
        callback_threads.push_back(std::this_thread::get_id());
        errors.push_back(r.error);
      });
    }
    producer.close(0ms);
  }
  work.reset();
  runner.join();
  REQUIRE(callback_threads.size() == 3);
  for (auto id : callback_threads) CHECK(id == runner_id);
  for (auto e : errors) CHECK(e);
}

TEST_CASE("the log sink hears about connection failures and configuration notices, never payloads") {
  std::mutex mu;
  std::vector<std::pair<sluice::LogLevel, std::string>> lines;
  sluice::ProducerOptions options;
  options.log_level = sluice::LogLevel::debug;
  options.log_sink = [&](sluice::LogLevel level, std::string_view message) {
    std::lock_guard lock(mu);
    lines.emplace_back(level, std::string(message));
  };
  {
    sluice::Producer producer(unreachable({{"acks", "1"}}), options);
    auto r = record();
    r.value = "SECRET-PAYLOAD";
    producer.send(std::move(r), nullptr);
    producer.flush(2s);
  }
  std::lock_guard lock(mu);
  bool notice = false, connect = false;
  for (const auto& [level, text] : lines) {
    notice |= level == sluice::LogLevel::notice && text.find("idempotence turned off") != std::string::npos &&
              text.find("acks=1") != std::string::npos;
    connect |= text.find("127.0.0.1:1") != std::string::npos && text.find("cannot connect") != std::string::npos;
    CHECK(text.find("SECRET-PAYLOAD") == std::string::npos);
  }
  CHECK(notice);
  CHECK(connect);
}

TEST_CASE("no sink, no logging: the default is quiet and a level filter applies") {
  std::mutex mu;
  std::vector<std::pair<sluice::LogLevel, std::string>> lines;
  sluice::ProducerOptions options;
  options.log_level = sluice::LogLevel::error;
  options.log_sink = [&](sluice::LogLevel level, std::string_view text) {
    std::lock_guard lock(mu);
    lines.emplace_back(level, std::string(text));
  };
  {
    sluice::Producer producer(unreachable({{"acks", "1"}}), options);
    producer.send(record(), nullptr);
    producer.flush(1s);
  }
  // The idempotence notice and each refused connection (info) are below
  // `error`; what passes is the client-wide "all brokers down" (an error, as
  // librdkafka logs it when no error callback is set).
  std::lock_guard lock(mu);
  for (const auto& [level, text] : lines) {
    INFO(text);
    CHECK(level == sluice::LogLevel::error);
    CHECK(text.starts_with("all brokers down: "));
  }
}

TEST_CASE("statistics_json is valid JSON, on demand and periodically") {
  std::mutex mu;
  std::vector<std::string> periodic;
  sluice::ProducerOptions options;
  options.statistics_callback = [&](const std::string& json) {
    std::lock_guard lock(mu);
    periodic.push_back(json);
  };
  sluice::Producer producer(unreachable({{"statistics.interval.ms", "50"}}), options);
  producer.send(record(), nullptr);
  auto v = boost::json::parse(producer.statistics_json());
  CHECK(v.at("sluice").at("buffer").at("limit_bytes").to_number<std::int64_t>() == 33554432);
  producer.flush(2s);  // the record fails (no broker) within max.block.ms
  v = boost::json::parse(producer.statistics_json());
  CHECK(v.at("sluice").at("records").at("failed").to_number<int>() == 1);
  CHECK(v.at("sluice").at("records").at("outstanding").to_number<int>() == 0);
  CHECK(v.at("msg_cnt").to_number<int>() == 0);
  CHECK(v.at("msg_size_max").to_number<std::int64_t>() == 33554432);
  CHECK(v.at("type").as_string() == "producer");
  producer.close(0ms);
  std::lock_guard lock(mu);
  REQUIRE_FALSE(periodic.empty());  // 50 ms period, the flush alone took 300 ms
  CHECK(boost::json::parse(periodic.front()).at("client_id").as_string() == "sluice");
  CHECK_NOTHROW(boost::json::parse(producer.statistics_json()));  // after close too
}

TEST_CASE("close from two threads at once reports each record once") {
  std::atomic<int> reports{0};
  sluice::Producer producer(unreachable({{"max.block.ms", "5000"}, {"delivery.timeout.ms", "10000"}}));
  for (int i = 0; i < 50; ++i) producer.send(record(), [&](const sluice::DeliveryReport&) { ++reports; });
  std::thread a([&] { producer.close(0ms); });
  std::thread b([&] { producer.close(0ms); });
  a.join();
  b.join();
  CHECK(reports == 50);
  sluice::DeliveryReport after;
  producer.send(record(), [&](const sluice::DeliveryReport& r) { after = r; });
  CHECK(after.error == sluice::errc::closed);
}

namespace {

// Sends n records that fail together at max.block.ms; the first callback
// destroys the producer. Returns how often each record's callback ran.
std::map<int, int> destroy_in_first_callback(sluice::ProducerOptions options = {}) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, int> calls;
  auto producer = std::make_unique<sluice::Producer>(unreachable(), std::move(options));
  const int n = 50;
  for (int i = 0; i < n; ++i) {
    producer->send(record(i % 2 == 0 ? "t" : "u"), [&, i](const sluice::DeliveryReport& r) {
      CHECK_FALSE(r);
      bool first = false;
      {
        std::lock_guard lock(mu);
        first = calls.empty();
        ++calls[i];
      }
      if (first) producer.reset();  // from inside the callback
      std::lock_guard lock(mu);
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  CHECK(cv.wait_for(lock, 20s, [&] { return calls.size() == static_cast<std::size_t>(n); }));
  CHECK(producer == nullptr);
  return calls;
}

}  // namespace

TEST_CASE("a producer destroyed inside its own delivery callback reports every other record once") {
  // Each record's callback must still run exactly once, and nothing may
  // touch the destroyed producer afterwards (the ASan and TSan builds catch
  // that); before the fix this aborted (a joinable std::thread destroyed).
  SECTION("callbacks on the producer's callback thread") {
    for (const auto& [i, count] : destroy_in_first_callback()) CHECK(count == 1);
  }
  SECTION("callbacks on the application's io_context") {
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    sluice::ProducerOptions options;
    options.io_context = &io;
    for (const auto& [i, count] : destroy_in_first_callback(options)) CHECK(count == 1);
    work.reset();
    runner.join();  // returns only if the engine's last handler ran and nothing else is left
  }
}

TEST_CASE("send_ref refuses what send refuses, at once and naming the topic") {
  sluice::Producer producer(unreachable({{"max.request.size", "2000"}}));
  std::vector<sluice::DeliveryReport> reports;
  auto keep = [&reports](const sluice::DeliveryReport& r) { reports.push_back(r); };
  producer.send_ref(sluice::RecordRef{"", std::nullopt, std::nullopt, "v"}, keep);
  const std::string big(5000, 'x');
  producer.send_ref(sluice::RecordRef{"too-big", std::nullopt, std::nullopt, big}, keep);
  producer.close(0ms);
  producer.send_ref(sluice::RecordRef{"after-close", std::nullopt, std::nullopt, "v"}, keep);
  // Each report came on this thread before send_ref returned.
  REQUIRE(reports.size() == 3);
  CHECK(reports[0].error == sluice::errc::unknown_topic);
  CHECK(reports[1].error == sluice::errc::record_too_large);
  CHECK(reports[1].topic == "too-big");
  CHECK(reports[1].error_message.find("'too-big'") != std::string::npos);
  CHECK(reports[2].error == sluice::errc::closed);
  CHECK(reports[2].topic == "after-close");
  CHECK_FALSE(reports[2].outcome_unknown);
}

TEST_CASE("send_ref in sync mode waits for the record like send") {
  sluice::Producer producer(unreachable({{"producer.type", "sync"}}));
  std::string value = "v";
  std::optional<sluice::DeliveryReport> report;
  producer.send_ref(sluice::RecordRef{"t", std::nullopt, std::nullopt, value},
                    [&report](const sluice::DeliveryReport& r) { report = r; });
  // No broker: the report says so, after max.block.ms, before send_ref returned.
  REQUIRE(report.has_value());
  CHECK(report->error);
  CHECK(report->topic == "t");
}

// Defect 5: steady_clock::now() + milliseconds::max() overflowed into the
// past, so "wait as long as it takes" returned at once (flush with the
// record outstanding; close then failed it with errc::closed).
TEST_CASE("flush(milliseconds::max()) waits for the report instead of returning at once") {
  sluice::Producer producer(unreachable());  // the record fails after max.block.ms (300 ms): no metadata
  std::atomic<bool> reported{false};
  producer.send(record(), [&](const sluice::DeliveryReport&) { reported = true; });
  const auto start = std::chrono::steady_clock::now();
  CHECK(producer.flush(std::chrono::milliseconds::max()) == 0);
  CHECK(reported);
  CHECK(std::chrono::steady_clock::now() - start >= 250ms);
}

TEST_CASE("close(milliseconds::max()) waits for the report instead of failing the record with closed") {
  sluice::Producer producer(unreachable());
  std::promise<sluice::DeliveryReport> report;
  producer.send(record(), [&](const sluice::DeliveryReport& r) { report.set_value(r); });
  producer.close(std::chrono::milliseconds::max());
  auto f = report.get_future();
  REQUIRE(f.wait_for(0s) == std::future_status::ready);  // close() returns after every report
  const auto r = f.get();
  INFO(r.error_message);
  CHECK(r.error == sluice::errc::no_broker_available);
}
