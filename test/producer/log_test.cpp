// Logging set-up (log.cpp): the stderr sink when the application sets
// none, log_level and debug, and the configuration's warnings.
#include "log_setup.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "stderr_capture.hpp"

using namespace sluice;
using sluice::test::stderr_of;

namespace {

struct Captured {
  std::vector<std::pair<LogLevel, std::string>> lines;
  LogSink sink() {
    return [this](LogLevel l, std::string_view m) { lines.emplace_back(l, std::string(m)); };
  }
};

ProducerSettings settings_of(std::map<std::string, std::string> p) {
  p["bootstrap.servers"] = "h:1";
  return Config::from_map(p).resolve();
}

}  // namespace

TEST_CASE("without a sink: stderr, errors to notices, debug only when asked") {
  ProducerOptions o;
  detail::prepare_logging(settings_of({}), o);
  REQUIRE(o.log_sink);
  CHECK(o.log_level == LogLevel::notice);
  const std::string out = stderr_of([&] {
    o.log_sink(LogLevel::warning, "a warning");
    o.log_sink(LogLevel::error, "an error");
  });
  CHECK(out == "sluice: warning: a warning\nsluice: error: an error\n");

  ProducerOptions d;
  CHECK(detail::prepare_logging(settings_of({{"debug", "broker,msg"}}), d) ==
        (static_cast<std::uint32_t>(DebugContext::broker) | static_cast<std::uint32_t>(DebugContext::msg)));
  CHECK(d.log_level == LogLevel::debug);
  ProducerOptions q;
  CHECK(detail::prepare_logging(settings_of({{"log_level", "3"}}), q) == 0);
  CHECK(q.log_level == LogLevel::error);
  ProducerOptions seven;
  CHECK(detail::prepare_logging(settings_of({{"log_level", "7"}}), seven) == kAllDebugContexts);
}

TEST_CASE("with a sink: it stays, log_level replaces the option's level") {
  Captured c;
  ProducerOptions o;
  o.log_sink = c.sink();
  o.log_level = LogLevel::debug;
  // LogLevel::debug asked for in code, no debug property: every context.
  CHECK(detail::prepare_logging(settings_of({}), o) == kAllDebugContexts);
  CHECK(o.log_level == LogLevel::debug);
  o.log_sink(LogLevel::info, "x");
  CHECK(c.lines.size() == 1);
  ProducerOptions p;
  p.log_sink = c.sink();
  detail::prepare_logging(settings_of({{"log_level", "4"}}), p);
  CHECK(p.log_level == LogLevel::warning);
}

// Reported: -X statistics.interval.ms=1000 with no callback did nothing, silently.
TEST_CASE("statistics.interval.ms without a callback, and unused settings, are warnings naming them") {
  Captured c;
  ProducerOptions o;
  o.log_sink = c.sink();
  detail::prepare_logging(settings_of({{"statistics.interval.ms", "1000"}, {"sasl.username", "alice"}}), o);
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0].first == LogLevel::warning);
  CHECK(c.lines[0].second.find("sasl.username is set") != std::string::npos);
  CHECK(c.lines[1].second.find("statistics.interval.ms=1000") != std::string::npos);
  CHECK(c.lines[1].second.find("statistics_callback") != std::string::npos);

  Captured quiet;
  ProducerOptions with_callback;
  with_callback.log_sink = quiet.sink();
  with_callback.statistics_callback = [](const std::string&) {};
  detail::prepare_logging(settings_of({{"statistics.interval.ms", "1000"}}), with_callback);
  CHECK(quiet.lines.empty());

  Captured errors_only;
  ProducerOptions q;
  q.log_sink = errors_only.sink();
  detail::prepare_logging(settings_of({{"statistics.interval.ms", "1000"}, {"log_level", "3"}}), q);
  CHECK(errors_only.lines.empty());  // log_level=3: warnings are not wanted
}

TEST_CASE("debug=conf dumps the configuration with every password property redacted") {
  const std::vector<std::pair<std::string, std::string>> secrets = {
      {"sasl.password", "s3cret-sasl"},
      {"ssl.key.password", "s3cret-key"},
      {"ssl.keystore.password", "s3cret-keystore"},
      {"sasl.jaas.config",
       "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"s3cret-jaas\";"},
  };
  std::map<std::string, std::string> p{{"bootstrap.servers", "h:1"}, {"debug", "conf"}, {"client.id", "dumped"}};
  for (const auto& [k, v] : secrets) p[k] = v;
  const Config config = Config::from_map(p);
  Captured c;
  ProducerOptions o;
  o.log_sink = c.sink();
  // (Config::set checks each value; the combination need not resolve for the dump.)
  const std::uint32_t contexts = detail::prepare_logging(settings_of({{"debug", "conf"}}), o);
  detail::log_configuration(config, o, contexts);
  std::string all;
  for (const auto& [level, line] : c.lines) all += line + "\n";
  CHECK(all.find("[conf] client.id = dumped") != std::string::npos);
  CHECK(all.find("[conf] sasl.password = [redacted]") != std::string::npos);
  for (const auto& [k, v] : secrets) CHECK(all.find(v) == std::string::npos);
  // Without the conf context: no dump.
  Captured none;
  ProducerOptions q;
  q.log_sink = none.sink();
  detail::log_configuration(config, q, static_cast<std::uint32_t>(DebugContext::broker));
  CHECK(none.lines.empty());
}
