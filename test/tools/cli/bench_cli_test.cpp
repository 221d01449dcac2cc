// The shared command line of sluice-bench and rdkafka-bench.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "bench_cli.hpp"

using sluice::bench::BenchOptions;
using sluice::bench::KeyMode;
using sluice::bench::UsageError;

namespace {

BenchOptions parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"sluice-bench"};
  argv.insert(argv.end(), args);
  return sluice::bench::parse_bench_options(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

using Props = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("bench options: defaults with only -b and -t") {
  const auto o = parse({"-b", "h:1", "-t", "topic"});
  CHECK(o.bootstrap == "h:1");
  CHECK(o.topic == "topic");
  CHECK(o.num_records == 100000);
  CHECK(o.record_size == 100);
  CHECK(o.throughput == -1);
  CHECK(o.key_mode == KeyMode::none);
  CHECK(o.properties.empty());
  CHECK_FALSE(o.json);
  CHECK_FALSE(o.print_metrics);
  CHECK_FALSE(o.help);
}

TEST_CASE("bench options: every flag, long forms and --flag=value") {
  const auto o = parse({"--bootstrap=h:1,h:2", "--topic", "t", "--num-records", "20000", "--record-size=512",
                        "--throughput", "5000", "--acks", "all", "--compression", "zstd", "--linger-ms", "10",
                        "--batch-size", "65536", "--key-mode", "seq", "-X", "client.id=bench", "--json",
                        "--print-metrics"});
  CHECK(o.bootstrap == "h:1,h:2");
  CHECK(o.num_records == 20000);
  CHECK(o.record_size == 512);
  CHECK(o.throughput == 5000);
  CHECK(o.key_mode == KeyMode::seq);
  CHECK(o.json);
  CHECK(o.print_metrics);
  // Command-line order is kept: the client applies them in that order.
  CHECK(o.properties == Props{{"acks", "all"},
                              {"compression.type", "zstd"},
                              {"linger.ms", "10"},
                              {"batch.size", "65536"},
                              {"client.id", "bench"}});
}

TEST_CASE("bench options: kcat-style attached values for -b -t -X") {
  const auto o = parse({"-bh:9", "-tt", "-Xlinger.ms=0", "-X", "client.id="});
  CHECK(o.bootstrap == "h:9");
  CHECK(o.topic == "t");
  CHECK(o.properties == Props{{"linger.ms", "0"}, {"client.id", ""}});
}

TEST_CASE("bench options: --key-mode random and --throughput -1") {
  const auto o = parse({"-b", "h:1", "-t", "t", "--key-mode", "random", "--throughput", "-1"});
  CHECK(o.key_mode == KeyMode::random);
  CHECK(o.throughput == -1);
  CHECK(sluice::bench::key_mode_name(o.key_mode) == "random");
}

TEST_CASE("bench options: --help needs no other flag") {
  const auto o = parse({"--help"});
  CHECK(o.help);
  CHECK(sluice::bench::bench_usage("rdkafka-bench").find("usage: rdkafka-bench -b BROKERS") == 0);
}

TEST_CASE("bench options: errors name the flag and what is accepted") {
  CHECK(error_of({"-t", "t"}) == "missing -b BROKERS (e.g. -b 127.0.0.1:9092)");
  CHECK(error_of({"-b", "h:1"}) == "missing -t TOPIC");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--bogus"}) == "unknown option '--bogus' (see --help)");
  CHECK(error_of({"-b", "h:1", "-t", "t", "extra"}) == "unexpected argument 'extra' (see --help)");
  CHECK(error_of({"-b", "h:1", "-t"}) == "-t: missing value");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--num-records", "0"}) ==
        "--num-records: expected a whole number from 1 to 1000000000, got '0'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--record-size", "12k"}) ==
        "--record-size: expected a whole number from 0 to 2147483647, got '12k'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--throughput", "0"}) ==
        "--throughput: expected records per second (1 or more), or -1 for no limit, got '0'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--throughput", "-5"}) ==
        "--throughput: expected a whole number from -1 to 1000000000, got '-5'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--acks", "2"}) == "--acks: expected 0|1|-1|all, got '2'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--compression", "brotli"}) ==
        "--compression: expected none|gzip|snappy|lz4|zstd, got 'brotli'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--key-mode", "hash"}) == "--key-mode: expected none|random|seq, got 'hash'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-X", "linger.ms"}) ==
        "-X: expected property=value (e.g. -X linger.ms=10), got 'linger.ms'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "-X", "=5"}) ==
        "-X: expected property=value (e.g. -X linger.ms=10), got '=5'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--json=yes"}) == "--json: takes no value");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--create-partitions", "0"}) ==
        "--create-partitions: expected a whole number from 1 to 2147483647, got '0'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--create-partitions", "-5"}) ==
        "--create-partitions: expected a whole number from 1 to 2147483647, got '-5'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--create-partitions", "3x"}) ==
        "--create-partitions: expected a whole number from 1 to 2147483647, got '3x'");
  CHECK(error_of({"-b", "h:1", "-t", "t", "--create-partitions"}) == "--create-partitions: missing value");
}

