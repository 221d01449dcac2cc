// Bad input to the three binaries: each case ends with a non-zero exit and
// exactly one line on stderr that names the problem (no usage dump, no
// stack trace), and an unreachable broker fails within its timeout instead
// of hanging. For an unreachable broker Sluice's own error line ("all
// brokers down", logged to stderr when no sink is installed, as librdkafka
// does) comes before the tool's.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "broker_env.hpp"
#include "run_tool.hpp"

using sluice::test::command_line;
using sluice::test::lines_of;
using sluice::test::run_tool;
using namespace std::chrono_literals;

namespace {

// Nothing listens on port 1: connections are refused at once.
const std::string kUnreachable = "127.0.0.1:1";

struct Case {
  std::string what;
  std::vector<std::string> args;  // after the binary
  int exit_code;
  std::string says;  // a part of the stderr line
  std::string stdin_bytes = "";
  std::string library_line = "";  // the start of the client library's line before the tool's; empty: none
};

void check_case(const std::string& binary, const std::string& tool, const Case& c) {
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  // The limit is far above the 1 s timeouts the cases set: it only catches a hang.
  const auto run = run_tool(argv, c.stdin_bytes, 60s);
  INFO(c.what << "\n" << command_line(argv) << "\nexit " << run.exit_code << " after " << run.seconds
              << " s\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.signal == 0);
  CHECK(run.exit_code == c.exit_code);
  auto err = lines_of(run.err);
  if (!c.library_line.empty()) {
    REQUIRE(err.size() == 2);
    CHECK(err[0].starts_with(c.library_line));
    err.erase(err.begin());
  }
  REQUIRE(err.size() == 1);
  CHECK(err[0].starts_with(tool + ": "));
  CHECK(err[0].find(c.says) != std::string::npos);
  CHECK(run.seconds < 30);  // bounded by the case's timeouts, with room for a loaded machine
}

std::vector<Case> bench_cases(const std::string& topic, const std::vector<std::string>& unreachable_timeout,
                              const std::string& unknown_property_says, const std::string& size_limit,
                              const std::string& unreachable_library_line) {
  const std::string b = sluice::test::bootstrap_or_fail();
  std::vector<std::string> unreachable{"-b", kUnreachable, "-t", topic, "--num-records", "10"};
  unreachable.insert(unreachable.end(), unreachable_timeout.begin(), unreachable_timeout.end());
  return {
      {"unknown flag", {"-b", b, "-t", topic, "--bogus"}, 2, "unknown option '--bogus'"},
      {"missing topic", {"-b", b}, 2, "missing -t TOPIC"},
      {"bad flag value", {"-b", b, "-t", topic, "--acks", "2"}, 2, "--acks: expected 0|1|-1|all, got '2'"},
      {"malformed -X", {"-b", b, "-t", topic, "-X", "linger.ms"}, 2, "-X: expected property=value"},
      {"unknown -X property", {"-b", b, "-t", topic, "-X", "no.such.property=1"}, 2, unknown_property_says},
      {"record over the size limit", {"-b", b, "-t", topic, "--record-size", "2000000"}, 2, size_limit},
      {"unreachable broker", unreachable, 1, "10 of 10 records failed: ", "", unreachable_library_line},
  };
}

}  // namespace

TEST_CASE("sluice-bench: bad input gives one stderr line and a non-zero exit") {
  const std::string topic = sluice::test::unique_topic("cli-bad-bench");
  for (const auto& c : bench_cases(topic, {"-X", "max.block.ms=1000"}, "unknown property 'no.such.property'",
                                   "--record-size 2000000 is over max.request.size (1048576)",
                                   "sluice: error: all brokers down: ")) {
    check_case(SLUICE_BENCH_BIN, "sluice-bench", c);
  }
}

TEST_CASE("sluice-bench: an unreachable broker's failure line says no broker answered") {
  const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", kUnreachable, "-t", "t", "--num-records", "3",
                                      "-X", "max.block.ms=500"};
  const auto run = run_tool(argv, "", 60s);
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("no broker answered (bootstrap.servers=127.0.0.1:1)") != std::string::npos);
  CHECK(run.out.find("acknowledged 0, failed 3") != std::string::npos);  // the report still comes, on stdout
}

#ifdef RDKAFKA_BENCH_BIN
TEST_CASE("rdkafka-bench: bad input gives one stderr line and a non-zero exit") {
  const std::string topic = sluice::test::unique_topic("cli-bad-rdkafka");
  for (const auto& c : bench_cases(topic, {"-X", "message.timeout.ms=1000"}, "No such configuration property",
                                   "--record-size 2000000 is over message.max.bytes (1000000)", "")) {
    check_case(RDKAFKA_BENCH_BIN, "rdkafka-bench", c);
  }
}
#endif

TEST_CASE("sluice-produce: bad input gives one stderr line and a non-zero exit") {
  const std::string b = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("cli-bad-produce");
  const std::string props = "/tmp/sluice-cli-bad-" + std::to_string(::getpid()) + ".properties";
  std::ofstream(props) << "# ok so far\nlinger.ms=5\nthis line is not a property\n";
  const std::vector<Case> cases{
      {"unknown flag", {"-b", b, "-t", topic, "-Q"}, 2, "unknown option '-Q'"},
      {"missing topic", {"-b", b}, 2, "missing -t TOPIC"},
      {"malformed -X", {"-b", b, "-t", topic, "-X", "acks"}, 2, "-X: expected property=value"},
      {"bad -X value", {"-b", b, "-t", topic, "-X", "acks=2"}, 2, "property 'acks' has invalid value '2'"},
      {"malformed properties line", {"-b", b, "-t", topic, "-F", props}, 2,
       props + ":3: unknown property 'this'"},  // Java's grammar: "this" = "line is not a property"
      {"missing properties file", {"-b", b, "-t", topic, "-F", props + ".missing"}, 2, "cannot read properties file"},
      {"missing input file", {"-b", b, "-t", topic, "/nonexistent/input.txt"}, 2,
       "cannot open input file '/nonexistent/input.txt': No such file or directory"},
      {"bad delimiter escape", {"-b", b, "-t", topic, "-K", "\\q"}, 2, "-K: unknown escape '\\q'"},
      {"unreachable broker", {"-b", kUnreachable, "-t", topic, "-X", "max.block.ms=1000"}, 1,
       "stdin:1: no metadata for topic '" + topic + "' within max.block.ms", "hello\n",
       "sluice: error: all brokers down: "},
  };
  for (const auto& c : cases) check_case(SLUICE_PRODUCE_BIN, "sluice-produce", c);
  std::remove(props.c_str());
}
