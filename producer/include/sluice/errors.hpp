#pragma once
// Errors the producer itself reports (local, client-side): a category of
// their own, apart from Kafka's error codes (protocol/kafka_error.hpp) and
// network errors (net/net_error.hpp). A record's report may also carry
// net::net_errc::no_common_version (definite): every broker the producer
// knows speaks no version Sluice can use of Metadata or Produce (or of SASL's
// APIs); the message names each broker, the API, both ranges and the remedy.
#include <system_error>

namespace sluice {

enum class errc {
  ok = 0,
  closed = 1,             // send after close()
  record_too_large,       // record over max.request.size
  unknown_topic,          // topic still unknown after the metadata wait
  invalid_partition,      // explicit partition out of range
  delivery_timeout,       // delivery.timeout.ms passed before an acknowledgement
  no_broker_available,    // no bootstrap broker could be reached
  invalid_config,         // bad property (also thrown as ConfigError)
  queue_full,             // buffer.memory / queue.buffering.max.messages full for max.block.ms
  purged,                 // dropped by purge() before it was sent
  fatal,                  // the producer is in a state no retry can fix (see the report's message)
  would_deadlock,         // a blocking call made from a delivery callback
  partitioner_failed,     // the partitioner gave no valid partition
  serialization_failed,   // a key/value serializer (or the function making the record) threw; not sent
  timed_out,              // an admin request got no answer in time (its outcome is unknown)
};

const std::error_category& producer_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), producer_category()}; }

}  // namespace sluice

template <>
struct std::is_error_code_enum<sluice::errc> : std::true_type {};
