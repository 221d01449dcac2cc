// RecordAccumulator as senders use it: what an append reports (a batch
// opened, full, ready), appends refused once closed, the enqueue time
// asked for only when a batch opens, and application threads appending
// while the I/O thread drains, every record in exactly one batch in each
// sender's order (run under ThreadSanitizer in CI).
#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "record_accumulator.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

using namespace sluice::detail;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0{};

AccumulatorOptions options(std::size_t batch_size, std::int32_t count) {
  AccumulatorOptions o;
  o.batch_size = batch_size;
  o.batch_num_messages = count;
  o.linger = 100ms;
  o.max_request_size = 1 << 20;
  o.delivery_timeout = 10s;
  return o;
}

RecordAccumulator::Appended put(RecordAccumulator& acc, RecordAccumulator::Lane& lane, const std::string& value,
                                sluice::DeliveryCallback cb = nullptr, bool urgent = false) {
  return acc.append(lane, 0, std::nullopt, sluice::protocol::as_bytes(value), {}, std::move(cb), value.size(), t0,
                    urgent, 0);
}

}  // namespace

TEST_CASE("an append says whether it opened a batch and whether a batch is ready") {
  RecordAccumulator acc(options(1 << 20, 3));
  auto& lane = acc.lane({"t", 0});
  auto a = put(acc, lane, "a");
  CHECK(a.appended);
  CHECK(a.opened_batch);
  CHECK_FALSE(a.batch_full);
  CHECK_FALSE(a.ready);
  a = put(acc, lane, "b");
  CHECK_FALSE(a.opened_batch);
  CHECK_FALSE(a.ready);
  a = put(acc, lane, "c");  // batch.num.messages reached
  CHECK(a.batch_full);
  CHECK(a.ready);
  a = put(acc, lane, "d");  // a new batch; the full one stays ready
  CHECK(a.opened_batch);
  CHECK_FALSE(a.batch_full);
  CHECK(a.ready);
  a = put(acc, lane, "e", nullptr, true);  // a sync send is ready at once
  CHECK(a.ready);
  CHECK_FALSE(a.batch_full);
}

TEST_CASE("once appends are closed an append is refused and keeps its callback") {
  RecordAccumulator acc(options(1 << 20, 100));
  auto& lane = acc.lane({"t", 0});
  put(acc, lane, "queued");
  acc.close_appends();
  bool called = false;
  sluice::DeliveryCallback cb = [&called](const sluice::DeliveryReport&) { called = true; };
  const auto a = acc.append(lane, 0, std::nullopt, sluice::protocol::as_bytes(std::string("late")), {}, std::move(cb),
                            4, t0, false, 0);
  CHECK_FALSE(a.appended);
  REQUIRE(cb);  // not moved from: the sender reports the record itself
  cb(sluice::DeliveryReport{});
  CHECK(called);
  const auto all = acc.take_all();
  REQUIRE(all.size() == 1);
  CHECK(all[0]->record_count() == 1);
}

TEST_CASE("the enqueue time is asked for only when a batch opens") {
  RecordAccumulator acc(options(1 << 20, 2));
  auto& lane = acc.lane({"t", 0});
  int asked = 0;
  auto now = [&asked] {
    ++asked;
    return t0 + 5ms;
  };
  const std::string v = "v";
  for (int i = 0; i < 5; ++i) {
    acc.append(lane, 0, std::nullopt, sluice::protocol::as_bytes(v), {}, nullptr, 1, now, false, 0);
  }
  CHECK(asked == 3);  // batches of 2, 2 and 1
  CHECK(acc.head({"t", 0})->created == t0 + 5ms);
}

TEST_CASE("senders append while the I/O thread drains: every record in one batch, in each sender's order") {
  constexpr int kSenders = 3;
  constexpr int kPerSender = 3000;
  constexpr int kPartitions = 2;
  RecordAccumulator acc(options(200, 7));
  std::vector<RecordAccumulator::Lane*> lanes;
  for (int p = 0; p < kPartitions; ++p) lanes.push_back(&acc.lane({"t", p}));
  std::atomic<int> done{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerSender; ++i) {
        // Each record's value is "sender:index"; partitions alternate.
        const std::string v = std::to_string(s) + ":" + std::to_string(i);
        acc.append(*lanes[static_cast<std::size_t>(i % kPartitions)], 0, std::nullopt, sluice::protocol::as_bytes(v),
                   {}, nullptr, v.size(), [] { return t0; }, false, 0);
      }
      ++done;
    });
  }
  // The I/O thread: takes whatever is ready (flushing: everything queued),
  // as a pass does, until the senders are done and nothing is left.
  std::vector<std::unique_ptr<ProducerBatch>> taken;
  std::vector<std::size_t> taken_bytes;  // each batch's size when taken
  for (;;) {
    const bool senders_done = done.load() == kSenders;
    for (const auto& tp : acc.ready(t0, true)) {
      auto b = acc.take_head_within(tp, SIZE_MAX);  // measured and taken under one lock
      if (!b) continue;
      taken_bytes.push_back(b->builder.size_in_bytes());
      acc.returned(tp);
      taken.push_back(std::move(b));
    }
    if (senders_done && acc.empty()) break;
  }
  for (auto& t : senders) t.join();
  for (std::size_t i = 0; i < taken.size(); ++i) {
    CHECK(taken[i]->builder.size_in_bytes() == taken_bytes[i]);  // sealed when taken: no append after
  }
  // Decode each batch's values back (the builder's records, in order).
  std::map<std::pair<int, int>, std::vector<int>> seen;  // (partition, sender) -> indices in log order
  std::size_t records = 0;
  for (const auto& b : taken) {
    const auto batch = sluice::protocol::decode_record_batch(b->builder.finish());
    REQUIRE(batch.ok());
    REQUIRE(batch.value().records.size() == b->callbacks.size());
    for (const auto& r : batch.value().records) {
      const std::string value(r.value->begin(), r.value->end());
      const auto colon = value.find(':');
      seen[{b->tp.partition, std::stoi(value.substr(0, colon))}].push_back(std::stoi(value.substr(colon + 1)));
      ++records;
    }
  }
  CHECK(records == static_cast<std::size_t>(kSenders * kPerSender));
  for (const auto& [key, indices] : seen) {
    CHECK(std::is_sorted(indices.begin(), indices.end()));
    CHECK(indices.size() == static_cast<std::size_t>(kPerSender / kPartitions));
  }
}
