// sluice/bulk.hpp without a broker: a producer bootstrapped at an
// unreachable address fails every record (after max.block.ms without
// metadata), or refuses it at once when closed or too large, so the
// summary's counts, first errors, waiting and on_done can all be checked.
#include "sluice/bulk.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Every record fails about 200 ms after it is sent (no_broker_available).
sluice::Config failing_fast() {
  return sluice::Config::from_map({{"bootstrap.servers", "127.0.0.1:1"},
                                   {"max.block.ms", "200"},
                                   {"linger.ms", "0"},
                                   {"request.timeout.ms", "100"},
                                   {"delivery.timeout.ms", "300"},
                                   {"max.request.size", "2000"}});
}

// Records wait for metadata for a minute: nothing reports on its own
// within any test, so a short wait certainly times out.
sluice::Config failing_never() {
  return sluice::Config::from_map({{"bootstrap.servers", "127.0.0.1:1"}, {"max.block.ms", "60000"}});
}

sluice::Record record_of(int i) {
  sluice::Record r;
  r.topic = "bulk-unit";
  r.key = std::to_string(i);
  r.value = "value-" + std::to_string(i);
  return r;
}

void check_invariant(const sluice::BulkSummary& s) {
  CHECK(s.records == s.acknowledged + s.failed + s.outcome_unknown + s.pending);
  for (std::size_t i = 1; i < s.errors.size(); ++i) CHECK(s.errors[i - 1].index < s.errors[i].index);
}

// An input range that can be read only once (std::istream_iterator):
// bulk_send() must not need to copy or re-read it.
struct SinglePass {
  std::istringstream in;
  std::istream_iterator<int> begin() { return std::istream_iterator<int>(in); }
  std::istream_iterator<int> end() { return {}; }
};

// Elements that cannot be copied: the dataset is read in place.
struct Row {
  explicit Row(int i) : id(std::make_unique<int>(i)) {}
  std::unique_ptr<int> id;
};

}  // namespace

static_assert(std::ranges::input_range<SinglePass&>);

TEST_CASE("bulk waits for every failure and keeps the lowest indices") {
  sluice::Producer producer(failing_fast());
  std::vector<int> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(i);
  sluice::BulkOptions options;
  options.max_errors = 4;
  const auto s = sluice::bulk_send(producer, ids, record_of, options);
  check_invariant(s);
  CHECK(s.records == 50);
  CHECK(s.sent == 50);
  CHECK(s.acknowledged == 0);
  CHECK(s.failed == 50);
  CHECK(s.outcome_unknown == 0);
  CHECK(s.pending == 0);
  CHECK_FALSE(s.timed_out);
  CHECK_FALSE(s.wait_refused);
  CHECK_FALSE(s.all_acknowledged());
  CHECK(s.elapsed >= 150ms);  // the reports came from max.block.ms (200 ms) later, not from send()
  REQUIRE(s.errors.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(s.errors[i].message);
    CHECK(s.errors[i].index == i);
    CHECK(s.errors[i].error == sluice::errc::no_broker_available);
    CHECK(s.errors[i].message.find("bulk-unit") != std::string::npos);
    CHECK_FALSE(s.errors[i].outcome_unknown);
  }
}

TEST_CASE("records refused at once by send count as failed") {
  sluice::Producer producer(failing_fast());
  // Every 10th record is over max.request.size (2000): refused inside send().
  std::vector<int> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(i);
  sluice::BulkOptions options;
  options.max_errors = 100;
  const auto s = sluice::bulk_send(
      producer, ids,
      [](int i) {
        sluice::Record r = record_of(i);
        if (i % 10 == 3) r.value = std::string(5000, 'x');
        return r;
      },
      options);
  check_invariant(s);
  CHECK(s.records == 30);
  CHECK(s.sent == 30);
  CHECK(s.failed == 30);
  REQUIRE(s.errors.size() == 30);
  for (const auto& e : s.errors) {
    INFO(e.index << ": " << e.message);
    CHECK(e.error == (e.index % 10 == 3 ? sluice::make_error_code(sluice::errc::record_too_large)
                                        : sluice::make_error_code(sluice::errc::no_broker_available)));
  }

  // A closed producer refuses everything at once: no waiting at all.
  producer.close(0ms);
  const auto closed = sluice::bulk_send(producer, ids, record_of);
  check_invariant(closed);
  CHECK(closed.failed == 30);
  CHECK(closed.pending == 0);
  REQUIRE(closed.errors.size() == 10);  // the default max_errors
  CHECK(closed.errors.front().index == 0);
  CHECK(closed.errors.back().index == 9);
  CHECK(closed.errors.front().error == sluice::errc::closed);
}

