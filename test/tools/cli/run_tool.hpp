#pragma once
// Runs a tool binary the way a shell would: argv, bytes on stdin, stdout
// and stderr captured apart, exit code, and a time limit after which it is
// killed (so a tool that hangs fails its test instead of stalling CTest).
#include <chrono>
#include <string>
#include <vector>

namespace sluice::test {

struct ToolRun {
  int exit_code = -1;      // -1: killed by a signal (see signal)
  int signal = 0;
  bool timed_out = false;  // killed at the time limit
  double seconds = 0;      // wall time until it exited
  std::string out;
  std::string err;
};

ToolRun run_tool(const std::vector<std::string>& argv, const std::string& stdin_bytes = "",
                 std::chrono::seconds limit = std::chrono::seconds(120));

// A signal sent to the tool once, `after` its start; with keep_stdin_open
// its stdin stays open (after `stdin_bytes`) until it exits, as a terminal's.
struct SignalAfter {
  int signal = 0;
  std::chrono::milliseconds after{0};
  bool keep_stdin_open = false;
};
ToolRun run_tool(const std::vector<std::string>& argv, const std::string& stdin_bytes, std::chrono::seconds limit,
                 SignalAfter signal);

// The non-empty lines of `text`.
std::vector<std::string> lines_of(const std::string& text);

// A shell-like rendering of argv, for failure messages.
std::string command_line(const std::vector<std::string>& argv);

}  // namespace sluice::test
