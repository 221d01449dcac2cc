#include "process_usage.hpp"

#include <sys/resource.h>

namespace sluice::bench {
namespace {
double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }
}  // namespace

ProcessUsage process_usage() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  ProcessUsage u;
  u.user_s = seconds(ru.ru_utime);
  u.system_s = seconds(ru.ru_stime);
  u.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux reports KiB
  return u;
}

}  // namespace sluice::bench
