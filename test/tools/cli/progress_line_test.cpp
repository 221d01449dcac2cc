// The live progress line's text, and that it stays silent when disabled.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "progress_line.hpp"

using namespace sluice::bench;

TEST_CASE("progress line shows records, rates and elapsed time") {
  ProgressSample s;
  s.sent = 120000;
  s.acked = 118000;
  s.records_per_s = 45210.4;
  s.mib_per_s = 4.3149;
  s.elapsed_s = 2.62;
  CHECK(format_progress(s) == "sent 120000  acked 118000  45210 rec/s  4.31 MiB/s  2.6 s");
  s.failed = 7;
  CHECK(format_progress(s) == "sent 120000  acked 118000  failed 7  45210 rec/s  4.31 MiB/s  2.6 s");
}

namespace {

// Collects what a ProgressLine writes.
struct Capture {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&data, &size);
  ~Capture() {
    std::fclose(f);
    std::free(data);
  }
  std::string text() {
    std::fflush(f);
    return std::string(data, size);
  }
};

}  // namespace

TEST_CASE("an enabled progress line rewrites itself at most every half second, then erases itself") {
  Capture cap;
  const Clock::time_point t0{};
  ProgressLine line(true, t0, cap.f);
  line.update(t0 + std::chrono::milliseconds(100), 10, 5, 0, 500);  // too soon
  CHECK(cap.text().empty());
  line.update(t0 + std::chrono::seconds(1), 2000, 1000, 0, 1000 * 1048576ULL / 100);
  CHECK(cap.text() == "\rsent 2000  acked 1000  1000 rec/s  10.00 MiB/s  1.0 s\033[K");
  line.finish();
  CHECK(cap.text().ends_with("\033[K\r\033[K"));
}

TEST_CASE("a disabled progress line (stderr not a terminal) prints nothing") {
  Capture cap;
  const Clock::time_point t0{};
  ProgressLine line(false, t0, cap.f);
  line.update(t0 + std::chrono::seconds(5), 10, 5, 0, 500);
  line.finish();
  CHECK(cap.text().empty());
}
