// to_json: the statistics object's fields, parsed back with Boost.JSON.
#include "producer_statistics.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace sluice::detail;
namespace json = boost::json;

TEST_CASE("statistics JSON carries counters, averages, buffer use and brokers") {
  StatisticsSnapshot s;
  s.client_id = "c1";
  s.batch_size = 1000;
  s.buffer_bytes = 300;
  s.buffer_limit = 4096;
  s.counters.records_sent = 30;
  s.counters.records_acked = 25;
  s.counters.records_failed = 2;
  s.counters.records_retried = 10;
  s.counters.batches_sent = 3;
  s.counters.batch_fill_sum = 1500;
  s.counters.record_request(std::chrono::microseconds(100));
  s.counters.record_request(std::chrono::microseconds(300));
  s.brokers[2] = BrokerStatistics{2, "127.0.0.1:9092", 4, true};
  const json::value v = json::parse(to_json(s));
  CHECK(v.at("client_id").as_string() == "c1");
  CHECK(v.at("records").at("sent").to_number<int>() == 30);
  CHECK(v.at("records").at("acknowledged").to_number<int>() == 25);
  CHECK(v.at("records").at("failed").to_number<int>() == 2);
  CHECK(v.at("records").at("retried").to_number<int>() == 10);
  CHECK(v.at("batches").at("average_records").to_number<double>() == Approx(10.0));
  CHECK(v.at("batches").at("average_bytes").to_number<double>() == Approx(500.0));
  CHECK(v.at("batches").at("average_fill").to_number<double>() == Approx(0.5));
  CHECK(v.at("requests").at("latency_avg_us").to_number<double>() == Approx(200.0));
  CHECK(v.at("requests").at("latency_max_us").to_number<int>() == 300);
  CHECK(v.at("buffer").at("bytes").to_number<int>() == 300);
  CHECK(v.at("brokers").at("2").at("requests_in_flight").to_number<int>() == 4);
  CHECK(v.at("brokers").at("2").at("address").as_string() == "127.0.0.1:9092");
}

TEST_CASE("statistics JSON of a fresh producer has zero averages, not NaN") {
  StatisticsSnapshot s;
  const json::value v = json::parse(to_json(s));
  CHECK(v.at("batches").at("average_fill").to_number<double>() == 0.0);
  CHECK(v.at("requests").at("latency_avg_us").to_number<double>() == 0.0);
}
