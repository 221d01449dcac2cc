#pragma once
// Logging: the producer says what it does through a sink the application
// sets (ProducerOptions::log_sink). Without a sink, errors, warnings and
// notices go to stderr as "sluice: LEVEL: message" lines (log_level and
// debug change the level; docs/CONFIGURATION.md).
// Messages name brokers, topics and partitions; they never contain record
// keys, values or headers, nor credentials.
#include <functional>
#include <string_view>

namespace sluice {

// syslog numbering, as librdkafka's log_level.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

const char* to_string(LogLevel level) noexcept;

// Called on the producer's I/O thread (or, for notices about the
// configuration, on the thread constructing the producer). Keep it short.
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

}  // namespace sluice
