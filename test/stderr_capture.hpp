#pragma once
// What a piece of code writes to stderr, for tests of the producer's default
// log sink (test/producer/log_test.cpp) and of its diagnostics against a
// broker (test/integration/diagnostics_test.cpp). Header-only: every test
// links sluice_test_main, which puts this folder on the include path.
#include <cstdio>
#include <functional>
#include <string>
#include <unistd.h>

namespace sluice::test {

// What `f` writes to stderr (file descriptor 2 is pointed at a temporary
// file while `f` runs, then restored).
inline std::string stderr_of(const std::function<void()>& f) {
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  std::FILE* tmp = std::tmpfile();
  ::dup2(::fileno(tmp), STDERR_FILENO);
  f();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::rewind(tmp);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, tmp)) > 0;) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

}  // namespace sluice::test
