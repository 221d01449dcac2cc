#pragma once
// How a producer's logging is set up from its properties and options
// (log.cpp): the application's sink, or stderr; the level from log_level
// and debug; the configuration's warnings logged once.
#include "sluice/config.hpp"
#include "sluice/producer.hpp"

namespace sluice::detail {

// Without ProducerOptions::log_sink, a sink writing "sluice: LEVEL: message"
// lines to stderr, at notice level and below (errors, warnings, notices)
// unless log_level says otherwise. log_level, when set, replaces
// ProducerOptions::log_level; debug (a context that applies) raises it to
// debug. Then logs the settings' warnings, and a warning for
// statistics.interval.ms without a statistics callback. Returns the debug
// contexts enabled (DebugContext bits): the debug property's, or every one
// when the application asked for LogLevel::debug without it.
std::uint32_t prepare_logging(const ProducerSettings& settings, ProducerOptions& options);

// With the conf context enabled: one "[conf] name = value" debug line per
// property set, the values of password properties (property_table())
// written as [redacted].
void log_configuration(const Config& config, const ProducerOptions& options, std::uint32_t contexts);

// The stderr sink: one fprintf per message.
LogSink stderr_sink();

}  // namespace sluice::detail
