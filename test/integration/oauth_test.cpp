// SASL OAUTHBEARER against the real broker of `tools/kafka-local start
// --secure`: listeners OAUTH (SASL_PLAINTEXT) and OAUTH_SSL (SASL_SSL)
// checked by Kafka's OAuthBearerValidatorCallbackHandler against the JWKS
// of the token server on 127.0.0.1 (docs/KAFKA-LOCAL-SECURE.md,
// "OAUTHBEARER"). The cluster is described by `tools/kafka-local oauth env`
// (tools/test evals it): SLUICE_OAUTH_TOKEN_URL, _HTTPS_TOKEN_URL (the same
// server over https, its certificate signed by _CA_FILE), _CLIENT_ID,
// _CLIENT_SECRET, _SCOPE, _BOOTSTRAP, _SSL_BOOTSTRAP, _CA_FILE,
// _UNTRUSTED_CA_FILE (a CA that signed none of them), the short-lived and the
// expired client. Without them every test fails, saying how to get them.
// Records are read back with kcat over PLAINTEXT (SLUICE_BOOTSTRAP).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <mutex>
#include <set>
#include <thread>

#include "broker_env.hpp"
#include "cluster_control.hpp"
#include "sluice/net/jwt_claims.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
using sluice::Config;
using sluice::DeliveryReport;
using sluice::Producer;
using sluice::Record;
using Properties = std::map<std::string, std::string>;

namespace {

const std::string kTopic = "secure-allowed";  // the OAuth clients may write it (ACLs of --secure)

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    FAIL(name << " is not set: these tests need the OAuth token server and OAUTH listeners of a secure cluster. "
                 "Start one with `tools/kafka-local --base N start --secure`, then `export SLUICE_KAFKA_BASE=N "
                 "SLUICE_BOOTSTRAP=<what start printed>` and `eval \"$(tools/kafka-local oauth env)\"` "
                 "(tools/test does all of this)");
  }
  return v;
}

