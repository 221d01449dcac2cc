// SimHistory, the judge: ids in headers, the log read back, and negative
// controls: a hand-driven producer that resends after a lost answer must be
// caught duplicating without idempotence, and must not be with it.
#include "sim_history.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "sim_test_support.hpp"
#include "sim_world.hpp"

using namespace sluice::sim;
using namespace sluice::sim::test;
using sluice::verify::RecordId;
using sluice::verify::Report;
using sluice::verify::ReportKind;

namespace {

Report acked(std::int32_t p, std::int64_t o) { return Report{ReportKind::acked, p, o, ""}; }

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("sending an id twice or reporting an unknown one is a harness error") {
  SimHistory h;
  h.sent(RecordId{0, 0}, std::nullopt, "v");
  CHECK_THROWS_AS(h.sent(RecordId{0, 0}, std::nullopt, "v"), std::invalid_argument);
  CHECK_THROWS_AS(h.report(RecordId{0, 1}, acked(0, 0)), std::invalid_argument);
}

TEST_CASE("the log read back: ids from headers, foreign records, damaged values") {
  SimCluster c(SimRng(1), 1);
  c.create_topic("t", 1);
  SimHistory h;
  // p0#0, p0#1 as sent; a record without id; p0#2 whose value differs from what was "sent".
  h.sent(RecordId{0, 0}, "key-0", value_of(0));
  h.sent(RecordId{0, 1}, "key-1", value_of(1));
  h.sent(RecordId{0, 2}, "key-0", "something else");
  c.handle_produce(1, produce_one("t", 0, make_batch(BatchSpec{}.count(2).ids_from({0, 0}))), 9);
  c.handle_produce(1, produce_one("t", 0, make_batch(BatchSpec{})), 9);
  c.handle_produce(1, produce_one("t", 0, make_batch(BatchSpec{}.ids_from({0, 2}))), 9);
  for (std::uint64_t s = 0; s < 3; ++s) h.report(RecordId{0, s}, acked(0, s == 2 ? 3 : static_cast<std::int64_t>(s)));
  auto log = h.log_records(c, "t");
  REQUIRE(log.size() == 4);
  CHECK(log[0].id == RecordId{0, 0});
  CHECK(log[0].key == "key-0");
  CHECK(log[0].value_intact);
  CHECK(log[1].offset == 1);
  CHECK_FALSE(log[2].id);
  CHECK(log[3].id == RecordId{0, 2});
  CHECK_FALSE(log[3].value_intact);
  auto result = h.check(c, "t");
  CHECK(result.counts.acked == 3);
  CHECK(result.counts.foreign == 1);
  CHECK(result.counts.corrupt == 1);
  CHECK(violations(result) == std::vector<std::string>{"corrupt"});
  CHECK(h.log_records(c, "missing").empty());
}

namespace {

// A hand-driven producer: one batch of two records (p0#0, p0#1) to t-0; the
// first answer is lost after the append; it reconnects and resends the same
// bytes, as a producer retrying after a broken connection does. Returns the
// checker's verdict.
sluice::verify::CheckResult resend_after_lost_answer(bool idempotent) {
  SimWorld w(7);
  w.cluster().create_topic("t", 1);
  SimHistory h;
  const std::int32_t leader = w.cluster().partition("t", 0)->leader;
  auto open = [&] {
    const ConnId c = w.connect(leader);
    REQUIRE(std::holds_alternative<SimNet::Connected>(*w.poll()));
    return c;
  };
  ConnId c = open();
  BatchSpec spec = BatchSpec{}.count(2).ids_from({0, 0});
  if (idempotent) {
    w.send(c, SimRequest{InitProducerIdCall{}});
    auto init = std::get<sluice::protocol::InitProducerIdResponse>(std::get<SimNet::ResponseArrived>(*w.poll()).response);
    spec.producer_id = init.producer_id;
    spec.producer_epoch = init.producer_epoch;
    spec.base_sequence = 0;
  }
  const auto batch = make_batch(spec);
  for (std::int32_t i = 0; i < 2; ++i) h.sent(RecordId{0, static_cast<std::uint64_t>(i)}, "key-" + std::to_string(i), value_of(i));

  const RequestId first = w.send(c, SimRequest{ProduceCall(produce_one("t", 0, batch), 9)});
  w.network().drop_answer(first);
  REQUIRE(std::holds_alternative<SimNet::ConnectionClosed>(*w.poll()));
  c = open();
  w.send(c, SimRequest{ProduceCall(produce_one("t", 0, batch), 9)});
  auto answer = std::get<sluice::protocol::ProduceResponse>(std::get<SimNet::ResponseArrived>(*w.poll()).response);
  const auto& p = only_partition(answer);
  REQUIRE(p.error_code == 0);
  for (std::int32_t i = 0; i < 2; ++i) h.report(RecordId{0, static_cast<std::uint64_t>(i)}, acked(0, p.base_offset + i));
  return h.check(w.cluster(), "t");
}

}  // namespace

TEST_CASE("negative control: without idempotence a resend after a lost answer is a dup the judge reports") {
  auto r = resend_after_lost_answer(false);
  CHECK(r.counts.dup == 2);
  CHECK(r.counts.lost == 0);
  CHECK(r.counts.wrong_offset == 0);
  CHECK(has(violations(r), "dup"));
  CHECK(violations(r, sluice::verify::Tolerance{true, false}).empty());
}

TEST_CASE("with idempotence the same resend is recognised by the broker: no dup, the original offsets") {
  auto r = resend_after_lost_answer(true);
  CHECK(r.counts.acked == 2);
  CHECK(r.counts.dup == 0);
  CHECK(r.counts.wrong_offset == 0);
  CHECK(violations(r).empty());
}
