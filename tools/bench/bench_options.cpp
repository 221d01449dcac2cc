#include "bench_options.hpp"

namespace sluice::bench {

sluice::Config sluice_config(const BenchOptions& options) {
  sluice::Config config;
  config.set("bootstrap.servers", options.bootstrap);
  for (const auto& [name, value] : options.properties) config.set(name, value);
  return config;
}

}  // namespace sluice::bench
