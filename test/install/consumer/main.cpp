#include <sluice/sluice.hpp>

#include <cstdio>
#include <cstring>

int main() {
  // The library's version and the headers' are the same installed release.
  std::printf("sluice %s\n", sluice::version());
  if (std::strcmp(sluice::version(), SLUICE_VERSION_STRING) != 0) return 2;
  try {
    // A value out of range: the installed library must throw its ConfigError
    // (a bootstrap entry without a port is valid now: 9092, as librdkafka).
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", "127.0.0.1:9092"}, {"acks", "7"}}));
  } catch (const sluice::ConfigError& e) {
    std::printf("config error on %s\n", e.property().c_str());
    return 0;
  }
  return 1;
}
