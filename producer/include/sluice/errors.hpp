#pragma once
// Errors the producer itself reports (local, client-side): a category of
// their own, producer_category(), apart from the broker's error codes
// (kafka_error_category()), network failures (network_error_category()),
// SASL authentication (sasl_error_category()) and unreadable answers
// (codec_error_category()); a report's error_code is in one of these five.
// A record's report may carry the network category's no_common_version
// (definite): every broker the producer knows speaks no version Sluice can
// use of Metadata or Produce (or of SASL's APIs); the message names each
// broker, the API, both ranges and the remedy.
#include "sluice/export.hpp"
#include <functional>
#include <string>
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

SLUICE_API const std::error_category& producer_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), producer_category()}; }

// The other categories, to tell a report's error apart without reading its
// message (compare error.category() == kafka_error_category()):
// Kafka's error codes, the value being the broker's code (e.g. 29,
// TOPIC_AUTHORIZATION_FAILED), named "kafka";
SLUICE_API const std::error_category& kafka_error_category() noexcept;
// connecting, TLS and the transport ("sluice.net");
SLUICE_API const std::error_category& network_error_category() noexcept;
// SASL authentication and OAUTHBEARER tokens ("sluice.sasl");
SLUICE_API const std::error_category& sasl_error_category() noexcept;
// a broker's answer Sluice could not read ("sluice.codec").
SLUICE_API const std::error_category& codec_error_category() noexcept;

// A client-wide event, about the producer and not one record (librdkafka's
// error_cb). Records keep their own reports; these say why they may wait
// or fail, to an application that does not read the log.
enum class ClientErrorKind {
  // Every broker the producer would use now (the bootstrap.servers entries
  // until Metadata named the cluster's brokers, those brokers afterwards)
  // failed its last connection attempt, and no connection is up. Not
  // fatal: connecting goes on (reconnect.backoff.ms); records wait until
  // max.block.ms / delivery.timeout.ms. Reported once, then again only
  // after some broker was reached in between.
  all_brokers_down,
  // A broker refused the client's credentials (SASL: a wrong password, a
  // user without credentials for the mechanism, a mechanism it does not
  // enable) or its certificate could not be verified. Not fatal: the
  // attempt is repeated after the reconnect backoff. Reported once per
  // broker until a connection to it succeeds.
  authentication,
  // The producer can send nothing more (e.g. the idempotent producer was
  // refused a producer id: CLUSTER_AUTHORIZATION_FAILED). Every record
  // left, and every later send(), fails with `error`. Reported once.
  fatal,
};

SLUICE_API const char* to_string(ClientErrorKind kind) noexcept;

struct ClientError {
  ClientErrorKind kind = ClientErrorKind::all_brokers_down;
  // The cause: the last connection attempt's error (ECONNREFUSED, the
  // broker's SASL_AUTHENTICATION_FAILED, certificate_verify_failed...) or
  // the fatal error records get.
  std::error_code error;
  // What happened, naming the broker(s) and the setting to check. Never
  // contains a credential.
  std::string message;
  bool fatal() const noexcept { return kind == ClientErrorKind::fatal; }
};

// ProducerOptions::error_callback. Runs on the thread that runs delivery
// callbacks (the producer's callback thread, or the thread running
// ProducerOptions::io_context), in order with the reports, and never under
// a lock of the producer's: it may call send(), flush() (which then does
// not wait, as from a delivery callback), statistics_json() or close().
// Without it, the same events are logged (LogLevel::error) and nothing
// else happens. Exceptions it throws are ignored.
using ErrorCallback = std::function<void(const ClientError& error)>;

}  // namespace sluice

template <>
struct std::is_error_code_enum<sluice::errc> : std::true_type {};
