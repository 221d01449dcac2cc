#pragma once
// ClientErrorMonitor: decides when a client-wide event (sluice::ClientError:
// all brokers down, authentication failed, fatal) is due, from what the
// driver tells it about connection attempts and the producer's state
// (librdkafka's error_cb events). Sans-I/O and clock-free: it returns the
// events as values; the driver hands them to ProducerOptions::error_callback
// on the callback thread.
//
// Threads: the producer's I/O thread.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/errors.hpp"

namespace sluice::detail {

class ClientErrorMonitor {
 public:
  // A connection attempt to `node_id` ended: `error` empty when the link is
  // ready, else `why` says what failed, naming the broker. `candidates`:
  // the nodes the producer dials now (ClusterView::dial_candidates());
  // `any_ready`: some link is ready after this result. Returns the events
  // due: authentication (once per broker until it connects), then all
  // brokers down (once, until some broker connects again).
  std::vector<ClientError> on_connect_result(std::int32_t node_id, std::error_code error, const std::string& why,
                                             std::span<const std::int32_t> candidates, bool any_ready);
  // The producer entered a fatal state: the event, the first time only.
  std::optional<ClientError> on_fatal(std::error_code error, const std::string& message);

  // A failed connection attempt that is about identity: the broker refused
  // the SASL credentials or mechanism, or the broker's certificate failed
  // verification.
  static bool is_authentication_failure(std::error_code error) noexcept;

 private:
  std::map<std::int32_t, std::pair<std::error_code, std::string>> down_;  // node -> its last failure
  std::set<std::int32_t> auth_reported_;
  bool all_down_reported_ = false;
  bool fatal_reported_ = false;
};

}  // namespace sluice::detail
