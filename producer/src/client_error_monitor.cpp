// ClientErrorMonitor: when client-wide events are due. See
// client_error_monitor.hpp.
#include "client_error_monitor.hpp"

#include <algorithm>

#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

bool ClientErrorMonitor::is_authentication_failure(std::error_code error) noexcept {
  using protocol::kafka_errc;
  if (error.category() == net::sasl_category()) return true;
  if (error.category() == protocol::kafka_category()) {
    const auto code = static_cast<kafka_errc>(error.value());
    return code == kafka_errc::sasl_authentication_failed || code == kafka_errc::unsupported_sasl_mechanism ||
           code == kafka_errc::illegal_sasl_state;
  }
  return error == net::net_errc::certificate_verify_failed;
}

std::vector<ClientError> ClientErrorMonitor::on_connect_result(std::int32_t node_id, std::error_code error,
                                                               const std::string& why,
                                                               std::span<const std::int32_t> candidates,
                                                               bool any_ready) {
  std::vector<ClientError> events;
  if (!error) {
    down_.erase(node_id);
    auth_reported_.erase(node_id);
    all_down_reported_ = false;
    return events;
  }
  down_[node_id] = {error, why};
  if (is_authentication_failure(error) && auth_reported_.insert(node_id).second) {
    events.push_back({ClientErrorKind::authentication, error, why});
  }
  if (all_down_reported_ || any_ready || candidates.empty()) return events;
  const bool all_down =
      std::all_of(candidates.begin(), candidates.end(), [this](std::int32_t id) { return down_.count(id) != 0; });
  if (!all_down) return events;
  all_down_reported_ = true;
  std::string message = std::to_string(candidates.size()) + " of " + std::to_string(candidates.size()) + " tried:";
  for (std::int32_t id : candidates) message += " " + down_.at(id).second + ";";
  message += " connecting goes on; records wait for max.block.ms / delivery.timeout.ms (check that the brokers run "
             "and that bootstrap.servers and security.protocol match their listeners)";
  events.push_back({ClientErrorKind::all_brokers_down, error, std::move(message)});
  return events;
}

std::optional<ClientError> ClientErrorMonitor::on_fatal(std::error_code error, const std::string& message) {
  if (fatal_reported_) return std::nullopt;
  fatal_reported_ = true;
  return ClientError{ClientErrorKind::fatal, error, message};
}

}  // namespace sluice::detail
