#include "sluice/log.hpp"

#include <cstdio>
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

namespace detail {

LogSink stderr_sink() {
  return [](LogLevel level, std::string_view message) {
    std::fprintf(stderr, "sluice: %s: %.*s\n", to_string(level), static_cast<int>(message.size()), message.data());
  };
}

void prepare_logging(const ProducerSettings& settings, ProducerOptions& options) {
  if (!options.log_sink) {
    options.log_sink = stderr_sink();
    options.log_level = LogLevel::notice;
  }
  // syslog 0..2 (emerg, alert, crit): Sluice logs nothing that severe.
  if (settings.log_level) options.log_level = static_cast<LogLevel>(*settings.log_level);
  if (settings.debug) options.log_level = LogLevel::debug;
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
}

}  // namespace detail
}  // namespace sluice
