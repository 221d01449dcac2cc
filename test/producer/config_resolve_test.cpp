// Config::resolve() (config_resolve.cpp): typed settings and the rules
// between properties, librdkafka's forms beside Java's.
#include "sluice/config.hpp"
#include "sluice/log.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using sluice::Config;
using sluice::ProducerSettings;
using sluice::test::contains;
using sluice::test::error_of;
using namespace std::chrono_literals;

namespace {

Config base(std::map<std::string, std::string> extra) {
  if (!extra.contains("bootstrap.servers") && !extra.contains("metadata.broker.list")) extra["bootstrap.servers"] = "h:1";
  return Config::from_map(extra);
}

ProducerSettings resolve(std::map<std::string, std::string> extra) { return base(std::move(extra)).resolve(); }

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

}  // namespace

TEST_CASE("bootstrap.servers is required and checked, and a missing port is 9092") {
  CHECK(contains(error_of([] { Config().resolve(); }).message, "bootstrap.servers"));
  // Reported: `-b 127.0.0.1` was refused.
  CHECK(resolve({{"bootstrap.servers", "127.0.0.1"}}).bootstrap_servers == "127.0.0.1");
  auto e = error_of([] { resolve({{"metadata.broker.list", "h:1,h:99999"}}); });
  CHECK(e.property == "metadata.broker.list");
  CHECK(contains(e.message, "'h:99999'"));
}

// Reported: message.timeout.ms=0 (librdkafka: no limit) was out of range.
TEST_CASE("message.timeout.ms=0 (and delivery.timeout.ms=0) mean no limit") {
  CHECK(resolve({{"message.timeout.ms", "0"}}).delivery_timeout == ProducerSettings::kNoLimit);
  CHECK(resolve({{"delivery.timeout.ms", "0"}}).delivery_timeout == ProducerSettings::kNoLimit);
  CHECK(ProducerSettings::kNoLimit == 2147483647ms);
}

// Reported: message.timeout.ms=100 failed naming delivery.timeout.ms.
TEST_CASE("linger + request timeout against the delivery timeout: Java's rule under Java's name only") {
  auto s = resolve({{"message.timeout.ms", "100"}});
  CHECK(s.delivery_timeout == 100ms);
  CHECK(s.request_timeout == 30000ms);  // unchanged
  CHECK(contains(joined(s.notices), "message.timeout.ms=100 is below linger.ms + request.timeout.ms (30005 ms)"));
  auto e = error_of([] { resolve({{"delivery.timeout.ms", "1000"}, {"request.timeout.ms", "5000"}}); });
  CHECK(e.property == "delivery.timeout.ms");
  CHECK(contains(e.message, "at least linger.ms + request.timeout.ms (5005)"));
  CHECK(contains(e.message, "message.timeout.ms"));
  // Left at its default, it is raised (as the Java client does), with a notice.
  s = resolve({{"request.timeout.ms", "200000"}});
  CHECK(s.delivery_timeout == 200005ms);
  CHECK(contains(joined(s.notices), "delivery.timeout.ms raised"));
  CHECK(resolve({}).notices.empty());
}

// Reported: linger.ms=0.5 was refused.
TEST_CASE("fractional linger.ms is kept to the microsecond") {
  CHECK(resolve({{"linger.ms", "0.5"}}).linger == 500us);
  CHECK(resolve({{"queue.buffering.max.ms", "2.25"}}).linger == 2250us);
  CHECK(resolve({}).linger == 5ms);
}

// Reported: topic.metadata.refresh.interval.ms was metadata.max.age.ms.
TEST_CASE("topic.metadata.refresh.interval.ms is its own property") {
  CHECK(resolve({}).metadata_max_age == 300000ms);
  CHECK(resolve({{"topic.metadata.refresh.interval.ms", "10000"}}).metadata_max_age == 10000ms);
  CHECK(resolve({{"topic.metadata.refresh.interval.ms", "-1"}}).metadata_max_age == ProducerSettings::kNoLimit);
  // Both: the smaller (metadata older than the max age is refreshed either way).
  CHECK(resolve({{"topic.metadata.refresh.interval.ms", "-1"}, {"metadata.max.age.ms", "60000"}}).metadata_max_age ==
        60000ms);
  CHECK(resolve({{"topic.metadata.refresh.interval.ms", "20000"}, {"metadata.max.age.ms", "60000"}})
            .metadata_max_age == 20000ms);
  auto e = error_of([] { resolve({{"topic.metadata.refresh.interval.ms", "0"}}); });
  CHECK(e.property == "topic.metadata.refresh.interval.ms");
  CHECK(contains(e.message, "-1 for no periodic refresh"));
}

