// sluice-produce against the real broker: what it sends is read back byte
// for byte by kcat, and a failed record is reported with its line.
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

TEST_CASE("sluice-produce: keys (-K) and headers (-H) from stdin are read back byte-exact by kcat") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("cli-produce");
  // Tabs, a '\r', UTF-8, a second key delimiter in the value, a line with
  // no delimiter (null key), an empty key, and no newline at the end.
  const std::string input =
      "user-1:{\"clicked\":\"buy\"}\n"
      "no key on this line\n"
      "k3:a:b:c\n"
      "\tk4 :  caf\xc3\xa9\t\r\n"
      ":empty key\n"
      "k6:last";
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-b", bootstrap, "-t", topic, "-K", ":", "-H", "trace=abc",
                                      "-H", "n=2", "-X", "acks=all", "-v"};
  const auto run = run_tool(argv, input);
  INFO(command_line(argv) << "\nstdout:\n" << run.out << "\nstderr:\n" << run.err);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.exit_code == 0);
  CHECK(run.err.empty());
  // -v: one delivery report per record, naming its line.
  const auto reports = lines_of(run.out);
  REQUIRE(reports.size() == 6);
  for (int line = 1; line <= 6; ++line) {
    bool found = false;
    for (const auto& r : reports) found = found || r.starts_with("stdin:" + std::to_string(line) + ": partition 0, offset ");
    CHECK(found);
  }

  const auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 6);
  struct Expected {
    std::optional<std::string> key;
    std::string value;
  };
  const std::vector<Expected> expected{{"user-1", "{\"clicked\":\"buy\"}"},
                                       {std::nullopt, "no key on this line"},
                                       {"k3", "a:b:c"},
                                       {"\tk4 ", "  caf\xc3\xa9\t\r"},
                                       {"", "empty key"},
                                       {"k6", "last"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("record " << i);
    CHECK(consumed[i].offset == static_cast<std::int64_t>(i));
    CHECK(consumed[i].key == expected[i].key);
    CHECK(consumed[i].value == expected[i].value);
    CHECK(consumed[i].headers == "trace=abc,n=2");
  }
}

TEST_CASE("sluice-produce: files in order, a custom delimiter (-D), a partition (-p), properties from -F") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("cli-produce-files");
  const std::string dir = "/tmp/sluice-cli-test-" + std::to_string(::getpid());
  REQUIRE(std::system(("mkdir -p '" + dir + "'").c_str()) == 0);
  std::ofstream(dir + "/a.txt") << "one|two|";
  std::ofstream(dir + "/b.txt") << "three\nstill three|four";
  std::ofstream(dir + "/client.properties") << "# producer settings\nbootstrap.servers=" << bootstrap
                                            << "\nlinger.ms = 1\n";
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-F", dir + "/client.properties", "-t", topic, "-p", "0",
                                      "-D", "|", dir + "/a.txt", dir + "/b.txt"};
  const auto run = run_tool(argv);
  std::system(("rm -rf '" + dir + "'").c_str());
  INFO(command_line(argv) << "\nstderr:\n" << run.err);
  REQUIRE(run.exit_code == 0);

  const auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 4);
  CHECK(consumed[0].value == "one");
  CHECK(consumed[1].value == "two");
  CHECK(consumed[2].value == "three\nstill three");
  CHECK(consumed[3].value == "four");
  for (const auto& r : consumed) {
    CHECK(r.partition == 0);
    CHECK_FALSE(r.key.has_value());
  }
}

TEST_CASE("sluice-produce: a record over max.request.size fails alone, reported with its line") {
  const std::string bootstrap = sluice::test::bootstrap_or_fail();
  const std::string topic = sluice::test::unique_topic("cli-produce-large");
  const std::string input = "small one\n" + std::string(2'000'000, 'x') + "\nsmall two\n";
  const std::vector<std::string> argv{SLUICE_PRODUCE_BIN, "-b", bootstrap, "-t", topic};
  const auto run = run_tool(argv, input);
  INFO(command_line(argv) << "\nstderr:\n" << run.err);
  CHECK(run.exit_code == 1);
  const auto err = lines_of(run.err);
  REQUIRE(err.size() == 1);
  CHECK(err[0].starts_with("sluice-produce: stdin:2: "));
  CHECK(err[0].find("max.request.size") != std::string::npos);

  const auto consumed = sluice::test::consume_all_with_kcat(bootstrap, topic);
  REQUIRE(consumed.size() == 2);
  CHECK(consumed[0].value == "small one");
  CHECK(consumed[1].value == "small two");
}