class LogCapture {
 public:
  sluice::ProducerOptions options() {
    sluice::ProducerOptions o;
    o.log_level = sluice::LogLevel::debug;
    o.log_sink = [this](sluice::LogLevel, std::string_view message) {
      std::lock_guard lock(mu_);
      text_ += std::string(message) + "\n";
    };
    return o;
  }
  std::string all() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

// librdkafka's spelling.
Properties oidc(const std::string& bootstrap_var, const std::string& client = "") {
  Properties p = {{"bootstrap.servers", env(bootstrap_var.c_str())},
                  {"security.protocol", bootstrap_var == "SLUICE_OAUTH_SSL_BOOTSTRAP" ? "SASL_SSL" : "SASL_PLAINTEXT"},
                  {"sasl.mechanism", "OAUTHBEARER"},
                  {"sasl.oauthbearer.method", "oidc"},
                  {"sasl.oauthbearer.token.endpoint.url", env("SLUICE_OAUTH_TOKEN_URL")},
                  {"sasl.oauthbearer.client.id", env(("SLUICE_OAUTH_" + client + "CLIENT_ID").c_str())},
                  {"sasl.oauthbearer.client.secret", env(("SLUICE_OAUTH_" + client + "CLIENT_SECRET").c_str())},
                  {"sasl.oauthbearer.scope", env("SLUICE_OAUTH_SCOPE")}};
  if (p["security.protocol"] == "SASL_SSL") p["ssl.ca.location"] = env("SLUICE_OAUTH_CA_FILE");
  return p;
}

// Java's spelling: the token endpoint URL and the OAuthBearerLoginModule line.
Properties java_oidc(const std::string& bootstrap_var) {
  Properties p = oidc(bootstrap_var);
  for (const char* k : {"sasl.oauthbearer.method", "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret",
                        "sasl.oauthbearer.scope"}) {
    p.erase(k);
  }
  if (p.count("ssl.ca.location")) {
    p["ssl.truststore.location"] = p["ssl.ca.location"];
    p["ssl.truststore.type"] = "PEM";
    p.erase("ssl.ca.location");
  }
  p["sasl.login.callback.handler.class"] =
      "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
  p["sasl.jaas.config"] = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"" +
                          env("SLUICE_OAUTH_CLIENT_ID") + "\" clientSecret=\"" + env("SLUICE_OAUTH_CLIENT_SECRET") +
                          "\" scope=\"" + env("SLUICE_OAUTH_SCOPE") + "\";";
  return p;
}

// A token from the token server, as `tools/kafka-local oauth token` gets it.
sluice::OAuthBearerToken server_token(const std::string& flag = "") {
  std::vector<std::string> args = {"oauth", "token"};
  if (!flag.empty()) args.push_back(flag);
  auto r = sluice::test::cluster::kafka_local(args);
  if (!r.ok()) FAIL("`" << r.command << "` failed: " << r.output);
  std::string token = r.output;
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  std::string error;
  auto claims = sluice::net::decode_jwt_claims(token, error);
  if (!claims || !claims->exp) FAIL("the token server's token has no exp: " << error);
  return {token, std::chrono::system_clock::time_point(std::chrono::seconds(*claims->exp)), claims->sub, {}};
}

// Sends `n` records and checks each is acknowledged and read back by kcat.
void produce_and_read_back(const Properties& properties, int n, sluice::ProducerOptions options,
                           const LogCapture& logs) {
  const std::string run = sluice::test::unique_topic("oauth");
  std::vector<DeliveryReport> reports;
  {
    Producer producer(Config::from_map(properties), std::move(options));
    std::vector<std::future<DeliveryReport>> futures;
    for (int i = 0; i < n; ++i) {
      futures.push_back(producer.send(Record{.topic = kTopic, .key = run + "-" + std::to_string(i), .value = "v"}));
    }
    for (auto& f : futures) reports.push_back(f.get());
  }
  INFO("producer log:\n" << logs.all());
  for (const auto& r : reports) {
    INFO(r.error_message);
    REQUIRE(r);
  }
  const auto consumed = sluice::test::consume_all_with_kcat(sluice::test::bootstrap_or_fail(), kTopic);
  for (int i = 0; i < n; ++i) {
    const auto& r = reports[static_cast<std::size_t>(i)];
    auto it = std::find_if(consumed.begin(), consumed.end(),
                           [&](const auto& c) { return c.partition == r.partition && c.offset == r.offset; });
    REQUIRE(it != consumed.end());
    CHECK(it->key == run + "-" + std::to_string(i));
  }
}

// A producer whose record cannot get through: its report (after
// max.block.ms) and the log, which must both contain `expected`.
std::string auth_failure(const Properties& properties, const std::string& expected,
                         sluice::ProducerOptions options = {}) {
  LogCapture logs;
  auto o = logs.options();
  o.oauthbearer_token_provider = std::move(options.oauthbearer_token_provider);
  Producer producer(Config::from_map([&] {
                      auto p = properties;
                      p["max.block.ms"] = "3000";
                      return p;
                    }()),
                    std::move(o));
  const auto r = producer.send(Record{.topic = kTopic, .value = "never"}).get();
  INFO("report: " << r.error_message << "\nproducer log:\n" << logs.all());
  CHECK_FALSE(r);
  CHECK(r.error == sluice::errc::no_broker_available);
  CHECK(r.error_message.find(expected) != std::string::npos);
  CHECK(logs.all().find(expected) != std::string::npos);
  return logs.all() + "\n" + r.error_message;
}

}  // namespace

// ------------------------------------------------------------ what works

TEST_CASE("oauth: OIDC client credentials, librdkafka's spelling, over OAUTH, no secret or token logged") {
  LogCapture logs;
  produce_and_read_back(oidc("SLUICE_OAUTH_BOOTSTRAP"), 10, logs.options(), logs);
  CHECK(logs.all().find(env("SLUICE_OAUTH_CLIENT_SECRET")) == std::string::npos);
  CHECK(logs.all().find("eyJ") == std::string::npos);  // no JWT (they start with {" in base64url)
}

