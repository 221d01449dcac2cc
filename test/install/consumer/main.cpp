#include <sluice/sluice.hpp>

#include <cstdio>

int main() {
  try {
    sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", "no-port-here"}}));
  } catch (const sluice::ConfigError& e) {
    std::printf("config error on %s\n", e.property().c_str());
    return 0;
  }
  return 1;
}
