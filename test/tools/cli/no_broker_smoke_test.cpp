// The tool binaries where no broker is needed: an address nothing listens
// on (127.0.0.1:1, refused at once). Issue 19's observed bugs: a TLS file
// that does not exist, a statistics interval without a callback, the exit
// status after Ctrl-C, SIGTERM while send() blocks, and sluice-verify's
// --json when the run fails.
#include <signal.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "run_tool.hpp"

using sluice::test::command_line;
using sluice::test::lines_of;
using sluice::test::run_tool;
using sluice::test::SignalAfter;
using namespace std::chrono_literals;

namespace {

const std::string kUnreachable = "127.0.0.1:1";

std::string shown(const std::vector<std::string>& argv, const sluice::test::ToolRun& run) {
  return command_line(argv) + "\nexit " + std::to_string(run.exit_code) + " (signal " + std::to_string(run.signal) +
         ") after " + std::to_string(run.seconds) + " s\nstdout:\n" + run.out + "\nstderr:\n" + run.err;
}

}  // namespace

TEST_CASE("sluice-produce: a TLS file that does not exist is a clear error, under PLAINTEXT too") {
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-b", kUnreachable, "-t", "t", "-X",
                                      "ssl.ca.location=/nonexistent"};
  const auto run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 2);
  const auto err = lines_of(run.err);
  REQUIRE(err.size() == 1);
  CHECK(err[0].starts_with("sluice-produce: "));
  CHECK(err[0].find("ssl.ca.location") != std::string::npos);
  CHECK(err[0].find("'/nonexistent' does not exist") != std::string::npos);
}

TEST_CASE("sluice-produce: statistics.interval.ms without a callback is a warning naming it, and -q hides it") {
  std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-b", kUnreachable, "-t", "t", "-X", "statistics.interval.ms=1000"};
  auto run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 0);  // no input, nothing to send
  CHECK(run.err.find("sluice: warning: statistics.interval.ms=1000 is set but") != std::string::npos);
  argv.push_back("-q");
  run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 0);
  CHECK(run.err.empty());
}

TEST_CASE("sluice-produce: -X overrides what -F set, under any name, and -d is accepted") {
  const std::string props = "/tmp/sluice-no-broker-" + std::to_string(::getpid()) + ".properties";
  {
    std::FILE* f = std::fopen(props.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("metadata.broker.list 127.0.0.1:2\nlinger.ms: 50\nstatistics.interval.ms=1000\n", f);
    std::fclose(f);
  }
  // -X under another name than the file's: no "already set" error; -b wins over metadata.broker.list.
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-F", props, "-b", kUnreachable, "-t", "t",
                                      "-X", "queue.buffering.max.ms=1", "-X", "statistics.interval.ms=0",
                                      "-d", "broker,consumer"};
  const auto run = run_tool(argv, "", 60s);
  std::remove(props.c_str());
  INFO(shown(argv, run));
  CHECK(run.exit_code == 0);
  CHECK(run.err.find("statistics.interval.ms") == std::string::npos);  // -X set it to 0
  CHECK(run.err.find("consumer do not apply to a producer") != std::string::npos);
}

TEST_CASE("sluice-produce: interrupted, it exits 130 (as sluice-bench), whatever the records reported") {
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-b", kUnreachable, "-t", "t", "-X", "max.block.ms=500"};
  const auto run = run_tool(argv, "one\ntwo\n", 60s, SignalAfter{SIGINT, 1500ms, true});
  INFO(shown(argv, run));
  CHECK_FALSE(run.timed_out);
  CHECK(run.exit_code == 130);
}

TEST_CASE("sluice-bench: SIGTERM while send() blocks on a full buffer ends the run, exit 130") {
  // buffer.memory holds one 600-byte record; the next send() blocks for
  // space without limit (queue.enqueue.timeout.ms=-1) while the first waits
  // up to max.block.ms for metadata that never comes.
  const std::vector<std::string> argv{SLUICE_BENCH_BIN, "-b", kUnreachable, "-t", "t", "--num-records", "1000",
                                      "--record-size", "600", "-X", "buffer.memory=1024",
                                      "-X", "queue.enqueue.timeout.ms=-1", "-X", "max.block.ms=3000"};
  const auto run = run_tool(argv, "", 60s, SignalAfter{SIGTERM, 1500ms, false});
  INFO(shown(argv, run));
  CHECK_FALSE(run.timed_out);
  CHECK(run.exit_code == 130);
  CHECK(run.seconds < 20);
}