TEST_CASE("oauth: OIDC client credentials, Java's spelling (JAAS line, PEM truststore), over OAUTH_SSL") {
  LogCapture logs;
  produce_and_read_back(java_oidc("SLUICE_OAUTH_SSL_BOOTSTRAP"), 10, logs.options(), logs);
  CHECK(logs.all().find(env("SLUICE_OAUTH_CLIENT_SECRET")) == std::string::npos);
}

TEST_CASE("oauth: the application's token provider, over OAUTH and OAUTH_SSL") {
  const auto token = server_token();
  for (const char* listener : {"SLUICE_OAUTH_BOOTSTRAP", "SLUICE_OAUTH_SSL_BOOTSTRAP"}) {
    Properties p = {{"bootstrap.servers", env(listener)}, {"sasl.mechanism", "OAUTHBEARER"}};
    if (std::string(listener) == "SLUICE_OAUTH_SSL_BOOTSTRAP") {
      p["security.protocol"] = "SASL_SSL";
      p["ssl.ca.location"] = env("SLUICE_OAUTH_CA_FILE");
    } else {
      p["security.protocol"] = "SASL_PLAINTEXT";
    }
    LogCapture logs;
    auto options = logs.options();
    std::atomic<int> calls{0};
    options.oauthbearer_token_provider = [&]() -> sluice::OAuthBearerTokenResult {
      ++calls;
      return token;
    };
    produce_and_read_back(p, 5, std::move(options), logs);
    CHECK(calls >= 1);
  }
}

// The short-lived client's tokens last 20 s and the OAUTH listeners'
// sessions 10 s (connections.max.reauth.ms): the connection re-authenticates
// about every 9 s, and past 16 s (80%) with a new token. Records keep
// flowing on the same connection throughout.
TEST_CASE("oauth: tokens are renewed before they expire and the connection re-authenticates without loss") {
  LogCapture logs;
  auto options = logs.options();
  std::mutex mu;
  std::vector<std::string> tokens;
  options.oauthbearer_token_provider = [&]() -> sluice::OAuthBearerTokenResult {
    auto t = server_token("--short");
    std::lock_guard lock(mu);
    tokens.push_back(t.value);
    return t;
  };
  Producer producer(Config::from_map({{"bootstrap.servers", env("SLUICE_OAUTH_BOOTSTRAP")},
                                      {"security.protocol", "SASL_PLAINTEXT"},
                                      {"sasl.mechanism", "OAUTHBEARER"},
                                      {"linger.ms", "0"}}),
                    std::move(options));
  const auto end = std::chrono::steady_clock::now() + 24s;
  std::vector<DeliveryReport> reports;
  while (std::chrono::steady_clock::now() < end) {
    reports.push_back(producer.send_sync(Record{.topic = kTopic, .value = "tick"}));
    INFO(reports.back().error_message << "\n" << logs.all());
    REQUIRE(reports.back());
    std::this_thread::sleep_for(250ms);  // pacing the load over the token's lifetime, not waiting for a state
  }
  {
    std::lock_guard lock(mu);
    INFO("producer log:\n" << logs.all());
    REQUIRE(tokens.size() >= 2);
    CHECK(std::set<std::string>(tokens.begin(), tokens.end()).size() == tokens.size());
  }
  // Re-authenticated in place: no broker was connected to twice.
  const auto stats = boost::json::parse(producer.statistics_json());
  for (const auto& [name, b] : stats.at("brokers").as_object()) {
    if (b.at("nodeid").as_int64() < 0) continue;
    INFO(std::string(name) << "\n" << logs.all());
    CHECK(b.at("connects").as_int64() <= 1);
  }
  CHECK(reports.size() > 20);  // records kept flowing across both re-authentications
}

