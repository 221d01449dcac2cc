// sluice-produce's command line.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "produce_options.hpp"

using namespace sluice::produce;

namespace {

ProduceOptions parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"sluice-produce"};
  argv.insert(argv.end(), args);
  return parse_produce_options(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("produce options: defaults") {
  const auto o = parse({"-b", "h:1", "-t", "t"});
  CHECK(o.bootstrap == "h:1");
  CHECK(o.topic == "t");
  CHECK_FALSE(o.partition.has_value());
  CHECK(o.key_delimiter.empty());
  CHECK(o.delimiter == "\n");
  CHECK(o.headers.empty());
  CHECK(o.properties.empty());
  CHECK_FALSE(o.properties_file.has_value());
  CHECK(o.files.empty());
  CHECK_FALSE(o.verbose);
}

TEST_CASE("produce options: kcat's flags, separate and attached values") {
  const auto o = parse({"-P", "-bh:1", "-t", "t", "-p", "3", "-K:", "-D", "\\r\\n", "-H", "a=1", "-Hb", "-X",
                        "linger.ms=0", "-Xacks=1", "-F", "p.properties", "-v", "in1.txt", "-", "in2.txt"});
  CHECK(o.bootstrap == "h:1");
  CHECK(o.partition == 3);
  CHECK(o.key_delimiter == ":");
  CHECK(o.delimiter == "\r\n");
  using H = std::pair<std::string, std::optional<std::string>>;
  CHECK(o.headers == std::vector<H>{{"a", "1"}, {"b", std::nullopt}});
  CHECK(o.properties == std::vector<std::pair<std::string, std::string>>{{"linger.ms", "0"}, {"acks", "1"}});
  CHECK(o.properties_file == "p.properties");
  CHECK(o.verbose);
  CHECK(o.files == std::vector<std::string>{"in1.txt", "-", "in2.txt"});
}

TEST_CASE("produce options: -p -1 leaves the choice to the partitioner, and -- ends the flags") {
  const auto o = parse({"-b", "h:1", "-t", "t", "-p", "5", "-p", "-1", "--", "-v"});
  CHECK_FALSE(o.partition.has_value());
  CHECK_FALSE(o.verbose);
  CHECK(o.files == std::vector<std::string>{"-v"});
}

TEST_CASE("produce options: -F may stand in for -b") {
  const auto o = parse({"-F", "client.properties", "-t", "t"});
  CHECK(o.bootstrap.empty());
  CHECK(o.properties_file == "client.properties");
}

TEST_CASE("produce options: errors name the flag") {
  CHECK(error_of({"-t", "t"}) == "missing -b BROKERS (e.g. -b 127.0.0.1:9092), or -F with bootstrap.servers");
  CHECK(error_of({"-b", "h:1"}) == "missing -t TOPIC");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-Q"}) == "unknown option '-Q' (see -h)");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--bogus"}) == "unknown option '--bogus' (see -h)");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-vv"}) == "unknown option '-vv' (see -h)");
  CHECK(error_of({"-b", "h:1", "-t"}) == "-t: missing value");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-p", "x"}) ==
        "-p: expected a partition number (0 or more, -1 for the partitioner), got 'x'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-X", "acks"}) ==
        "-X: expected property=value (e.g. -X linger.ms=10), got 'acks'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-H", "=v"}) ==
        "-H: expected name=value (or name alone for a null value), got '=v'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-K", "\\z"}).find("-K: unknown escape") == 0);
}

TEST_CASE("produce options: -h needs nothing else") {
  CHECK(parse({"-h"}).help);
  CHECK(produce_usage().find("usage: sluice-produce -b BROKERS -t TOPIC") == 0);
}

TEST_CASE("produce options: -d and -q become debug and log_level, in order with -X") {
  const auto o = parse({"-b", "h:1", "-t", "t", "-X", "linger.ms=1", "-d", "broker,msg", "-q", "-dall"});
  CHECK(o.quiet);
  using P = std::vector<std::pair<std::string, std::string>>;
  CHECK(o.properties == P{{"linger.ms", "1"}, {"debug", "broker,msg"}, {"log_level", "3"}, {"debug", "all"}});
  CHECK(error_of({"-b", "h:1", "-t", "t", "-d"}) == "-d: missing value");
}
