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
  CHECK(s.linger == std::chrono::milliseconds(20));
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

TEST_CASE("properties files: comments, both separators, line numbers in errors") {
  const std::string path = "config_test.properties";
  {
    std::ofstream f(path);
    f << "# comment\n! also a comment\n\nbootstrap.servers = a:1,b:2\nlinger.ms: 7\n";
  }
  auto s = Config::from_properties_file(path).resolve();
  CHECK(s.bootstrap_servers == "a:1,b:2");
  CHECK(s.linger == std::chrono::milliseconds(7));
  {
    std::ofstream f(path);
    f << "bootstrap.servers=a:1\nlinger.ms=x\n";
  }
  CHECK(error_of([&] { Config::from_properties_file(path); }).find(path + ":2:") != std::string::npos);
  std::remove(path.c_str());
  CHECK(error_of([] { Config::from_properties_file("/nonexistent/file"); }).find("cannot read") != std::string::npos);
}

// Reported: "bootstrap.servers 127.0.0.1:1" was an unknown property
// 'bootstrap.servers 127.0.0.1', and a sasl.jaas.config continued over
// lines with '\' was refused.
TEST_CASE("properties files: Java's whole grammar reaches the properties") {
  const std::string path = "config_test_grammar.properties";
  {
    std::ofstream f(path);
    f << "bootstrap.servers 127.0.0.1:1\n"
         "security.protocol : SASL_PLAINTEXT\n"
         "sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required \\\n"
         "    username=\"alice\" \\\n"
         "    password=\"p\\u00e9\";\n"
         "client.id=caf\\u00e9\n"
         "linger.ms=1\nlinger.ms=2\n";  // repeated: the later wins, as in Java
  }
  auto s = Config::from_properties_file(path).resolve();
  std::remove(path.c_str());
  CHECK(s.bootstrap_servers == "127.0.0.1:1");
  CHECK(s.security.sasl.username == "alice");
  CHECK(s.security.sasl.password == "p\xC3\xA9");
  CHECK(s.client_id == "caf\xC3\xA9");
  CHECK(s.linger == std::chrono::milliseconds(2));
}

TEST_CASE("properties files: a bad escape names the file, line and property, never a secret") {
  const std::string path = "config_test_escape.properties";
  {
    std::ofstream f(path);
    f << "bootstrap.servers=h:1\nsasl.password=hunter2\\u00\n";
  }
  const auto e = error_of([&] { Config::from_properties_file(path); });
  std::remove(path.c_str());
  CHECK(e.find(path + ":2:") != std::string::npos);
  CHECK(e.find("sasl.password") != std::string::npos);
  CHECK(e.find("hunter2") == std::string::npos);
}

TEST_CASE("transactional.id is refused with what to do") {
  auto t = error_of([] { Config().set("transactional.id", "tx-1"); });
  CHECK(t.find("not supported yet") != std::string::npos);
}

// The 0.8 producer the seed configures names its encoders; Java configs
// name serializers. The built-in string/bytes ones are what Sluice does.
TEST_CASE("built-in serializer class names are accepted, any other class is an error naming it") {
  Config c;
  CHECK_NOTHROW(c.set("serializer.class", "kafka.serializer.StringEncoder"));
  CHECK_NOTHROW(c.set("key.serializer.class", "kafka.serializer.DefaultEncoder"));
  CHECK_NOTHROW(c.set("key.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
  CHECK_NOTHROW(c.set("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"));
  for (const char* ok : {"org.apache.kafka.common.serialization.ByteBufferSerializer",
                         "org.apache.kafka.common.serialization.BytesSerializer"}) {
    CHECK_NOTHROW(Config().set("value.serializer", ok));
  }
  auto e = error_of([] { Config().set("value.serializer", "io.confluent.kafka.serializers.KafkaAvroSerializer"); });
  CHECK(e.find("'value.serializer'") != std::string::npos);
  CHECK(e.find("KafkaAvroSerializer") != std::string::npos);
  CHECK(e.find("serializer.hpp") != std::string::npos);
  CHECK_FALSE(error_of([] { Config().set("serializer.class", "com.example.MyEncoder"); }).empty());
}

TEST_CASE("new properties check their values") {
  CHECK(error_of([] { Config().set("linger.ms", "0.5.1"); }).find("'linger.ms'") != std::string::npos);
  CHECK(error_of([] { Config().set("linger.ms", "900000.001"); }).find("out of range") != std::string::npos);
  CHECK_NOTHROW(Config().set("linger.ms", "0.5"));
  CHECK_NOTHROW(Config().set("queue.enqueue.timeout.ms", "-1"));
  CHECK_FALSE(error_of([] { Config().set("queue.enqueue.timeout.ms", "-2"); }).empty());
  CHECK_FALSE(error_of([] { Config().set("topic.metadata.refresh.interval.ms", "3600001"); }).empty());
  CHECK_FALSE(error_of([] { Config().set("log_level", "8"); }).empty());
  CHECK_FALSE(error_of([] { Config().set("socket.keepalive.enable", "yes"); }).empty());
  CHECK(error_of([] { Config().set("debug", "broker,everything"); }).find("'everything'") != std::string::npos);
  CHECK_NOTHROW(Config().set("debug", "broker, topic,msg"));
  auto only_errors = [](std::optional<std::string> value) {
    Config c = Config::from_map({{"bootstrap.servers", "h:1"}});
    if (value) c.set("delivery.report.only.error", *value);
    return c.resolve().delivery_report_only_error;
  };
  CHECK(only_errors("true"));
  CHECK_FALSE(only_errors("false"));
  CHECK_FALSE(only_errors(std::nullopt));
  CHECK_FALSE(error_of([] { Config().set("delivery.report.only.error", "errors"); }).empty());
  CHECK(error_of([] { Config().set("ssl.enabled.protocols", "TLSv1.1,TLSv1.2"); }).find("older than TLS 1.2") !=
        std::string::npos);
  CHECK_NOTHROW(Config().set("ssl.enabled.protocols", "TLSv1.2, TLSv1.3"));
  CHECK(error_of([] { Config().set("ssl.keystore.type", "JKS"); }).find("keytool -importkeystore") !=
        std::string::npos);
  CHECK_NOTHROW(Config().set("ssl.keystore.type", "pkcs12"));
}

// Reported: an alias given with -X did not override the same property from -F.
TEST_CASE("replace() wins over an earlier setting under any name, and set() still refuses two names") {
  Config c;
  c.set("queue.buffering.max.ms", "50");
  c.replace("linger.ms", "7");
  CHECK(c.values().at("linger.ms") == "7");
  c.replace("metadata.broker.list", "a:1");
  c.replace("bootstrap.servers", "b:2");
  CHECK(c.resolve().bootstrap_servers == "b:2");
  CHECK(c.resolve().linger == std::chrono::milliseconds(7));
  CHECK(error_of([&] { c.set("queue.buffering.max.ms", "9"); }).find("already set") != std::string::npos);
  CHECK_FALSE(error_of([&] { c.replace("linger.ms", "soon"); }).empty());  // values are still checked
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
  CHECK(sluice::ConfigBuilder().linger(500us).bootstrap_servers("h:1").build().resolve().linger == 500us);
  CHECK(sluice::ConfigBuilder().linger(20ms).build().values().at("linger.ms") == "20.000");
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