// The token over https: the endpoint's certificate checked against
// https.ca.location / https.ca.pem (librdkafka's names), not ssl.ca.*.
TEST_CASE("oauth: OIDC from an https token endpoint verified with https.ca.location, over OAUTH and OAUTH_SSL") {
  for (const char* listener : {"SLUICE_OAUTH_BOOTSTRAP", "SLUICE_OAUTH_SSL_BOOTSTRAP"}) {
    INFO(listener);
    auto p = oidc(listener);
    p["sasl.oauthbearer.token.endpoint.url"] = env("SLUICE_OAUTH_HTTPS_TOKEN_URL");
    p["https.ca.location"] = env("SLUICE_OAUTH_CA_FILE");
    LogCapture logs;
    produce_and_read_back(p, 5, logs.options(), logs);
    CHECK(logs.all().find(env("SLUICE_OAUTH_CLIENT_SECRET")) == std::string::npos);
  }
}

TEST_CASE("oauth: OIDC from an https token endpoint verified with https.ca.pem (Java's spelling otherwise)") {
  auto p = java_oidc("SLUICE_OAUTH_SSL_BOOTSTRAP");
  p["sasl.oauthbearer.token.endpoint.url"] = env("SLUICE_OAUTH_HTTPS_TOKEN_URL");
  std::ifstream in(env("SLUICE_OAUTH_CA_FILE"));
  std::stringstream pem;
  pem << in.rdbuf();
  REQUIRE(pem.str().find("-----BEGIN CERTIFICATE-----") != std::string::npos);
  p["https.ca.pem"] = pem.str();
  LogCapture logs;
  produce_and_read_back(p, 5, logs.options(), logs);
}

// ------------------------------------------------------------ what fails, and how it reads

// The https endpoint with the wrong trust: a CA that did not sign its
// certificate, or none at all (the system's store; the brokers' CA in
// ssl.ca.location does not count). Each is a named error, within max.block.ms.
TEST_CASE("oauth: an https token endpoint whose certificate the CA does not verify is named, with the remedy") {
  const std::string url = env("SLUICE_OAUTH_HTTPS_TOKEN_URL");
  auto wrong_ca = oidc("SLUICE_OAUTH_BOOTSTRAP");
  wrong_ca["sasl.oauthbearer.token.endpoint.url"] = url;
  wrong_ca["https.ca.location"] = env("SLUICE_OAUTH_UNTRUSTED_CA_FILE");
  auto system_store = oidc("SLUICE_OAUTH_SSL_BOOTSTRAP");  // ssl.ca.location: the CA that did sign it
  system_store["sasl.oauthbearer.token.endpoint.url"] = url;
  for (const auto& [p, trusted] : {std::pair{wrong_ca, "https.ca.location '" + env("SLUICE_OAUTH_UNTRUSTED_CA_FILE") + "'"},
                                   std::pair{system_store, std::string("the system's default CA store")}}) {
    INFO(trusted);
    const auto start = std::chrono::steady_clock::now();
    const auto text = auth_failure(p, "TLS certificate verification failed");
    CHECK(std::chrono::steady_clock::now() - start < 15s);  // max.block.ms=3000, no hang
    CHECK(text.find("token endpoint " + url + " (client id '" + env("SLUICE_OAUTH_CLIENT_ID") + "')") !=
          std::string::npos);
    CHECK(text.find("not trusted by " + trusted) != std::string::npos);
    CHECK(text.find("set https.ca.location") != std::string::npos);
    CHECK(text.find(env("SLUICE_OAUTH_CLIENT_SECRET")) == std::string::npos);
  }
}

