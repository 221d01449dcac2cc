#pragma once
// sluice-bench's half of the command line: the shared options
// (bench_cli.hpp) as a sluice::Config. rdkafka-bench does the same with
// rd_kafka_conf_set.
#include "bench_cli.hpp"
#include "sluice/config.hpp"

namespace sluice::bench {

// bootstrap.servers from -b, then the properties in command-line order.
// Throws sluice::ConfigError naming the property (unknown name, bad value,
// one property under two names).
sluice::Config sluice_config(const BenchOptions& options);

}  // namespace sluice::bench
