// The command-line grammar the tools share (tools/cli/command_line.cpp).
#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "command_line.hpp"

using namespace sluice::cli;

namespace {

// A grammar with every kind of flag: short and long, short only, long only,
// with and without a value.
Grammar grammar(bool operands) {
  return Grammar{.flags = {{'h', "help", false},
                           {'b', "bootstrap", true},
                           {'X', "", true},
                           {'q', "", false},
                           {0, "json", false},
                           {0, "num-records", true}},
                 .operands = operands};
}

CommandLine parse(std::initializer_list<const char*> args, bool operands = false) {
  std::vector<const char*> argv{"tool"};
  argv.insert(argv.end(), args);
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), grammar(operands));
}

std::string error_of(std::initializer_list<const char*> args, bool operands = false) {
  try {
    parse(args, operands);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("command line: flags in order with their spelling, name and value") {
  const auto c = parse({"-b", "h:1", "--bootstrap=h:2", "-Xacks=1", "-q", "--num-records", "5", "-X", "a=", "--json"});
  REQUIRE(c.flags.size() == 7);
  CHECK((c.flags[0].spelling == "-b" && c.flags[0].name == "bootstrap" && c.flags[0].value == "h:1"));
  CHECK((c.flags[1].spelling == "--bootstrap" && c.flags[1].name == "bootstrap" && c.flags[1].value == "h:2"));
  CHECK((c.flags[2].spelling == "-X" && c.flags[2].name == "X" && c.flags[2].value == "acks=1"));
  CHECK((c.flags[3].spelling == "-q" && c.flags[3].name == "q" && !c.flags[3].value));
  CHECK((c.flags[4].spelling == "--num-records" && c.flags[4].value == "5"));
  CHECK(c.flags[5].value == "a=");
  CHECK((c.flags[6].name == "json" && !c.flags[6].value));
  CHECK(c.operands.empty());
}

TEST_CASE("command line: a value that looks like a number or is empty, operands and --") {
  const auto c = parse({"--num-records", "-1", "-b", "", "in1", "-", "--", "-q", "--json"}, true);
  REQUIRE(c.flags.size() == 2);
  CHECK(c.flags[0].value == "-1");
  CHECK(c.flags[1].value == "");
  CHECK(c.operands == std::vector<std::string>{"in1", "-", "-q", "--json"});
}

TEST_CASE("command line: parse errors name the flag as typed") {
  CHECK(error_of({"-Z"}) == "unknown option '-Z' (see --help)");
  CHECK(error_of({"--bogus"}) == "unknown option '--bogus' (see --help)");
  CHECK(error_of({"--bogus=1"}) == "unknown option '--bogus=1' (see --help)");
  CHECK(error_of({"--boot", "h:1"}) == "unknown option '--boot' (see --help)");  // no abbreviations
  CHECK(error_of({"-qh"}) == "unknown option '-qh' (see --help)");               // no bundling
  CHECK(error_of({"-b"}) == "-b: missing value");
  CHECK(error_of({"--bootstrap"}) == "--bootstrap: missing value");
  CHECK(error_of({"-b", "-q"}) == "-b: missing value");  // the next argument is a flag
  CHECK(error_of({"-X"}) == "-X: missing value");
  CHECK(error_of({"--json=yes"}) == "--json: takes no value");
  CHECK(error_of({"extra"}) == "unexpected argument 'extra' (see --help)");
  CHECK(error_of({"-b", "h", "--", "x"}) == "unexpected argument 'x' (see --help)");
  CHECK(error_of({"-b", "h", "x"}, true) == "(no error)");  // negative control: operands allowed
}

TEST_CASE("command line: the wording of errors is the tool's") {
  Grammar g = grammar(false);
  g.help_flag = "-h";
  g.unknown_flag = "unknown argument";
  g.bad_operand = "unknown argument";
  const char* unknown[] = {"tool", "--frobnicate"};
  CHECK_THROWS_WITH(parse_command_line(2, unknown, g), "unknown argument '--frobnicate' (see -h)");
  const char* operand[] = {"tool", "x"};
  CHECK_THROWS_WITH(parse_command_line(2, operand, g), "unknown argument 'x' (see -h)");
}