// A TLS server whose certificate (from the right CA) names only localhost:
// the OAUTH_SSL listener, asked for by IP address.
TEST_CASE("oauth: an https token endpoint whose certificate does not name the URL's host is named") {
  auto p = oidc("SLUICE_OAUTH_BOOTSTRAP");
  std::string first = env("SLUICE_OAUTH_SSL_BOOTSTRAP");  // localhost:PORT[,...]
  first = first.substr(0, first.find(','));
  const std::string url = "https://127.0.0.1:" + first.substr(first.rfind(':') + 1) + "/token";
  p["sasl.oauthbearer.token.endpoint.url"] = url;
  p["https.ca.location"] = env("SLUICE_OAUTH_CA_FILE");
  const auto text = auth_failure(p, "TLS certificate verification failed (IP address mismatch)");
  CHECK(text.find("token endpoint " + url) != std::string::npos);
  CHECK(text.find("its certificate does not name '127.0.0.1'") != std::string::npos);
}

TEST_CASE("oauth: an https:// URL on the endpoint's plain http port says it does not speak TLS") {
  auto p = oidc("SLUICE_OAUTH_BOOTSTRAP");
  std::string url = env("SLUICE_OAUTH_TOKEN_URL");
  REQUIRE(url.starts_with("http://"));
  url.insert(4, "s");
  p["sasl.oauthbearer.token.endpoint.url"] = url;
  p["https.ca.location"] = env("SLUICE_OAUTH_CA_FILE");
  const auto text = auth_failure(p, "is it an http:// URL?");
  CHECK(text.find("token endpoint " + url) != std::string::npos);
}

TEST_CASE("oauth: a wrong client secret is the endpoint's 401, naming endpoint, client id and the property") {
  auto p = oidc("SLUICE_OAUTH_BOOTSTRAP");
  p["sasl.oauthbearer.client.secret"] = "not-the-secret-42";
  const auto text = auth_failure(p, "check sasl.oauthbearer.client.secret");
  CHECK(text.find(env("SLUICE_OAUTH_TOKEN_URL")) != std::string::npos);
  CHECK(text.find("client id '" + env("SLUICE_OAUTH_CLIENT_ID") + "'") != std::string::npos);
  CHECK(text.find("HTTP 401") != std::string::npos);
  CHECK(text.find("not-the-secret-42") == std::string::npos);
}

TEST_CASE("oauth: an expired token from the endpoint is refused before use") {
  const auto text = auth_failure(oidc("SLUICE_OAUTH_BOOTSTRAP", "EXPIRED_"), "sasl.oauthbearer.clock.skew.seconds=30");
  CHECK(text.find("the token expired") != std::string::npos);
  CHECK(text.find(env("SLUICE_OAUTH_EXPIRED_CLIENT_ID")) != std::string::npos);
}

TEST_CASE("oauth: an expired token the client believes is fresh is refused by the broker, with its verdict") {
  auto token = server_token("--expired");
  token.expiry = std::chrono::system_clock::now() + 1h;  // the provider lies: only the broker can tell
  sluice::ProducerOptions options;
  options.oauthbearer_token_provider = [token]() -> sluice::OAuthBearerTokenResult { return token; };
  const auto text = auth_failure({{"bootstrap.servers", env("SLUICE_OAUTH_BOOTSTRAP")},
                                  {"security.protocol", "SASL_PLAINTEXT"},
                                  {"sasl.mechanism", "OAUTHBEARER"}},
                                 "SASL_AUTHENTICATION_FAILED", std::move(options));
  CHECK(text.find("invalid_token") != std::string::npos);
  CHECK(text.find(token.value) == std::string::npos);
}

TEST_CASE("oauth: an unreachable token endpoint (a closed port) is named by its URL") {
  auto p = oidc("SLUICE_OAUTH_BOOTSTRAP");
  // A port that was free a moment ago: nothing listens on it.
  boost::asio::io_context io;
  std::string url;
  {
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/token";
  }
  p["sasl.oauthbearer.token.endpoint.url"] = url;
  const auto text = auth_failure(p, "cannot reach it");
  CHECK(text.find(url) != std::string::npos);
  CHECK(text.find("Connection refused") != std::string::npos);
}
