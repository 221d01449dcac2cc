// Diagnostics against a real Kafka: the error callback's client-wide events
// (all brokers down at a stopped port, authentication failed with a wrong
// SCRAM password, a fatal producer state), debug output filtered by
// context, and no secret in any line the producer writes (debug=all, the
// configuration dump, failed authentications, ConfigErrors), with a
// negative control proving the check finds a leaked secret.
// Needs SLUICE_BOOTSTRAP and a secure cluster (`tools/kafka-local start
// --secure`, secure_cluster.hpp). Waits poll against deadlines.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <unistd.h>

#include "broker_env.hpp"
#include "secure_cluster.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/sluice.hpp"
#include "stderr_capture.hpp"

using namespace std::chrono_literals;
using sluice::ClientError;
using sluice::ClientErrorKind;
using sluice::Config;
using sluice::Producer;
using sluice::Record;
using sluice::test::LogCapture;
using sluice::test::stderr_of;

namespace {

// The events an error callback received.
class Events {
 public:
  sluice::ErrorCallback callback() {
    return [this](const ClientError& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      if (inside_) inside_(e);
      cv_.notify_all();
    };
  }
  // Also runs `f` inside the callback (on the callback thread).
  void also(std::function<void(const ClientError&)> f) { inside_ = std::move(f); }
  std::optional<ClientError> wait_for(ClientErrorKind kind, std::chrono::milliseconds limit = 15000ms) {
    std::unique_lock lock(mu_);
    std::optional<ClientError> found;
    cv_.wait_for(lock, limit, [&] {
      for (const auto& e : events_) {
        if (e.kind == kind) found = e;
      }
      return found.has_value();
    });
    return found;
  }
  std::size_t count(ClientErrorKind kind) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [kind](const ClientError& e) { return e.kind == kind; }));
  }
  std::vector<ClientError> all() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ClientError> events_;
  std::function<void(const ClientError&)> inside_;
};

