#pragma once
// Ctrl-C (SIGINT) and SIGTERM stop a tool gracefully: it stops sending,
// waits for the reports of what it sent and reports. A second signal cuts
// the wait short.
#include <signal.h>

namespace sluice::bench {

// Installs the handlers, without SA_RESTART, so a blocking read() returns
// EINTR and the reader notices.
void install_interrupt_handlers();
// Signals received so far.
int interrupt_count() noexcept;

// Blocks SIGINT and SIGTERM in this thread while alive. Create the client
// inside one: its threads inherit the mask, so the signal reaches the main
// thread (and interrupts its read()) instead of a client thread.
class SignalBlock {
 public:
  SignalBlock();
  ~SignalBlock();
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t saved_;
};

}  // namespace sluice::bench