TEST_CASE("sluice-verify: --json prints a JSON object on stdout when the run fails") {
  const std::vector<std::string> argv{SLUICE_VERIFY_BIN, "-b", kUnreachable, "-t", "t", "--num-records", "10",
                                      "--json"};
  const auto run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 3);
  const auto out = lines_of(run.out);
  REQUIRE(out.size() == 1);
  const auto json = boost::json::parse(out[0]).as_object();
  CHECK(json.at("ok").as_bool() == false);
  CHECK(json.at("exit_code").as_int64() == 3);
  CHECK_FALSE(json.at("error").as_string().empty());
  CHECK(json.at("topic").as_string() == "t");
}

TEST_CASE("sluice-verify: --json with a bad configuration prints the JSON object too (exit 2)") {
  const std::vector<std::string> argv{SLUICE_VERIFY_BIN, "-b", kUnreachable, "-t", "t", "-X", "acks=2", "--json"};
  const auto run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 2);
  const auto out = lines_of(run.out);
  REQUIRE(out.size() == 1);
  const auto json = boost::json::parse(out[0]).as_object();
  CHECK(json.at("exit_code").as_int64() == 2);
  CHECK(std::string(json.at("error").as_string()).find("acks") != std::string::npos);
}

TEST_CASE("every tool's --version prints its name and the project version, needing no other flag") {
  for (const auto& [tool, binary] : std::vector<std::pair<std::string, std::string>>{
           {"sluice-produce", SLUICE_PRODUCE_BIN}, {"sluice-bench", SLUICE_BENCH_BIN}, {"sluice-verify", SLUICE_VERIFY_BIN}}) {
    const auto r = sluice::test::run_tool({binary, "--version"}, "", std::chrono::seconds(30));
    INFO(tool << " stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == tool + " " + SLUICE_PROJECT_VERSION + "\n");
  }
  const auto kcat_style = sluice::test::run_tool({SLUICE_PRODUCE_BIN, "-V"}, "", std::chrono::seconds(30));
  CHECK(kcat_style.out == std::string("sluice-produce ") + SLUICE_PROJECT_VERSION + "\n");
}

#ifdef RDKAFKA_BENCH_BIN
// librdkafka has no metrics to print at the end (only periodic statistics):
// rdkafka-bench refuses the flag rather than ignore it.
TEST_CASE("rdkafka-bench: --print-metrics is refused with a line naming the flag, exit 2") {
  const std::vector<std::string> argv{RDKAFKA_BENCH_BIN, "-b", kUnreachable, "-t", "t", "--print-metrics"};
  const auto run = run_tool(argv, "", 60s);
  INFO(shown(argv, run));
  CHECK(run.exit_code == 2);
  CHECK(run.out.empty());
  const auto err = lines_of(run.err);
  REQUIRE(err.size() == 1);
  CHECK(err[0].starts_with("rdkafka-bench: --print-metrics is not supported by rdkafka-bench"));
  CHECK(err[0].find("use sluice-bench --print-metrics") != std::string::npos);
}
#endif

// The tools count every record's report: they refuse a filter that would
// leave acknowledged records uncounted, naming the property.
TEST_CASE("every tool refuses delivery.report.only.error=true with a line naming it, exit 2") {
  const std::vector<std::vector<std::string>> commands{
      {SLUICE_PRODUCE_BIN, "-b", kUnreachable, "-t", "t", "-X", "delivery.report.only.error=true"},
      {SLUICE_BENCH_BIN, "-b", kUnreachable, "-t", "t", "-X", "delivery.report.only.error=true"},
      {SLUICE_VERIFY_BIN, "-b", kUnreachable, "-t", "t", "-X", "delivery.report.only.error=true"},
#ifdef RDKAFKA_BENCH_BIN
      {RDKAFKA_BENCH_BIN, "-b", kUnreachable, "-t", "t", "-X", "delivery.report.only.error=true"},
#endif
  };
  for (const auto& argv : commands) {
    const auto run = run_tool(argv, "", 60s);
    INFO(shown(argv, run));
    CHECK(run.exit_code == 2);
    const auto err = lines_of(run.err);
    REQUIRE(err.size() == 1);
    CHECK(err[0].find("property 'delivery.report.only.error'=true: ") != std::string::npos);
    CHECK(err[0].find("counts every record's report") != std::string::npos);
  }
}