TEST_CASE("bench options: --create-partitions N asks for N partitions, 0 (absent) for none") {
  CHECK(parse({"-b", "h:1", "-t", "t"}).create_partitions == 0);
  CHECK(parse({"-b", "h:1", "-t", "t", "--create-partitions", "6"}).create_partitions == 6);
  CHECK(parse({"-b", "h:1", "-t", "t", "--create-partitions=1"}).create_partitions == 1);
}

TEST_CASE("split_property keeps everything after the first '='") {
  CHECK(sluice::bench::split_property("-X", "a=b=c") == std::pair<std::string, std::string>{"a", "b=c"});
  CHECK_THROWS_AS(sluice::bench::split_property("-X", "novalue"), UsageError);
}

TEST_CASE("bench options: -d and -q become client properties in command-line order") {
  const auto o = parse({"-b", "h:1", "-t", "t", "-d", "broker,msg", "-q", "-Xlinger.ms=1", "-dall"});
  CHECK(o.quiet);
  CHECK(o.properties == Props{{"debug", "broker,msg"}, {"log_level", "3"}, {"linger.ms", "1"}, {"debug", "all"}});
  CHECK(error_of({"-b", "h:1", "-t", "t", "-d"}) == "-d: missing value");
  CHECK_FALSE(parse({"-b", "h:1", "-t", "t"}).quiet);
}

// Reported: the usage line said --acks 0|1|all, the flag list 0|1|-1|all.
TEST_CASE("bench usage: the synopsis and the flag list agree on each flag's values") {
  const std::string usage = sluice::bench::bench_usage("sluice-bench");
  const auto synopsis_end = usage.find("\n\n");
  const std::string synopsis = usage.substr(0, synopsis_end);
  const std::string list = usage.substr(synopsis_end);
  int compared = 0;
  for (std::size_t at = synopsis.find("[--"); at != std::string::npos; at = synopsis.find("[--", at + 1)) {
    const std::string item = synopsis.substr(at + 1, synopsis.find(']', at) - at - 1);  // "--acks 0|1|-1|all"
    const auto space = item.find(' ');
    if (space == std::string::npos) continue;  // a flag without a value
    const std::string flag = item.substr(0, space), value = item.substr(space + 1);
    const auto entry = list.find("\n  " + flag + " ");
    INFO(flag);
    REQUIRE(entry != std::string::npos);
    const auto from = entry + 3 + flag.size() + 1;
    const std::string listed = list.substr(from, list.find(' ', from) - from);
    if (value.find('|') != std::string::npos && listed.find('|') != std::string::npos) {
      CHECK(listed == value);  // enumerations spelt out in both places must agree
      ++compared;
    }
  }
  CHECK(compared >= 1);  // --acks
  CHECK(synopsis.find("--acks 0|1|-1|all") != std::string::npos);
}
