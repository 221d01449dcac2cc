#pragma once
// Logging: the producer says what it does through a sink the application
// sets (ProducerOptions::log_sink). Without a sink, errors, warnings and
// notices go to stderr as "sluice: LEVEL: message" lines (log_level and
// debug change the level; docs/CONFIGURATION.md).
// Messages name brokers, topics and partitions; they never contain record
// keys, values or headers, nor credentials.
#include "sluice/export.hpp"
#include <cstdint>
#include <functional>
#include <string_view>

namespace sluice {

// syslog numbering, as librdkafka's log_level.
enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

SLUICE_API const char* to_string(LogLevel level) noexcept;

// The `debug` property's contexts that apply to a producer (librdkafka's
// names; consumer contexts are accepted and ignored). A debug line belongs
// to one context, is written "[context] message", and is logged only when
// its context is enabled ("all" enables every one).
enum class DebugContext : std::uint32_t {
  generic = 1u << 0,   // the producer's life: start, close, notices
  broker = 1u << 1,    // connections: dialled, up (with API versions), idle-closed, down
  topic = 1u << 2,     // topics: first seen, idle and forgotten
  metadata = 1u << 3,  // Metadata requests and answers
  feature = 1u << 4,   // (no lines of its own; the API versions are under broker)
  queue = 1u << 5,     // (none yet)
  msg = 1u << 6,       // Produce requests: to which broker, how many batches and records
  protocol = 1u << 7,  // every request written and answer read: API, version, correlation id, bytes
  security = 1u << 8,  // TLS and SASL set-up of each connection (never credentials)
  eos = 1u << 9,       // idempotence: producer id requests and answers
  admin = 1u << 10,    // create_topics: what was asked, and each topic's outcome
  conf = 1u << 11,     // the configuration at start, passwords redacted
};
inline constexpr std::uint32_t kAllDebugContexts = (1u << 12) - 1;
SLUICE_API const char* to_string(DebugContext context) noexcept;

// Called on the producer's I/O thread (or, for notices about the
// configuration, on the thread constructing the producer). Keep it short.
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

}  // namespace sluice
