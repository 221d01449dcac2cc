#include "sluice/log.hpp"

#include <cstdio>
#include <map>
#include <string>

#include "log_setup.hpp"

namespace sluice {

const char* to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warning: return "warning";
    case LogLevel::notice: return "notice";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
  }
  return "unknown";
}

const char* to_string(DebugContext context) noexcept {
  switch (context) {
    case DebugContext::generic: return "generic";
    case DebugContext::broker: return "broker";
    case DebugContext::topic: return "topic";
    case DebugContext::metadata: return "metadata";
    case DebugContext::feature: return "feature";
    case DebugContext::queue: return "queue";
    case DebugContext::msg: return "msg";
    case DebugContext::protocol: return "protocol";
    case DebugContext::security: return "security";
    case DebugContext::eos: return "eos";
    case DebugContext::admin: return "admin";
    case DebugContext::conf: return "conf";
  }
  return "unknown";
}

namespace detail {

LogSink stderr_sink() {
  return [](LogLevel level, std::string_view message) {
    std::fprintf(stderr, "sluice: %s: %.*s\n", to_string(level), static_cast<int>(message.size()), message.data());
  };
}

std::uint32_t prepare_logging(const ProducerSettings& settings, ProducerOptions& options) {
  if (!options.log_sink) {
    options.log_sink = stderr_sink();
    options.log_level = LogLevel::notice;
  }
  // syslog 0..2 (emerg, alert, crit): Sluice logs nothing that severe.
  if (settings.log_level) options.log_level = static_cast<LogLevel>(*settings.log_level);
  // An application that asks for LogLevel::debug in code without the debug
  // property gets every context (it set a sink that wants them).
  std::uint32_t contexts = settings.debug_contexts;
  if (contexts == 0 && options.log_level == LogLevel::debug) contexts = kAllDebugContexts;
  if (settings.debug_contexts != 0) options.log_level = LogLevel::debug;
  auto warn = [&](const std::string& message) {
    if (static_cast<int>(LogLevel::warning) <= static_cast<int>(options.log_level)) {
      options.log_sink(LogLevel::warning, message);
    }
  };
  for (const auto& w : settings.warnings) warn(w);
  if (settings.statistics_interval.count() > 0 && !options.statistics_callback) {
    warn("statistics.interval.ms=" + std::to_string(settings.statistics_interval.count()) +
         " is set but there is no ProducerOptions::statistics_callback: no statistics are emitted (set the "
         "callback, or remove statistics.interval.ms)");
  }
  return contexts;
}

void log_configuration(const Config& config, const ProducerOptions& options, std::uint32_t contexts) {
  if ((contexts & static_cast<std::uint32_t>(DebugContext::conf)) == 0 || !options.log_sink) return;
  std::map<std::string_view, std::string_view> types;
  for (const auto& p : property_table()) types[p.name] = p.type;
  for (const auto& [name, value] : config.values()) {
    const bool secret = types[name] == std::string_view("password");
    options.log_sink(LogLevel::debug, "[conf] " + name + " = " + (secret ? std::string("[redacted]") : value));
  }
}

}  // namespace detail
}  // namespace sluice
