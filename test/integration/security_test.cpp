// TLS and SASL against a real secured Kafka: `tools/kafka-local start
// --secure` (listeners SSL, SASL_PLAINTEXT, SASL_SSL, MTLS, UNTRUSTED and
// EXPIRED next to PLAINTEXT; SCRAM users alice/bob/admin; ACLs letting alice
// and the mTLS principal write secure-allowed and nobody secure-denied).
// The cluster is described by `tools/kafka-local secure-info` (key=value
// lines): SLUICE_SECURE_INFO names that file (or holds its text), else the
// script is asked for the cluster of SLUICE_KAFKA_BASE. Without a secure
// cluster every test fails, saying how to start one.
//
// Records are read back with kcat over the PLAINTEXT listener (a super
// user), so what Sluice wrote over TLS/SASL is checked by another client.
// Waits poll a condition against a deadline; nothing sleeps a fixed time.
#include <boost/asio/io_context.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "broker_env.hpp"
#include "cluster_control.hpp"
#include "secure_cluster.hpp"
#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/sasl.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using sluice::Config;
using sluice::DeliveryReport;
using sluice::Producer;
using sluice::Record;
using sluice::test::LogCapture;
using sluice::test::SecureInfo;
using sluice::test::sasl_ssl;
using sluice::test::secure_info_or_fail;

namespace {

// Runs `io` until pred() holds or `limit` passes.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred, std::chrono::milliseconds limit = 20000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_one_for(50ms);
  }
  return pred();
}

// ------------------------------------------------------------ producers

std::map<std::string, std::string> with(std::map<std::string, std::string> base,
                                        const std::map<std::string, std::string>& more) {
  for (const auto& [k, v] : more) base[k] = v;
  return base;
}

// Sends `n` records keyed "<run>-<i>" to the allowed topic and checks each is
// acknowledged and then read back by kcat at the reported partition/offset.
void produce_and_read_back(const SecureInfo& info, const std::map<std::string, std::string>& properties, int n,
                           LogCapture& logs) {
  const std::string topic = info.at("topic.allowed");
  const std::string run = sluice::test::unique_topic("run");
  std::vector<DeliveryReport> reports;
  {
    Producer producer(Config::from_map(properties), logs.options());
    std::vector<std::future<DeliveryReport>> futures;
    for (int i = 0; i < n; ++i) {
      futures.push_back(producer.send(Record{.topic = topic, .key = run + "-" + std::to_string(i),
                                             .value = "value-" + std::to_string(i)}));
    }
    for (auto& f : futures) reports.push_back(f.get());
  }
  INFO("producer log:\n" << logs.all());
  for (const auto& r : reports) {
    INFO(r.error_message);
    REQUIRE(r);
  }
  const auto consumed = sluice::test::consume_all_with_kcat(info.at("bootstrap.plaintext"), topic);
  for (int i = 0; i < n; ++i) {
    const auto& r = reports[static_cast<std::size_t>(i)];
    auto it = std::find_if(consumed.begin(), consumed.end(),
                           [&](const auto& c) { return c.partition == r.partition && c.offset == r.offset; });
    REQUIRE(it != consumed.end());
    CHECK(it->key == run + "-" + std::to_string(i));
    CHECK(it->value == "value-" + std::to_string(i));
  }
}

// A producer whose first record cannot get through: returns what it logged
// (the connection failure) once `expected` shows up, failing if it does not
// within `limit`, followed by the record's report, which must name the
// failure as well.
std::string connection_failure(const std::map<std::string, std::string>& properties, const std::string& expected,
                               std::chrono::milliseconds limit = 8000ms) {
  LogCapture logs;
  Producer producer(Config::from_map(with(properties, {{"max.block.ms", "1000"}})), logs.options());
  auto report = producer.send(Record{.topic = "secure-allowed", .value = "never"});
  const bool seen = logs.wait_for(expected, limit);
  INFO("producer log:\n" << logs.all());
  CHECK(seen);
  // No broker could be used: the record fails after max.block.ms, and its
  // report says why (the application may not read the log).
  const auto r = report.get();
  INFO("report: " << r.error_message);
  CHECK_FALSE(r);
  CHECK(r.error == sluice::errc::no_broker_available);
  CHECK(r.error_message.find(expected) != std::string::npos);
  return logs.all() + "\n" + r.error_message;  // callers check both for names (and for no password)
}

}  // namespace

