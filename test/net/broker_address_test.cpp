#include "sluice/net/broker_address.hpp"

#include <catch2/catch.hpp>

using sluice::net::parse_broker_list;

TEST_CASE("broker lists: host names, IPv4, IPv6 literals, spaces") {
  auto r = parse_broker_list("kafka1:9092, 10.0.0.2:9093 ,[::1]:9094,localhost:1");
  REQUIRE(r.ok());
  REQUIRE(r.brokers.size() == 4);
  CHECK(r.brokers[0].host == "kafka1");
  CHECK(r.brokers[0].port == 9092);
  CHECK(r.brokers[1].host == "10.0.0.2");
  CHECK(r.brokers[2].host == "::1");
  CHECK(r.brokers[2].port == 9094);
  CHECK(r.brokers[2].to_string() == "[::1]:9094");
  CHECK(r.brokers[3].to_string() == "localhost:1");
}

TEST_CASE("a listener-style prefix is accepted") {
  auto r = parse_broker_list("PLAINTEXT://host:9092");
  REQUIRE(r.ok());
  CHECK(r.brokers[0].host == "host");
}

TEST_CASE("bad entries are named in the error") {
  for (const char* bad : {"host:", "[::1]9092", "host:0", "host:70000", "host:12ab", ":9092", "[::1", "::1:9092", ""}) {
    auto r = parse_broker_list(bad);
    INFO(bad);
    CHECK_FALSE(r.ok());
    CHECK(r.brokers.empty());
    if (*bad != '\0') {
      CHECK(r.error.find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
}

// Reported: `-b 127.0.0.1` was refused; librdkafka and kcat assume 9092.
TEST_CASE("an entry without a port gets 9092") {
  auto r = parse_broker_list("127.0.0.1,kafka2:9093,[::1],PLAINTEXT://kafka3");
  REQUIRE(r.ok());
  REQUIRE(r.brokers.size() == 4);
  CHECK(r.brokers[0].to_string() == "127.0.0.1:9092");
  CHECK(r.brokers[1].to_string() == "kafka2:9093");
  CHECK(r.brokers[2].to_string() == "[::1]:9092");
  CHECK(r.brokers[3].to_string() == "kafka3:9092");
}