TEST_CASE("a record that cannot be made fails without being sent") {
  sluice::Producer producer(failing_fast());
  producer.close(0ms);  // what is sent is refused at once (errc::closed)
  struct Picky {
    std::string serialize(std::int64_t v) const {
      if (v == 4) throw std::runtime_error("four is not allowed");
      return sluice::Serializer<std::int64_t>::serialize(v);
    }
  };
  std::vector<std::int64_t> ids{0, 1, 2, 3, 4, 5, 6};
  const auto s = sluice::bulk_send(producer, ids, [](std::int64_t i) -> sluice::Record {
    if (i == 2) throw std::logic_error("no record for two");
    return sluice::to_record(sluice::TypedRecord<std::int64_t, std::string>{"typed", {}, i, "v", {}, {}}, Picky{});
  });
  check_invariant(s);
  CHECK(s.records == 7);
  CHECK(s.sent == 5);
  CHECK(s.failed == 7);
  REQUIRE(s.errors.size() == 7);
  CHECK(s.errors[2].error == sluice::serialization_error_code());
  CHECK(s.errors[2].message.find("element 2 threw: no record for two") != std::string::npos);
  CHECK(s.errors[4].error == sluice::serialization_error_code());
  CHECK(s.errors[4].message.find("topic 'typed'") != std::string::npos);
  CHECK(s.errors[4].message.find("four is not allowed") != std::string::npos);
  CHECK(s.errors[5].error == sluice::errc::closed);
}

TEST_CASE("typed records single-pass and move-only ranges") {
  sluice::Producer producer(failing_fast());
  producer.close(0ms);
  SinglePass input{std::istringstream("5 6 7 8")};
  const auto s = sluice::bulk_send(producer, input, [&](int i) {
    return sluice::TypedRecord<std::int32_t, std::string>{"t" + std::to_string(i), {}, i, "v", {}, {}};
  });
  CHECK(s.records == 4);
  CHECK(s.failed == 4);
  REQUIRE(s.errors.size() == 4);
  CHECK(s.errors[3].message.find("'t8'") != std::string::npos);  // element 3 is the 8

  std::vector<Row> rows;
  for (int i = 0; i < 3; ++i) rows.emplace_back(i);
  const auto m = sluice::bulk_send(producer, rows, [](const Row& row) { return record_of(*row.id); });
  CHECK(m.records == 3);
  CHECK(m.failed == 3);
}

TEST_CASE("not waiting returns at once and on_done tells the end") {
  // Declared before the producer: its callbacks may use them until it is gone.
  std::promise<sluice::BulkSummary> done;
  int done_calls = 0;
  sluice::Producer producer(failing_never());
  sluice::BulkOptions options;
  options.wait = false;
  options.on_done = [&](const sluice::BulkSummary& s) {
    ++done_calls;  // at most once: a second set_value would throw (and be dropped)
    done.set_value(s);
  };
  std::vector<int> ids{0, 1, 2, 3, 4};
  const auto s = sluice::bulk_send(producer, ids, record_of, options);
  // Nothing can have failed yet: the records wait a minute for metadata.
  CHECK(s.records == 5);
  CHECK(s.sent == 5);
  CHECK(s.pending == 5);
  CHECK_FALSE(s.timed_out);
  CHECK_FALSE(s.wait_refused);

  REQUIRE(producer.purge() == 5);
  auto future = done.get_future();
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  const auto final_summary = future.get();
  check_invariant(final_summary);
  CHECK(done_calls == 1);
  CHECK(final_summary.pending == 0);
  CHECK(final_summary.failed == 5);
  CHECK(final_summary.errors.front().error == sluice::errc::purged);
}

TEST_CASE("the wait ends at the timeout") {
  sluice::Producer producer(failing_never());
  std::vector<int> ids{0, 1, 2};
  sluice::BulkOptions options;
  options.timeout = 50ms;
  const auto s = sluice::bulk_send(producer, ids, record_of, options);
  check_invariant(s);
  CHECK(s.timed_out);
  CHECK(s.pending == 3);
  CHECK(s.elapsed >= 50ms);
  CHECK(producer.purge() == 3);
}

TEST_CASE("a timeout of milliseconds::max() waits for every report") {
  sluice::Producer producer(failing_fast());  // each record fails after max.block.ms (200 ms)
  std::vector<int> ids{0, 1, 2};
  sluice::BulkOptions options;
  options.timeout = std::chrono::milliseconds::max();
  const auto s = sluice::bulk_send(producer, ids, record_of, options);
  check_invariant(s);
  CHECK_FALSE(s.timed_out);
  CHECK(s.pending == 0);
  CHECK(s.failed == 3);
  CHECK(s.elapsed >= 150ms);
}

TEST_CASE("from a delivery callback it sends but refuses to wait") {
  std::promise<sluice::BulkSummary> inner_done;
  std::promise<sluice::BulkSummary> returned;
  sluice::Producer producer(failing_fast());
  producer.send(record_of(-1), [&](const sluice::DeliveryReport&) {
    // The I/O thread, ~200 ms after the send: waiting here would deadlock.
    sluice::BulkOptions options;  // wait = true, no timeout
    options.on_done = [&](const sluice::BulkSummary& s) { inner_done.set_value(s); };
    std::vector<int> ids{0, 1, 2, 3};
    returned.set_value(sluice::bulk_send(producer, ids, record_of, options));
  });
  auto r = returned.get_future();
  REQUIRE(r.wait_for(30s) == std::future_status::ready);
  const auto s = r.get();
  CHECK(s.wait_refused);
  CHECK_FALSE(s.timed_out);
  CHECK(s.records == 4);
  CHECK(s.pending == 4);  // sent, not reported: the I/O thread was busy running this callback

  auto d = inner_done.get_future();
  REQUIRE(d.wait_for(30s) == std::future_status::ready);
  const auto final_summary = d.get();
  CHECK(final_summary.failed == 4);
  CHECK(final_summary.pending == 0);
}
