#include "sluice/errors.hpp"

#include <string>

#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/error_category.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice {
namespace {

struct ProducerErrors {
  static constexpr const char* name = "sluice.producer";
  static std::string message(int ev) {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "no error";
      case errc::closed: return "producer is closed";
      case errc::record_too_large: return "record larger than max.request.size";
      case errc::unknown_topic: return "topic unknown to the cluster";
      case errc::invalid_partition: return "partition out of range for the topic";
      case errc::delivery_timeout: return "delivery.timeout.ms expired before the broker acknowledged";
      case errc::no_broker_available: return "no broker could be reached";
      case errc::invalid_config: return "invalid configuration";
      case errc::queue_full: return "producer buffer full (buffer.memory or queue.buffering.max.messages)";
      case errc::purged: return "purged before it was sent";
      case errc::fatal: return "producer in a fatal state";
      case errc::would_deadlock: return "blocking call from a delivery callback";
      case errc::partitioner_failed: return "partitioner gave no valid partition";
      case errc::serialization_failed: return "serializing the record failed; it was not sent";
      case errc::timed_out: return "no answer in time (the request may have been carried out)";
    }
    return "unknown producer error";
  }
};

}  // namespace

const char* to_string(ClientErrorKind kind) noexcept {
  switch (kind) {
    case ClientErrorKind::all_brokers_down: return "all brokers down";
    case ClientErrorKind::authentication: return "authentication failed";
    case ClientErrorKind::fatal: return "fatal";
  }
  return "unknown";
}

const std::error_category& producer_category() noexcept { return protocol::error_category_instance<ProducerErrors>(); }

const std::error_category& kafka_error_category() noexcept { return protocol::kafka_category(); }
const std::error_category& network_error_category() noexcept { return net::net_category(); }
const std::error_category& sasl_error_category() noexcept { return net::sasl_category(); }
const std::error_category& codec_error_category() noexcept { return protocol::codec_category(); }

}  // namespace sluice
