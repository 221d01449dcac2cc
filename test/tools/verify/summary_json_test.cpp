// sluice-verify's --json object (tools/verify/summary_json.cpp): checked by
// parsing it back, as the fault scenarios (jq) and scripts read it.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "summary.hpp"

using namespace sluice::verify;
namespace json = boost::json;

TEST_CASE("JSON text: bytes 0x80 and above become the code points U+0080..U+00FF, the rest stays") {
  CHECK(json_text("plain \"q\" \\ \n") == "plain \"q\" \\ \n");
  CHECK(json_text(std::string("\x00\x7f\xc3\xa9", 4)) == std::string("\x00\x7f\xc3\x83\xc2\xa9", 6));
  // Any byte sequence gives valid JSON that reads back as the bytes' values.
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const json::value back = json::parse(json::serialize(json::string(json_text(all))));
  CHECK(back.as_string() == json_text(all));
  CHECK(json::serialize(json::string(json_text("\xff"))) == "\"\xc3\xbf\"");
}

TEST_CASE("the JSON object carries counts, violations, examples and notes, on one line, run id first") {
  CheckResult r;
  r.counts.sent = 2;
  r.counts.lost = 1;
  r.counts.extra_copies = 3;
  r.examples["lost"] = {"p0#1 (key 'k'): acknowledged at p0@1, not in the log"};
  RunFacts f;
  f.run_id = "r1";
  f.topic = "t\"q";
  f.produce_seconds = 1.5;
  f.read_seconds = 0.12345;
  f.records_read = 1;
  f.notes = {"note one"};
  const std::string j = summary_json(r, {"lost"}, f);
  CHECK(j.find("{\"run_id\":\"r1\",\"topic\":\"t\\\"q\",\"ok\":false,\"counts\":{\"sent\":2,") == 0);
  CHECK(j.find('\n') == std::string::npos);
  const json::object o = json::parse(j).as_object();
  CHECK(o.at("counts").at("lost").as_int64() == 1);
  CHECK(o.at("counts").at("extra_copies").as_int64() == 3);
  CHECK(o.at("counts").as_object().contains("acked_without_offset"));
  CHECK(o.at("violations") == json::array{"lost"});
  CHECK(o.at("examples") == json::object{{"lost", json::array{"p0#1 (key 'k'): acknowledged at p0@1, not in the log"}}});
  CHECK(o.at("produce_seconds").to_number<double>() == 1.5);
  CHECK(o.at("read_seconds").to_number<double>() == 0.123);  // milliseconds precision
  CHECK(o.at("records_read").to_number<std::int64_t>() == 1);
  CHECK(o.at("read_attempts").to_number<std::int64_t>() == 0);
  CHECK(o.at("notes") == json::array{"note one"});
  CHECK(json::parse(summary_json(CheckResult{}, {}, RunFacts{})).at("ok") == true);
}

TEST_CASE("the JSON object carries failure reasons and examples, acks per partition and the slowest send") {
  RunFacts f;
  f.slowest_send = 2.25;
  f.failure_reasons = {{"failed: producer buffer full", 3}, {"unknown: delivery.timeout.ms expired", 1}};
  f.failure_examples = {{"failed: producer buffer full", "producer buffer full: for t-0"}};
  f.acked_per_partition = {{0, 10}, {11, 2}};
  const json::object o = json::parse(summary_json(CheckResult{}, {}, f)).as_object();
  CHECK(o.at("slowest_send_seconds").to_number<double>() == 2.25);
  CHECK(o.at("failure_reasons") ==
        json::object{{"failed: producer buffer full", 3}, {"unknown: delivery.timeout.ms expired", 1}});
  CHECK(o.at("failure_examples") == json::object{{"failed: producer buffer full", "producer buffer full: for t-0"}});
  CHECK(o.at("acked_per_partition") == json::object{{"0", 10}, {"11", 2}});
  const json::object empty = json::parse(summary_json(CheckResult{}, {}, RunFacts{})).as_object();
  CHECK(empty.at("failure_reasons").as_object().empty());
  CHECK(empty.at("failure_examples").as_object().empty());
  CHECK(empty.at("acked_per_partition").as_object().empty());
}

// Reported: `sluice-verify ... --json` printed nothing on stdout when the run failed.
TEST_CASE("a failed run's JSON object says ok false, the error and the exit code") {
  RunFacts facts;
  facts.run_id = "r1";
  facts.topic = "t\"x";
  facts.notes = {"a note"};
  const std::string json = failure_json(facts, "cannot reach 127.0.0.1:1: \"refused\"", 3);
  CHECK(json == "{\"run_id\":\"r1\",\"topic\":\"t\\\"x\",\"ok\":false,"
                "\"error\":\"cannot reach 127.0.0.1:1: \\\"refused\\\"\",\"exit_code\":3,\"notes\":[\"a note\"]}");
}
