#pragma once
// Child processes for sluice-verify: kcat (captured, with a deadline) and
// the fault command (in the background, in its own process group so that
// a deadline can stop it and everything it started). No shell is involved
// for kcat: arguments are passed as they are.
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sluice::verify {

struct ProcessResult {
  bool started = false;    // false: could not be run at all (see `error`)
  int exit_code = -1;      // when it exited normally
  int signal = 0;          // when a signal ended it
  bool timed_out = false;  // we killed it at the deadline
  std::string out, err;    // captured stdout / stderr (run_capture only)
  std::string error;       // why it could not be started
  bool ok() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  // "exit 3", "killed by signal 9", "timed out after ...", "could not start: ..."
  std::string status() const;
};

// Runs argv (argv[0] looked up in PATH) with stdin from /dev/null, captures
// stdout and stderr, and SIGKILLs it if it is still running after `timeout`.
ProcessResult run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// `sh -c command` in the background, stdin /dev/null, its stdout sent to our
// stderr (our stdout carries only the summary). The destructor stops a
// command still running (SIGKILL to its process group) and reaps it.
class BackgroundCommand {
 public:
  explicit BackgroundCommand(const std::string& command);
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  // Waits for it to exit; after `timeout`, kills its process group and
  // reports timed_out. Call once.
  ProcessResult wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::string error_;
};

}  // namespace sluice::verify