// ------------------------------------------------------------ what works

TEST_CASE("security: SASL_SSL with SCRAM-SHA-512, records read back, no credential in the log") {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  produce_and_read_back(info, sasl_ssl(info, "SCRAM-SHA-512", "alice", info.at("user.alice.password")), 20, logs);
  CHECK_FALSE(logs.contains(info.at("user.alice.password")));
}

TEST_CASE("security: mutual TLS with an encrypted client key, records read back") {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  produce_and_read_back(info,
                        {{"bootstrap.servers", info.at("bootstrap.mtls")},
                         {"security.protocol", "SSL"},
                         {"ssl.ca.location", info.at("ca.file")},
                         {"ssl.certificate.location", info.at("client.cert.file")},
                         {"ssl.key.location", info.at("client.key.encrypted.file")},
                         {"ssl.key.password", info.at("client.key.password")}},
                        10, logs);
  CHECK_FALSE(logs.contains(info.at("client.key.password")));
}

TEST_CASE("security: SASL_PLAINTEXT with PLAIN (Java's sasl.jaas.config) and SCRAM-SHA-256") {
  const auto info = secure_info_or_fail();
  const std::string password = info.at("user.alice.password");
  LogCapture plain_logs;
  produce_and_read_back(info,
                        {{"bootstrap.servers", info.at("bootstrap.sasl_plaintext")},
                         {"security.protocol", "sasl_plaintext"},
                         {"sasl.mechanisms", "PLAIN"},
                         {"sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                              "username=\"alice\" password=\"" + password + "\";"}},
                        5, plain_logs);
  LogCapture scram_logs;
  produce_and_read_back(info,
                        {{"bootstrap.servers", info.at("bootstrap.sasl_plaintext")},
                         {"security.protocol", "SASL_PLAINTEXT"},
                         {"sasl.mechanism", "SCRAM-SHA-256"},
                         {"sasl.username", "alice"},
                         {"sasl.password", password}},
                        5, scram_logs);
}

TEST_CASE("security: Java's ssl.truststore.location works with ssl.truststore.type=PEM only") {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  produce_and_read_back(info,
                        {{"bootstrap.servers", info.at("bootstrap.ssl")},
                         {"security.protocol", "SSL"},
                         {"ssl.truststore.location", info.at("ca.file")},
                         {"ssl.truststore.type", "PEM"}},
                        3, logs);
  CHECK_THROWS_WITH(Config::from_map({{"bootstrap.servers", info.at("bootstrap.ssl")},
                                      {"security.protocol", "SSL"},
                                      {"ssl.truststore.location", info.at("ca.file")}})
                        .resolve(),
                    Catch::Contains("JKS/PKCS12 truststores are not supported: use PEM"));
}

// ------------------------------------------------------------ what is refused, and how it reads

TEST_CASE("security: an untrusted broker certificate is 'certificate verify failed', naming the broker") {
  const auto info = secure_info_or_fail();
  const auto log = connection_failure({{"bootstrap.servers", info.at("bootstrap.untrusted")},
                                       {"security.protocol", "SSL"},
                                       {"ssl.ca.location", info.at("ca.file")}},
                                      "certificate verify failed");
  CHECK(log.find(info.first("bootstrap.untrusted")) != std::string::npos);
  CHECK(log.find("ssl.ca.location") != std::string::npos);
}

