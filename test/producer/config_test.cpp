#include "sluice/config.hpp"
#include "sluice/config_builder.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using sluice::Config;
using sluice::ConfigError;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("defaults resolve, aliases set the same property") {
  auto s = Config::from_map({{"metadata.broker.list", "h:1"}, {"queue.buffering.max.ms", "20"},
                             {"request.required.acks", "1"}})
               .resolve();
  CHECK(s.bootstrap_servers == "h:1");
  CHECK(s.linger.count() == 20);
  CHECK(s.acks == 1);
  CHECK(s.batch_size == 16384);
  CHECK(Config::from_map({{"bootstrap.servers", "h:1"}, {"acks", "all"}}).resolve().acks == -1);
}

TEST_CASE("unknown properties, bad values and double names are errors naming the property") {
  CHECK(error_of([] { Config().set("no.such.property", "1"); }).find("'no.such.property'") != std::string::npos);
  auto e = error_of([] { Config().set("linger.ms", "soon"); });
  CHECK(e.find("'linger.ms'") != std::string::npos);
  CHECK(e.find("'soon'") != std::string::npos);
  CHECK(e.find("0..900000") != std::string::npos);
  CHECK_FALSE(error_of([] { Config().set("batch.size", "0"); }).empty());
  CHECK_FALSE(error_of([] { Config().set("acks", "2"); }).empty());
  auto twice = error_of([] { Config().set("linger.ms", "1").set("queue.buffering.max.ms", "2"); });
  CHECK(twice.find("already set") != std::string::npos);
}

TEST_CASE("cross-property rules are checked at resolve") {
  CHECK(error_of([] { Config().resolve(); }).find("bootstrap.servers") != std::string::npos);
  auto e = error_of([] {
    Config::from_map({{"bootstrap.servers", "h:1"}, {"delivery.timeout.ms", "1000"}, {"request.timeout.ms", "5000"}})
        .resolve();
  });
  CHECK(e.find("delivery.timeout.ms") != std::string::npos);
}

TEST_CASE("properties files: comments, both separators, line numbers in errors") {
  const std::string path = "config_test.properties";
  {
    std::ofstream f(path);
    f << "# comment\n! also a comment\n\nbootstrap.servers = a:1,b:2\nlinger.ms: 7\n";
  }
  auto s = Config::from_properties_file(path).resolve();
  CHECK(s.bootstrap_servers == "a:1,b:2");
  CHECK(s.linger.count() == 7);
  {
    std::ofstream f(path);
    f << "bootstrap.servers=a:1\nlinger.ms=x\n";
  }
  CHECK(error_of([&] { Config::from_properties_file(path); }).find(path + ":2:") != std::string::npos);
  std::remove(path.c_str());
  CHECK(error_of([] { Config::from_properties_file("/nonexistent/file"); }).find("cannot read") != std::string::npos);
}

TEST_CASE("idempotence: on by default, explicit true conflicts are errors, defaults give way with a notice") {
  auto base = [](std::map<std::string, std::string> extra) {
    extra["bootstrap.servers"] = "h:1";
    return Config::from_map(extra);
  };
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
  CHECK(e.find("'enable.idempotence'") != std::string::npos);
  CHECK(e.find("acks=0") != std::string::npos);
  CHECK_FALSE(error_of([&] { base({{"enable.idempotence", "true"}, {"retries", "0"}}).resolve(); }).empty());
  s = base({{"enable.idempotence", "false"}, {"acks", "1"}}).resolve();
  CHECK_FALSE(s.enable_idempotence);
  CHECK(s.notices.empty());
}

TEST_CASE("transactional.id and Java serializer classes are refused with what to do") {
  auto t = error_of([] { Config().set("transactional.id", "tx-1"); });
  CHECK(t.find("not supported yet") != std::string::npos);
  auto j = error_of([] { Config().set("serializer.class", "kafka.serializer.StringEncoder"); });
  CHECK(j.find("serializer.hpp") != std::string::npos);
  CHECK_FALSE(error_of([] { Config().set("value.serializer", "org.apache.kafka.common.serialization.StringSerializer"); }).empty());
}

TEST_CASE("partitioner names, producer.type, buffer bounds") {
  auto s = Config::from_map({{"bootstrap.servers", "h:1"},
                             {"partitioner", "consistent_random"},
                             {"producer.type", "sync"},
                             {"buffer.memory", "2048"},
                             {"queue.buffering.max.messages", "10"}})
               .resolve();
  CHECK(s.partitioner == "consistent_random");
  CHECK(s.sync);
  CHECK(s.buffer_memory == 2048);
  CHECK(s.max_queued_records == 10);
  CHECK_NOTHROW(Config().set("partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner"));
  CHECK(error_of([] { Config().set("partitioner", "fastest"); }).find("'partitioner'") != std::string::npos);
  CHECK_FALSE(error_of([] { Config().set("producer.type", "batch"); }).empty());
  CHECK_FALSE(error_of([] { Config().set("enable.idempotence", "yes"); }).empty());
}

TEST_CASE("the typed builder sets the same properties, with the same checks") {
  using namespace std::chrono_literals;
  auto s = sluice::ConfigBuilder()
               .bootstrap_servers("h:1,h:2")
               .acks(sluice::Acks::leader)
               .compression(sluice::CompressionType::lz4)
               .linger(20ms)
               .batch_size(65536)
               .enable_idempotence(false)
               .sync(true)
               .set("queue.buffering.max.messages", "100")
               .build()
               .resolve();
  CHECK(s.bootstrap_servers == "h:1,h:2");
  CHECK(s.acks == 1);
  CHECK(s.compression == "lz4");
  CHECK(s.linger == 20ms);
  CHECK(s.batch_size == 65536);
  CHECK_FALSE(s.enable_idempotence);
  CHECK(s.sync);
  CHECK(s.max_queued_records == 100);
  CHECK(sluice::ConfigBuilder().acks(sluice::Acks::all).build().values().at("acks") == "-1");
  CHECK(error_of([] { sluice::ConfigBuilder().linger(std::chrono::hours(1000)); }).find("'linger.ms'") !=
        std::string::npos);
  CHECK_FALSE(error_of([] { sluice::ConfigBuilder().linger(1ms).set("queue.buffering.max.ms", "2"); }).empty());
}

// Reported: build() returned a reference into the builder, so a Config bound
// from a temporary builder dangled (ASan: stack-use-after-scope).
TEST_CASE("a Config built from a temporary builder outlives the builder") {
  const sluice::Config& c = sluice::ConfigBuilder{}.bootstrap_servers("127.0.0.1:1").build();
  CHECK(c.values().at("bootstrap.servers") == "127.0.0.1:1");
  sluice::ConfigBuilder kept;
  kept.bootstrap_servers("h:1");
  const sluice::Config copy = kept.build();
  kept.bootstrap_servers("h:2");
  CHECK(copy.values().at("bootstrap.servers") == "h:1");  // a copy, not a view of the builder
}

TEST_CASE("docs/CONFIGURATION.md lists every property and alias") {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/CONFIGURATION.md");
  REQUIRE(in);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& p : sluice::property_table()) {
    INFO(p.name);
    CHECK(doc.find(std::string("| `") + p.name + "` |") != std::string::npos);
    for (const char* alias : p.aliases) {
      INFO(alias);
      CHECK(doc.find(std::string("`") + alias + "`") != std::string::npos);
    }
  }
}
