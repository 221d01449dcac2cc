// Parsing what kcat prints (tools/verify/kcat_output.hpp).
#include "kcat_output.hpp"

#include <catch2/catch.hpp>

using namespace sluice::verify;

TEST_CASE("the record format puts lengths before the bytes") {
  CHECK(std::string(kcat_record_format()) == "%p\\t%o\\t%K\\t%S\\t%k\\t%s\\n");
}

TEST_CASE("records are read byte-exact, null and empty keys and values included") {
  std::string out;
  out += "0\t0\t-1\t5\t\thello\n";                 // null key
  out += "2\t17\t0\t-1\t\t\n";                     // empty key, null value
  out += "1\t9\t3\t7\ta\tb\tx\ny\nz\t\n\n";        // tabs and newlines inside
  out += std::string("3\t1\t2\t1\t\x00\xff\t\x80\n", 13);  // arbitrary bytes
  auto r = parse_kcat_records(out);
  REQUIRE(r.size() == 4);
  CHECK(r[0].partition == 0);
  CHECK(r[0].offset == 0);
  CHECK_FALSE(r[0].key.has_value());
  CHECK(r[0].value == "hello");
  CHECK(r[1].partition == 2);
  CHECK(r[1].offset == 17);
  CHECK(r[1].key == "");
  CHECK_FALSE(r[1].value.has_value());
  CHECK(r[2].key == "a\tb");
  CHECK(r[2].value == "x\ny\nz\t\n");
  CHECK(r[3].key == std::string("\x00\xff", 2));
  CHECK(r[3].value == "\x80");
}

TEST_CASE("empty output is an empty log") { CHECK(parse_kcat_records("").empty()); }

TEST_CASE("truncated or malformed output is an error naming the byte") {
  CHECK_THROWS_WITH(parse_kcat_records("0\t0\t-1\t5\t\thel"), Catch::Contains("value runs past the end"));
  CHECK_THROWS_WITH(parse_kcat_records("0\t0\t-1\t2\t\thello\n"), Catch::Contains("separator after the value"));
  CHECK_THROWS_WITH(parse_kcat_records("x\t0\t-1\t-1\t\t\n"), Catch::Contains("at byte 0: expected the partition"));
  CHECK_THROWS_WITH(parse_kcat_records("0\t0\t-2\t-1\t\t\n"), Catch::Contains("negative length of the key"));
  CHECK_THROWS_WITH(parse_kcat_records("-1\t0\t-1\t-1\t\t\n"), Catch::Contains("partition out of range"));
  CHECK_THROWS_WITH(parse_kcat_records("0\t0\t-1\t-1\t\t\n%"), Catch::Contains("at byte 12"));
}

TEST_CASE("end offsets come from kcat's end-of-partition lines for the topic") {
  const std::string err =
      "% Reached end of topic t1 [2] at offset 0\n"
      "%4|1700000000.000|FETCH|rdkafka#consumer-1| something\n"
      "% Reached end of topic t1 [0] at offset 1234\n"
      "% Reached end of topic t10 [0] at offset 99\n"   // another topic
      "% Reached end of topic t1 [0] at offset 1200\n"  // a partition seen twice keeps its larger end
      "% Reached end of topic t1 [1] at offset 56: exiting\n";
  auto ends = parse_end_offsets(err, "t1");
  CHECK(ends == std::map<std::int32_t, std::int64_t>{{0, 1234}, {1, 56}, {2, 0}});
  CHECK(parse_end_offsets("", "t1").empty());
  CHECK(parse_end_offsets("% Reached end of topic t1 [x] at offset 5\n", "t1").empty());
}

TEST_CASE("a read covers the log when every partition's end passes its highest acknowledged offset") {
  const std::map<std::int32_t, std::int64_t> need = {{0, 10}, {1, 5}};
  CHECK(uncovered_partitions(need, {{0, 10}, {1, 7}, {2, 0}}).empty());
  CHECK(uncovered_partitions({}, {}).empty());
  auto gaps = uncovered_partitions(need, {{0, 9}});
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0] == "p0: read to 9, acknowledged up to 9");
  CHECK(gaps[1] == "p1: no end reported, acknowledged up to 4");
}

TEST_CASE("kcat's most telling error line is picked") {
  CHECK(kcat_error_line("%3|1.0|FAIL|rdkafka#producer-1| connect failed\n"
                        "% ERROR: Failed to acquire metadata: Local: Broker transport failure\n") ==
        "% ERROR: Failed to acquire metadata: Local: Broker transport failure");
  CHECK(kcat_error_line("%3|1.0|FAIL|rdkafka#producer-1| connect failed\n") ==
        "%3|1.0|FAIL|rdkafka#producer-1| connect failed");
  CHECK(kcat_error_line("first\nlast\n\n") == "last");
  CHECK(kcat_error_line("") == "");
}
