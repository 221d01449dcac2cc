#pragma once
// The command-line grammar of the three tools (sluice-produce, sluice-bench,
// sluice-verify, and rdkafka-bench through bench_cli), one parser for all:
// Boost.Program_options splits argv into flags and operands; each tool then
// reads the flags in command-line order and checks their values itself (so
// that -X, -d and -q keep their order, and each message names the flag as it
// was typed).
//
// Grammar: "-b VALUE" or "-bVALUE" (kcat style), "--long VALUE" or
// "--long=VALUE", "--" ends the flags, "-" is an operand. Short flags are not
// bundled ("-vq" is unknown) and long flags are not abbreviated.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

// A bad command line: a one-line message naming the flag and what is
// accepted (the tool prefixes its name).
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct FlagSpec {
  char short_name = 0;    // 'b' for -b; 0: none
  std::string long_name;  // "bootstrap" for --bootstrap; empty: none
  bool takes_value = false;
};

// What a tool's command line accepts, and how its errors are worded.
struct Grammar {
  std::vector<FlagSpec> flags;
  bool operands = false;                          // FILE... (sluice-produce); otherwise an error
  std::string help_flag = "--help";               // "(see --help)" in messages
  std::string unknown_flag = "unknown option";    // "unknown option '--x' (see --help)"
  std::string bad_operand = "unexpected argument";  // "unexpected argument 'x' (see --help)"
};

struct ParsedFlag {
  std::string spelling;               // as typed, without a value: "-b" or "--bootstrap"
  std::string name;                   // the long name if it has one, else the short letter: "bootstrap", "p"
  std::optional<std::string> value;   // set exactly when the flag takes a value
};

struct CommandLine {
  std::vector<ParsedFlag> flags;      // in command-line order, repeats kept
  std::vector<std::string> operands;  // in order, those after "--" too
};

// Parses argv[1..argc). Throws UsageError: "unknown option '-Q' (see -h)",
// "-t: missing value", "--json: takes no value", "unexpected argument 'x'
// (see --help)".
CommandLine parse_command_line(int argc, const char* const* argv, const Grammar& grammar);

}  // namespace sluice::cli