TEST_CASE("queue.enqueue.timeout.ms: -1 blocks, 0 fails at once, N waits, and metadata waits stay max.block.ms") {
  auto s = resolve({});
  CHECK(s.enqueue_timeout == 60000ms);
  s = resolve({{"max.block.ms", "7000"}});
  CHECK(s.enqueue_timeout == 7000ms);
  s = resolve({{"queue.enqueue.timeout.ms", "-1"}});
  CHECK(s.enqueue_timeout == ProducerSettings::kNoLimit);
  CHECK(s.max_block == 60000ms);
  s = resolve({{"queue.enqueue.timeout.ms", "0"}, {"max.block.ms", "9000"}});
  CHECK(s.enqueue_timeout == 0ms);
  CHECK(s.max_block == 9000ms);
  CHECK(resolve({{"queue.enqueue.timeout.ms", "250"}}).enqueue_timeout == 250ms);
}

TEST_CASE("queue.buffering.max.kbytes is buffer.memory in KiB, and both is an error") {
  CHECK(resolve({{"queue.buffering.max.kbytes", "1024"}}).buffer_memory == 1048576);
  CHECK(resolve({}).buffer_memory == 33554432);
  auto e = error_of([] { resolve({{"queue.buffering.max.kbytes", "1024"}, {"buffer.memory", "4096"}}); });
  CHECK(e.property == "queue.buffering.max.kbytes");
  CHECK(contains(e.message, "set one"));
}

TEST_CASE("compression levels: librdkafka's compression.level or Java's per codec, checked against the codec") {
  CHECK_FALSE(resolve({{"compression.type", "zstd"}}).compression_level);
  CHECK(resolve({{"compression.type", "zstd"}, {"compression.level", "19"}}).compression_level == 19);
  CHECK(resolve({{"compression.type", "gzip"}, {"compression.gzip.level", "1"}}).compression_level == 1);
  CHECK(resolve({{"compression.type", "lz4"}, {"compression.lz4.level", "12"}}).compression_level == 12);
  CHECK_FALSE(resolve({{"compression.type", "gzip"}, {"compression.level", "-1"}}).compression_level);
  auto e = error_of([] { resolve({{"compression.type", "gzip"}, {"compression.level", "12"}}); });
  CHECK(e.property == "compression.level");
  CHECK(contains(e.message, "1..9"));
  e = error_of([] { resolve({{"compression.type", "zstd"}, {"compression.level", "3"}, {"compression.zstd.level", "4"}}); });
  CHECK(contains(e.message, "set one"));
  // A level that cannot apply is a warning, not silence.
  auto s = resolve({{"compression.type", "snappy"}, {"compression.level", "3"}});
  CHECK(contains(joined(s.warnings), "compression.level is set but compression.type=snappy"));
  s = resolve({{"compression.type", "lz4"}, {"compression.zstd.level", "3"}});
  CHECK(contains(joined(s.warnings), "compression.zstd.level is set but compression.type=lz4"));
  CHECK_FALSE(s.compression_level);
}

TEST_CASE("log_level and debug") {
  auto s = resolve({});
  CHECK_FALSE(s.log_level);
  CHECK(s.debug_contexts == 0);
  CHECK(resolve({{"log_level", "3"}}).log_level == 3);
  using C = sluice::DebugContext;
  const auto bits = [](std::initializer_list<C> cs) {
    std::uint32_t b = 0;
    for (auto c : cs) b |= static_cast<std::uint32_t>(c);
    return b;
  };
  CHECK(resolve({{"debug", "broker,topic,msg"}}).debug_contexts == bits({C::broker, C::topic, C::msg}));
  CHECK(resolve({{"debug", "all"}}).debug_contexts == sluice::kAllDebugContexts);
  CHECK(resolve({{"debug", " metadata , consumer"}}).debug_contexts == bits({C::metadata}));
  s = resolve({{"debug", "consumer,cgrp"}});
  CHECK(s.debug_contexts == 0);
  CHECK(contains(joined(s.notices), "consumer, cgrp do not apply to a producer"));
}

TEST_CASE("socket.keepalive.enable") {
  CHECK_FALSE(resolve({}).socket_keepalive);
  CHECK(resolve({{"socket.keepalive.enable", "true"}}).socket_keepalive);
}

TEST_CASE("idempotence: on by default, explicit true conflicts are errors, defaults give way with a notice") {
  auto s = base({}).resolve();
  CHECK(s.enable_idempotence);
  CHECK(s.notices.empty());
  s = base({{"acks", "1"}}).resolve();
  CHECK_FALSE(s.enable_idempotence);
  REQUIRE(s.notices.size() == 1);
  CHECK(s.notices[0].find("acks=1") != std::string::npos);
  CHECK_FALSE(base({{"max.in.flight", "6"}}).resolve().enable_idempotence);
  CHECK_FALSE(base({{"retries", "0"}}).resolve().enable_idempotence);
  auto e = error_of([&] { base({{"enable.idempotence", "true"}, {"acks", "0"}}).resolve(); });
  CHECK(e.message.find("'enable.idempotence'") != std::string::npos);
  CHECK(e.message.find("acks=0") != std::string::npos);
  CHECK_FALSE(error_of([&] { base({{"enable.idempotence", "true"}, {"retries", "0"}}).resolve(); }).message.empty());
  s = base({{"enable.idempotence", "false"}, {"acks", "1"}}).resolve();
  CHECK_FALSE(s.enable_idempotence);
  CHECK(s.notices.empty());
}