TEST_CASE("security: an expired broker certificate is refused") {
  const auto info = secure_info_or_fail();
  const auto log = connection_failure({{"bootstrap.servers", info.at("bootstrap.expired")},
                                       {"security.protocol", "SSL"},
                                       {"ssl.ca.location", info.at("ca.file")}},
                                      "certificate has expired");
  CHECK(log.find(info.first("bootstrap.expired")) != std::string::npos);
}

TEST_CASE("security: connecting to 127.0.0.1 with a certificate for localhost only is a name mismatch") {
  const auto info = secure_info_or_fail();
  std::string by_ip = info.first("bootstrap.ssl");
  REQUIRE(by_ip.rfind("localhost:", 0) == 0);
  by_ip.replace(0, std::string("localhost").size(), "127.0.0.1");
  const std::map<std::string, std::string> properties = {
      {"bootstrap.servers", by_ip}, {"security.protocol", "SSL"}, {"ssl.ca.location", info.at("ca.file")}};
  const auto log = connection_failure(properties, "IP address mismatch");
  CHECK(log.find("certificate verify failed") != std::string::npos);
  CHECK(log.find(by_ip) != std::string::npos);
  SECTION("ssl.endpoint.identification.algorithm=none accepts it (the chain is still verified)") {
    LogCapture logs;
    Producer producer(Config::from_map(with(properties, {{"ssl.endpoint.identification.algorithm", "none"}})),
                      logs.options());
    auto r = producer.send_sync(Record{.topic = info.at("topic.allowed"), .value = "by ip"});
    INFO(r.error_message << "\n" << logs.all());
    CHECK(r);
  }
}

TEST_CASE("security: a wrong password is SASL_AUTHENTICATION_FAILED with the broker's address, not the password") {
  const auto info = secure_info_or_fail();
  const std::string wrong = "not-alices-password-42";
  const auto log =
      connection_failure(sasl_ssl(info, "SCRAM-SHA-512", "alice", wrong), "SASL_AUTHENTICATION_FAILED");
  CHECK(log.find(info.first("bootstrap.sasl_ssl")) != std::string::npos);
  CHECK(log.find("sasl.password") != std::string::npos);
  CHECK(log.find(wrong) == std::string::npos);
}

