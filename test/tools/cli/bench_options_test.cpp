// sluice-bench's options as a sluice::Config.
#include <catch2/catch.hpp>
#include <string>

#include "bench_options.hpp"

using namespace sluice::bench;

namespace {
BenchOptions options(std::vector<std::pair<std::string, std::string>> props) {
  BenchOptions o;
  o.bootstrap = "127.0.0.1:9092";
  o.topic = "t";
  o.properties = std::move(props);
  return o;
}
}  // namespace

TEST_CASE("the flags become Sluice properties, the later one winning") {
  const sluice::Config c =
      sluice_config(options({{"acks", "1"}, {"compression.type", "lz4"}, {"linger.ms", "7"}, {"acks", "all"}}));
  const auto s = c.resolve();
  CHECK(s.bootstrap_servers == "127.0.0.1:9092");
  CHECK(s.acks == -1);
  CHECK(s.compression == "lz4");
  CHECK(s.linger == std::chrono::milliseconds(7));
}

TEST_CASE("a property Sluice does not know is a ConfigError naming it") {
  try {
    sluice_config(options({{"enable.idempotence.typo", "true"}}));
    FAIL("no error");
  } catch (const sluice::ConfigError& e) {
    CHECK(e.property() == "enable.idempotence.typo");
    CHECK(std::string(e.what()).find("unknown property 'enable.idempotence.typo'") != std::string::npos);
  }
}

TEST_CASE("one property under two names (--linger-ms and -X queue.buffering.max.ms) is refused") {
  CHECK_THROWS_AS(sluice_config(options({{"linger.ms", "5"}, {"queue.buffering.max.ms", "10"}})),
                  sluice::ConfigError);
}
