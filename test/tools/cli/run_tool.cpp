#include "run_tool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace sluice::test {
namespace {

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

}  // namespace

ToolRun run_tool(const std::vector<std::string>& argv, const std::string& stdin_bytes, std::chrono::seconds limit) {
  return run_tool(argv, stdin_bytes, limit, SignalAfter{});
}

ToolRun run_tool(const std::vector<std::string>& argv, const std::string& stdin_bytes, std::chrono::seconds limit,
                 SignalAfter signal) {
  using Clock = std::chrono::steady_clock;
  int in[2], out[2], err[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  // The child may exit before reading all its input: no SIGPIPE for us.
  ::signal(SIGPIPE, SIG_IGN);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);

  ToolRun run;
  std::size_t written = 0;
  int stdin_fd = in[1];
  int held_stdin = -1;  // written out, kept open (signal.keep_stdin_open)
  if (stdin_bytes.empty()) {
    if (signal.keep_stdin_open) held_stdin = stdin_fd;
    else ::close(stdin_fd);
    stdin_fd = -1;
  }
  bool signalled = signal.signal == 0;
  int out_fd = out[0], err_fd = err[0];
  char buf[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = limit - (Clock::now() - start);
    if (left <= Clock::duration::zero()) {
      run.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (!signalled && Clock::now() - start >= signal.after) {
      ::kill(pid, signal.signal);
      signalled = true;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (stdin_fd >= 0) fds[n++] = {stdin_fd, POLLOUT, 0};
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    const long long wait_ms = signalled ? std::min<long long>(ms, 1000) : std::min<long long>(ms, 20);
    if (::poll(fds, n, static_cast<int>(wait_ms)) < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == stdin_fd) {
        const ssize_t w = ::write(stdin_fd, stdin_bytes.data() + written, stdin_bytes.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN) || written == stdin_bytes.size()) {
          if (signal.keep_stdin_open) held_stdin = stdin_fd;
          else ::close(stdin_fd);
          stdin_fd = -1;
        }
        continue;
      }
      const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      std::string& sink = fds[i].fd == out_fd ? run.out : run.err;
      if (r > 0) {
        sink.append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
      }
    }
  }
  for (int fd : {stdin_fd, out_fd, err_fd, held_stdin}) {
    if (fd >= 0) ::close(fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + ("'" + a + "'");
  return s;
}

}  // namespace sluice::test