TEST_CASE("security: a mechanism the broker does not enable is UNSUPPORTED_SASL_MECHANISM with its list") {
  const auto info = secure_info_or_fail();
  // Sluice's mechanisms are all enabled somewhere on this cluster
  // (OAUTHBEARER on the OAUTH listeners: oauth_test.cpp); GSSAPI is refused
  // by the configuration...
  CHECK_THROWS_WITH(Config::from_map({{"bootstrap.servers", "x:1"}, {"sasl.mechanism", "GSSAPI"}}),
                    Catch::Contains("not supported"));
  // ...so the broker's answer is checked at the connection level: a
  // handshake for a mechanism it lacks, on its SASL_PLAINTEXT listener.
  boost::asio::io_context io;
  const std::string first = info.first("bootstrap.sasl_plaintext");
  auto parsed = sluice::net::parse_broker_list(first);
  REQUIRE(parsed.ok());
  auto conn =
      std::make_shared<sluice::net::BrokerConnection>(io, 1, parsed.brokers[0], sluice::net::ConnectionOptions{});
  std::optional<std::error_code> connected;
  conn->connect([&](std::error_code ec) { connected = ec; });
  REQUIRE(run_until(io, [&] { return connected.has_value(); }));
  REQUIRE_FALSE(*connected);  // ApiVersions is allowed before authentication
  std::optional<sluice::protocol::SaslHandshakeResponse> answer;
  conn->send_at(
      sluice::protocol::ApiKey::SaslHandshake, 1,
      [](sluice::protocol::BufferWriter& w, std::int16_t v) {
        return sluice::protocol::encode(sluice::protocol::SaslHandshakeRequest{"GSSAPI"}, w, v);
      },
      true, [&](const sluice::net::RequestOutcome& out) {
        REQUIRE_FALSE(out.ec);
        auto r = sluice::protocol::decode_sasl_handshake_response(out.body, 1);
        REQUIRE(r);
        answer = *r;
      });
  REQUIRE(run_until(io, [&] { return answer.has_value(); }));
  CHECK(answer->error_code == static_cast<std::int16_t>(sluice::protocol::kafka_errc::unsupported_sasl_mechanism));
  auto offered = answer->mechanisms;  // in the broker's order
  std::sort(offered.begin(), offered.end());
  CHECK(offered == std::vector<std::string>{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"});
  conn->close(sluice::net::net_errc::shutting_down);
}

TEST_CASE("security: a TLS client at a plaintext port fails fast, pointing at security.protocol") {
  const auto info = secure_info_or_fail();
  const auto start = std::chrono::steady_clock::now();
  const auto log = connection_failure({{"bootstrap.servers", info.at("bootstrap.plaintext")},
                                       {"security.protocol", "SSL"},
                                       {"ssl.ca.location", info.at("ca.file")}},
                                      "TLS handshake with broker", 5000ms);
  CHECK(log.find("security.protocol") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < 9s);  // well inside the 10 s connect timeout, plus max.block.ms
}

// A failure the user must act on is an error once per broker, not once per
// retry: the same failure on the next attempts is logged at info.
TEST_CASE("security: the same TLS failure on every retry is one error line, the repeats info") {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  Producer producer(Config::from_map({{"bootstrap.servers", info.first("bootstrap.plaintext")},
                                      {"security.protocol", "SSL"},
                                      {"ssl.ca.location", info.at("ca.file")},
                                      {"reconnect.backoff.ms", "10"},
                                      {"reconnect.backoff.max.ms", "20"},
                                      {"max.block.ms", "3000"}}),  // the record then fails, the producer closes
                    logs.options());
  auto report = producer.send(Record{.topic = "secure-allowed", .value = "never"});
  const auto end = std::chrono::steady_clock::now() + 20s;
  while (logs.count(sluice::LogLevel::info, "(as before)") < 2 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(20ms);  // polls the log; the retries come every 10-20 ms
  }
  INFO("producer log:\n" << logs.all());
  CHECK(logs.count(sluice::LogLevel::info, "cannot connect (TLS handshake with broker") >= 2);
  CHECK(logs.count(sluice::LogLevel::error, "cannot connect (TLS handshake with broker") == 1);
  CHECK(logs.count(sluice::LogLevel::error, "(as before)") == 0);
}

TEST_CASE("security: a plaintext client at a TLS port fails fast, pointing at security.protocol") {
  const auto info = secure_info_or_fail();
  const auto log = connection_failure(
      {{"bootstrap.servers", info.at("bootstrap.ssl")}, {"socket.connection.setup.timeout.ms", "30000"}},
      "security.protocol to SSL", 5000ms);
  CHECK(log.find(info.first("bootstrap.ssl")) != std::string::npos);
}

// ------------------------------------------------------------ authorization

TEST_CASE("security: TOPIC_AUTHORIZATION_FAILED fails each record for secure-denied while secure-allowed flows") {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  std::mutex mu;
  std::vector<DeliveryReport> denied, allowed;
  {
    // max.block.ms far beyond the flush below: the denied records must fail
    // at the Metadata answer, not by waiting it out.
    Producer producer(Config::from_map(with(sasl_ssl(info, "SCRAM-SHA-512", "alice", info.at("user.alice.password")),
                                            {{"max.block.ms", "300000"}})),
                      logs.options());
    for (int i = 0; i < 5; ++i) {
      producer.send(Record{.topic = info.at("topic.denied"), .value = "no"}, [&](const DeliveryReport& r) {
        std::lock_guard lock(mu);
        denied.push_back(r);
      });
    }
    for (int i = 0; i < 20; ++i) {
      producer.send(Record{.topic = info.at("topic.allowed"), .value = "yes"}, [&](const DeliveryReport& r) {
        std::lock_guard lock(mu);
        allowed.push_back(r);
      });
    }
    CHECK(producer.flush(60s) == 0);  // nothing waits for max.block.ms (300 s)
    const auto stats = boost::json::parse(producer.statistics_json());
    CHECK(stats.at("sluice").at("records").at("retried").as_int64() == 0);  // nothing was resent
  }
  std::lock_guard lock(mu);
  INFO("producer log:\n" << logs.all());
  REQUIRE(denied.size() == 5);
  REQUIRE(allowed.size() == 20);
  for (const auto& r : denied) {
    INFO(r.error_message);
    CHECK_FALSE(r);
    CHECK_FALSE(r.outcome_unknown);
    CHECK(r.error == sluice::protocol::kafka_errc::topic_authorization_failed);
    CHECK(r.error_message.find("TOPIC_AUTHORIZATION_FAILED") != std::string::npos);
    CHECK(r.error_message.find(info.at("topic.denied")) != std::string::npos);
  }
  for (const auto& r : allowed) {
    INFO(r.error_message);
    CHECK(r);
  }
}

namespace {

// bob may Describe secure-allowed and nothing else (tools/kafka-local): the
// broker shows him the topic's metadata, then refuses what he sends.
std::vector<DeliveryReport> bob_sends(const SecureInfo& info, const std::map<std::string, std::string>& extra,
                                      LogCapture& logs, std::int64_t& retried) {
  std::mutex mu;
  std::vector<DeliveryReport> reports;
  // max.block.ms and delivery.timeout.ms far beyond the flush: the records
  // must fail at the broker's answer, not by waiting a deadline out.
  Producer producer(Config::from_map(with(with(sasl_ssl(info, "SCRAM-SHA-512", "bob", info.at("user.bob.password")),
                                               {{"max.block.ms", "300000"}, {"delivery.timeout.ms", "300000"}}),
                                          extra)),
                    logs.options());
  for (int i = 0; i < 5; ++i) {
    producer.send(Record{.topic = info.at("topic.allowed"), .value = "bob"}, [&](const DeliveryReport& r) {
      std::lock_guard lock(mu);
      reports.push_back(r);
    });
  }
  CHECK(producer.flush(60s) == 0);
  retried = boost::json::parse(producer.statistics_json()).at("sluice").at("records").at("retried").as_int64();
  std::lock_guard lock(mu);
  return reports;
}

// bob's 5 records each failed once, definitely, and none was retried;
// `check` looks at each report's error.
void bob_refused_once(const std::map<std::string, std::string>& extra,
                      const std::function<void(const DeliveryReport&)>& check) {
  const auto info = secure_info_or_fail();
  LogCapture logs;
  std::int64_t retried = -1;
  const auto reports = bob_sends(info, extra, logs, retried);
  INFO("producer log:\n" << logs.all());
  REQUIRE(reports.size() == 5);
  CHECK(retried == 0);
  for (const auto& r : reports) {
    INFO(r.error_message);
    CHECK_FALSE(r);
    CHECK_FALSE(r.outcome_unknown);
    check(r);
  }
}

}  // namespace

TEST_CASE("security: CLUSTER_AUTHORIZATION_FAILED (no IdempotentWrite) fails each record of an idempotent producer") {
  // InitProducerId failed: nothing was ever sent.
  bob_refused_once({{"enable.idempotence", "true"}}, [](const DeliveryReport& r) {
    CHECK(r.error_message.find("CLUSTER_AUTHORIZATION_FAILED") != std::string::npos);
  });
}

TEST_CASE("security: TOPIC_AUTHORIZATION_FAILED in a Produce answer (Describe without Write) is not retried") {
  // The broker refused the batch: nothing of it is in the log.
  bob_refused_once({{"enable.idempotence", "false"}}, [](const DeliveryReport& r) {
    CHECK(r.error == sluice::protocol::kafka_errc::topic_authorization_failed);
  });
}

// ------------------------------------------------------------ re-authentication (KIP-368)

TEST_CASE("security: one connection re-authenticates and keeps serving across several session lifetimes") {
  const auto info = secure_info_or_fail();
  const auto lifetime = std::chrono::milliseconds(std::stoll(info.at("sasl.reauth.ms")));
  REQUIRE(lifetime <= 30s);  // keep the test short: SLUICE_KAFKA_REAUTH_MS
  boost::asio::io_context io;
  auto parsed = sluice::net::parse_broker_list(info.first("bootstrap.sasl_ssl"));
  REQUIRE(parsed.ok());
  sluice::net::ConnectionOptions o;
  o.security.protocol = sluice::net::SecurityProtocol::sasl_ssl;
  o.security.tls.ca_location = info.at("ca.file");
  o.security.sasl.mechanism = sluice::net::SaslMechanismKind::scram_sha_512;
  o.security.sasl.username = "alice";
  o.security.sasl.password = info.at("user.alice.password");
  auto conn = std::make_shared<sluice::net::BrokerConnection>(io, 1, parsed.brokers[0], o);
  std::optional<std::error_code> connected;
  conn->connect([&](std::error_code ec) { connected = ec; });
  REQUIRE(run_until(io, [&] { return connected.has_value(); }));
  INFO(conn->failure_detail());
  REQUIRE_FALSE(*connected);
  // A Metadata request every 100 ms for 2.5 lifetimes: a broker closes a
  // connection whose session expired, so every answer arriving on this one
  // connection means re-authentication happened in time, between requests.
  const auto end = std::chrono::steady_clock::now() + lifetime * 5 / 2;
  int answered = 0, failed = 0, reauth_seen = 0;
  bool waiting = false;
  while (std::chrono::steady_clock::now() < end && failed == 0) {
    if (!waiting) {
      waiting = true;
      conn->send(
          sluice::protocol::ApiKey::Metadata,
          [](sluice::protocol::BufferWriter& w, std::int16_t v) {
            return sluice::protocol::encode(sluice::protocol::MetadataRequest{}, w, v);
          },
          true, [&](const sluice::net::RequestOutcome& out) {
            waiting = false;
            (out.ec ? failed : answered) += 1;
          });
    }
    if (conn->reauthenticating()) ++reauth_seen;
    io.restart();
    io.run_one_for(100ms);
  }
  INFO(conn->failure_detail());
  CHECK(failed == 0);
  CHECK(conn->state() == sluice::net::BrokerConnection::State::ready);
  CHECK(reauth_seen > 0);
  CHECK(answered > 20);
  conn->close(sluice::net::net_errc::shutting_down);
}

TEST_CASE("security: a producer's records keep flowing across re-authentications") {
  const auto info = secure_info_or_fail();
  const auto lifetime = std::chrono::milliseconds(std::stoll(info.at("sasl.reauth.ms")));
  REQUIRE(lifetime <= 30s);
  LogCapture logs;
  std::vector<DeliveryReport> reports;
  {
    Producer producer(Config::from_map(sasl_ssl(info, "SCRAM-SHA-512", "alice", info.at("user.alice.password"))),
                      logs.options());
    const auto end = std::chrono::steady_clock::now() + lifetime * 5 / 2;
    while (std::chrono::steady_clock::now() < end) {
      reports.push_back(producer.send_sync(Record{.topic = info.at("topic.allowed"), .value = "steady"}));
      if (!reports.back()) break;
    }
    const auto stats = boost::json::parse(producer.statistics_json());
    CHECK(stats.at("sluice").at("records").at("retried").as_int64() == 0);
  }
  INFO("producer log:\n" << logs.all());
  REQUIRE_FALSE(reports.empty());
  for (const auto& r : reports) {
    INFO(r.error_message);
    REQUIRE(r);
  }
  CHECK(reports.size() > 20);
  CHECK_FALSE(logs.contains("cannot connect"));
}
