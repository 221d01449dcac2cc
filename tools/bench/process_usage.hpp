#pragma once
// This process's CPU time and peak memory (getrusage(RUSAGE_SELF): every
// thread, the client's I/O threads included).
namespace sluice::bench {

struct ProcessUsage {
  double user_s = 0;
  double system_s = 0;
  double peak_rss_mib = 0;  // ru_maxrss: the high-water mark since the process started
};

ProcessUsage process_usage();

}  // namespace sluice::bench