// A TCP port on 127.0.0.1 nobody listens on: bound, then closed.
int stopped_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Polls until `log` holds `n` lines containing `part`.
bool wait_lines(const LogCapture& log, const std::string& part, std::size_t n, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    std::size_t seen = 0;
    for (const auto& l : log.lines()) seen += l.find(part) != std::string::npos;
    if (seen >= n) return true;
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

// ------------------------------------------------------------ error callback

TEST_CASE("error callback: all brokers down at a stopped port, once per outage, on the callback thread") {
  const std::string address = "127.0.0.1:" + std::to_string(stopped_port());
  LogCapture log;
  Events events;
  auto options = log.options();
  options.error_callback = events.callback();
  Producer producer(Config::from_map({{"bootstrap.servers", address},
                                      {"reconnect.backoff.ms", "10"},
                                      {"reconnect.backoff.max.ms", "20"},
                                      {"max.block.ms", "3000"}}),
                    options);
  bool on_callback_thread = false;
  std::string stats_from_callback;
  events.also([&](const ClientError&) {
    on_callback_thread = producer.on_io_thread();
    stats_from_callback = producer.statistics_json();  // no producer lock is held: this cannot deadlock
  });
  auto report = producer.send(Record{.topic = "diagnostics", .value = "never"});
  const auto down = events.wait_for(ClientErrorKind::all_brokers_down);
  INFO("log:\n" << log.all());
  REQUIRE(down);
  CHECK_FALSE(down->fatal());
  CHECK(down->error == std::errc::connection_refused);
  CHECK(down->message.find(address) != std::string::npos);
  // Several more attempts fail in the same outage: still one event.
  CHECK(wait_lines(log, "cannot connect", 4, 10000ms));
  CHECK(events.count(ClientErrorKind::all_brokers_down) == 1);
  CHECK(events.count(ClientErrorKind::authentication) == 0);
  CHECK(on_callback_thread);
  CHECK_FALSE(stats_from_callback.empty());
  // The record still gets its own report.
  const auto r = report.get();
  CHECK(r.error == sluice::errc::no_broker_available);
}

TEST_CASE("error callback: nothing while one bootstrap entry answers, though another is a stopped port") {
  const std::string dead = "127.0.0.1:" + std::to_string(stopped_port());
  Events events;
  LogCapture log;
  auto options = log.options();
  options.error_callback = events.callback();
  Producer producer(Config::from_map({{"bootstrap.servers", dead + "," + sluice::test::bootstrap_or_fail()}}), options);
  const auto topic = sluice::test::unique_topic("diagnostics-ok");
  const auto r = producer.send_sync(Record{.topic = topic, .value = "v"});
  INFO(r.error_message << "\n" << log.all());
  CHECK(r);
  producer.flush(10s);
  CHECK(events.all().empty());
}

TEST_CASE("error callback: a wrong SCRAM password is an authentication event naming the broker, not the password") {
  const auto info = sluice::test::secure_info_or_fail();
  const std::string wrong = "wrong-pw-for-alice-5e1";
  Events events;
  LogCapture log;
  auto options = log.options();
  options.error_callback = events.callback();
  auto properties = sluice::test::sasl_ssl(info, "SCRAM-SHA-512", "alice", wrong);
  Producer producer(Config::from_map(properties), options);
  producer.send(Record{.topic = info.at("topic.allowed"), .value = "never"}, [](const sluice::DeliveryReport&) {});
  const auto auth = events.wait_for(ClientErrorKind::authentication);
  INFO("log:\n" << log.all());
  REQUIRE(auth);
  CHECK(auth->error == sluice::protocol::kafka_errc::sasl_authentication_failed);
  CHECK(auth->message.find(info.first("bootstrap.sasl_ssl")) != std::string::npos);
  CHECK(auth->message.find("sasl.password") != std::string::npos);
  CHECK(auth->message.find(wrong) == std::string::npos);
  // Every broker refused: that is all brokers down as well.
  const auto down = events.wait_for(ClientErrorKind::all_brokers_down);
  REQUIRE(down);
  CHECK(down->message.find(wrong) == std::string::npos);
  producer.close(0ms);
}

TEST_CASE("error callback: CLUSTER_AUTHORIZATION_FAILED for InitProducerId is one fatal event") {
  const auto info = sluice::test::secure_info_or_fail();
  Events events;
  LogCapture log;
  auto options = log.options();
  options.error_callback = events.callback();
  // bob may Describe secure-allowed but has no IdempotentWrite (tools/kafka-local).
  auto properties = sluice::test::sasl_ssl(info, "SCRAM-SHA-512", "bob", info.at("user.bob.password"));
  properties["enable.idempotence"] = "true";
  Producer producer(Config::from_map(properties), options);
  auto report = producer.send(Record{.topic = info.at("topic.allowed"), .value = "bob"});
  const auto fatal = events.wait_for(ClientErrorKind::fatal);
  INFO("log:\n" << log.all());
  REQUIRE(fatal);
  CHECK(fatal->fatal());
  CHECK(fatal->message.find("CLUSTER_AUTHORIZATION_FAILED") != std::string::npos);
  CHECK_FALSE(report.get());
  CHECK(events.count(ClientErrorKind::fatal) == 1);
}

// ------------------------------------------------------------ debug contexts

namespace {

// The debug lines ("[context] ...") a producer with `debug` writes while
// `act` runs (by default: sending one record).
std::vector<std::string> debug_lines(const std::string& debug,
                                     const std::function<void(Producer&)>& act = [](Producer& producer) {
                                       const auto r = producer.send_sync(
                                           Record{.topic = sluice::test::unique_topic("diagnostics-debug"), .value = "v"});
                                       REQUIRE(r);
                                     }) {
  std::vector<std::string> lines;
  std::mutex mu;
  sluice::ProducerOptions options;
  options.log_sink = [&](sluice::LogLevel level, std::string_view m) {
    std::lock_guard lock(mu);
    if (level == sluice::LogLevel::debug) lines.emplace_back(m);
  };
  {
    Producer producer(Config::from_map({{"bootstrap.servers", sluice::test::bootstrap_or_fail()}, {"debug", debug}}),
                      options);
    act(producer);
  }
  std::lock_guard lock(mu);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

bool any_starts(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("debug: only the contexts asked for are written, each line tagged") {
  const auto metadata = debug_lines("metadata");
  INFO(joined(metadata));
  CHECK(any_starts(metadata, "[metadata] Metadata v"));
  for (const auto& l : metadata) CHECK(l.rfind("[metadata] ", 0) == 0);

  const auto broker_msg = debug_lines("broker,msg,cgrp");  // cgrp: a consumer context, ignored
  CHECK(any_starts(broker_msg, "[broker] connected to "));
  CHECK(any_starts(broker_msg, "[msg] Produce v"));
  CHECK_FALSE(any_starts(broker_msg, "[metadata]"));
  CHECK_FALSE(any_starts(broker_msg, "[conf]"));

  const auto all = debug_lines("all");
  for (const char* context : {"[generic] ", "[broker] ", "[metadata] ", "[msg] ", "[eos] ", "[conf] ", "[protocol] "}) {
    CHECK(any_starts(all, context));
  }
}

// debug=protocol: a line per request written and per answer read, naming the
// broker, the API, its version and correlation id; the Produce request and
// its answer among them. debug=admin: create_topics, asked and answered.
TEST_CASE("debug: protocol lines for every request and answer, admin lines for create_topics") {
  const auto protocol = debug_lines("protocol");
  INFO(joined(protocol));
  for (const auto& l : protocol) CHECK(l.rfind("[protocol] ", 0) == 0);
  auto has = [&](const std::string& part) {
    return std::any_of(protocol.begin(), protocol.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
  };
  CHECK(has(": sent ApiVersions v"));
  CHECK(has(": received the answer to ApiVersions v"));
  CHECK(has(": sent Metadata v"));
  CHECK(has(": sent Produce v"));
  CHECK(has(": received the answer to Produce v"));
  CHECK(any_starts(protocol, "[protocol] bootstrap broker "));

  const std::string topic = sluice::test::unique_topic("diagnostics-admin");
  const auto admin = debug_lines("admin", [&](Producer& producer) {
    const sluice::NewTopic t{.name = topic, .num_partitions = 2, .replication_factor = 1};
    REQUIRE(producer.create_topics(std::span(&t, 1), std::chrono::seconds(30)).at(0));
  });
  INFO(joined(admin));
  CHECK(any_starts(admin, "[admin] create_topics '" + topic + "' (2 partitions, replication factor 1), timeout 30000 ms"));
  CHECK(any_starts(admin, "[admin] create_topics '" + topic + "': created, 2 partitions"));
}

// ------------------------------------------------------------ secrets

namespace {

// The secrets that occur in `lines` (empty: none leaked).
std::vector<std::string> leaked(const std::vector<std::string>& lines, const std::vector<std::string>& secrets) {
  std::vector<std::string> found;
  for (const auto& s : secrets) {
    for (const auto& l : lines) {
      if (l.find(s) != std::string::npos) {
        found.push_back(s + " in: " + l);
        break;
      }
    }
  }
  return found;
}

// Every line a producer with `properties` (and debug=all) writes through a
// sink while sending one record: log lines, client errors, the report.
std::vector<std::string> everything_written(std::map<std::string, std::string> properties, bool expect_ok) {
  properties["debug"] = "all";
  properties["max.block.ms"] = "4000";
  LogCapture log;
  Events events;
  auto options = log.options();
  options.error_callback = events.callback();
  sluice::DeliveryReport r;
  {
    Producer producer(Config::from_map(properties), options);
    r = producer.send_sync(Record{.topic = "secure-allowed", .value = "secret test"});
  }
  INFO(r.error_message << "\n" << log.all());
  CHECK(static_cast<bool>(r) == expect_ok);
  auto lines = log.lines();
  CHECK(lines.size() > 5);
  lines.push_back(r.error_message);
  for (const auto& e : events.all()) lines.push_back(e.message);
  return lines;
}

// A PKCS#12 keystore of the cluster's client certificate and key under `password`.
std::string make_keystore(const sluice::test::SecureInfo& info, const std::string& password) {
  const std::string path = "/tmp/sluice-diagnostics-" + std::to_string(::getpid()) + ".p12";
  const std::string cmd = "openssl pkcs12 -export -in " + info.at("client.cert.file") + " -inkey " +
                          info.at("client.key.file") + " -out " + path + " -passout pass:" + password + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return path;
}

}  // namespace

TEST_CASE("secrets: no password, key password or keystore password in any line, debug=all, success and failure") {
  const auto info = sluice::test::secure_info_or_fail();
  const std::string alice = info.at("user.alice.password");
  const std::string key_password = info.at("client.key.password");
  const std::string keystore_password = "keystore-pw-93b";
  const std::string wrong = "wrong-pw-for-alice-77c";
  const std::vector<std::string> secrets = {alice, key_password, keystore_password, wrong};
  const std::string keystore = make_keystore(info, keystore_password);
  std::vector<std::string> lines;
  auto add = [&lines](const std::vector<std::string>& more) { lines.insert(lines.end(), more.begin(), more.end()); };

  // SASL_SSL with the right and a wrong password, as sasl.password and in sasl.jaas.config.
  add(everything_written(sluice::test::sasl_ssl(info, "SCRAM-SHA-512", "alice", alice), true));
  add(everything_written(sluice::test::sasl_ssl(info, "SCRAM-SHA-256", "alice", wrong), false));
  auto jaas = sluice::test::sasl_ssl(info, "PLAIN", "", "");
  jaas.erase("sasl.username");
  jaas.erase("sasl.password");
  jaas["sasl.jaas.config"] =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"" + wrong + "\";";
  add(everything_written(jaas, false));
  // Mutual TLS with an encrypted key, and with a PKCS#12 keystore.
  const std::map<std::string, std::string> mtls = {{"bootstrap.servers", info.at("bootstrap.mtls")},
                                                   {"security.protocol", "SSL"},
                                                   {"ssl.ca.location", info.at("ca.file")}};
  auto with_key = mtls;
  with_key["ssl.certificate.location"] = info.at("client.cert.file");
  with_key["ssl.key.location"] = info.at("client.key.encrypted.file");
  with_key["ssl.key.password"] = key_password;
  add(everything_written(with_key, true));
  auto with_keystore = mtls;
  with_keystore["ssl.keystore.location"] = keystore;
  with_keystore["ssl.keystore.password"] = keystore_password;
  add(everything_written(with_keystore, true));
  // The configuration errors that concern them.
  for (const auto& bad : std::vector<std::map<std::string, std::string>>{
           {{"bootstrap.servers", "h:1"}, {"ssl.keystore.location", keystore}, {"ssl.keystore.password", wrong}},
           {{"bootstrap.servers", "h:1"}, {"ssl.keystore.password", keystore_password}},
           {{"bootstrap.servers", "h:1"}, {"ssl.certificate.location", info.at("client.cert.file")},
            {"ssl.key.location", info.at("client.key.encrypted.file")}, {"ssl.key.password", wrong}}}) {
    try {
      Producer p(Config::from_map(bad));
      FAIL("expected a ConfigError");
    } catch (const sluice::ConfigError& e) {
      lines.emplace_back(e.what());
    }
  }
  // The stderr sink (no sink installed) with debug=all and a failed authentication.
  const std::string err = stderr_of([&] {
    auto props = sluice::test::sasl_ssl(info, "SCRAM-SHA-512", "alice", wrong);
    props["debug"] = "all";
    props["max.block.ms"] = "3000";
    Producer producer(Config::from_map(props));
    producer.send_sync(Record{.topic = "secure-allowed", .value = "x"});
  });
  CHECK(err.find("[conf] sasl.password = [redacted]") != std::string::npos);
  CHECK(err.find("SASL_AUTHENTICATION_FAILED") != std::string::npos);
  lines.push_back(err);
  std::remove(keystore.c_str());

  CHECK(lines.size() > 50);
  const auto leaks = leaked(lines, secrets);
  INFO("leaked:\n" << [&] {
    std::string s;
    for (const auto& l : leaks) s += l + "\n";
    return s;
  }());
  CHECK(leaks.empty());
}

TEST_CASE("secrets: negative control, a secret that does reach the log is found") {
  // client.id is not a secret, and the producer writes it: with a password
  // as client.id the check must report it.
  const auto info = sluice::test::secure_info_or_fail();
  const std::string alice = info.at("user.alice.password");
  auto properties = sluice::test::sasl_ssl(info, "SCRAM-SHA-512", "alice", alice);
  properties["client.id"] = "leaky-" + alice;
  const auto leaks = leaked(everything_written(properties, true), {alice});
  REQUIRE(leaks.size() == 1);
  CHECK(leaks[0].find("client.id") != std::string::npos);
}
