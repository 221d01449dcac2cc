#include "sluice/net/sasl_exchange.hpp"

#include <algorithm>

#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::net {

namespace {

using protocol::kafka_errc;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// A broker-supplied message for an error text: printable, bounded.
std::string sanitized(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 400)) out += (c >= 0x20 && c <= 0x7E) ? c : '?';
  return out;
}

}  // namespace

SaslExchange::SaslExchange(std::unique_ptr<SaslMechanism> mechanism, std::string broker)
    : mechanism_(std::move(mechanism)), broker_(std::move(broker)) {}

SaslAction SaslExchange::fail(std::error_code ec, std::string message) {
  step_ = Step::done;
  SaslAction a;
  a.kind = SaslAction::Kind::fail;
  a.error = ec;
  a.message = std::move(message);
  return a;
}

SaslAction SaslExchange::on_handshake(const protocol::SaslHandshakeResponse& response) {
  const std::string mech = mechanism_name();
  if (step_ != Step::handshake) {
    return fail(sasl_errc::unexpected_message, "broker " + broker_ + ": SaslHandshake answer out of turn");
  }
  switch (static_cast<kafka_errc>(response.error_code)) {
    case kafka_errc::none: break;
    case kafka_errc::unsupported_sasl_mechanism:
      return fail(kafka_errc::unsupported_sasl_mechanism,
                  "broker " + broker_ + " does not enable SASL mechanism " + mech + " (UNSUPPORTED_SASL_MECHANISM; " +
                      "it offers: " + join(response.mechanisms) +
                      "): set sasl.mechanism to one of those, or enable " + mech +
                      " on the broker (sasl.enabled.mechanisms)");
    case kafka_errc::illegal_sasl_state:
      return fail(kafka_errc::illegal_sasl_state,
                  "broker " + broker_ + " refused the SASL handshake (ILLEGAL_SASL_STATE): its listener is "
                  "probably not a SASL listener; check security.protocol against the broker's listener");
    default: {
      const auto& info = protocol::kafka_error_info(response.error_code);
      return fail(protocol::kafka_error(response.error_code),
                  "broker " + broker_ + " answered the SASL handshake for " + mech + " with " + info.name + ": " +
                      info.message);
    }
  }
  step_ = Step::authenticating;
  return next(mechanism_->start(), 0);
}

SaslAction SaslExchange::on_authenticate(const protocol::SaslAuthenticateResponse& response) {
  const std::string mech = mechanism_name();
  if (step_ != Step::authenticating) {
    return fail(sasl_errc::unexpected_message, "broker " + broker_ + ": SaslAuthenticate answer out of turn");
  }
  if (response.error_code != 0) {
    const auto& info = protocol::kafka_error_info(response.error_code);
    std::string m = "SASL authentication with broker " + broker_ + " failed (" + info.name + ", mechanism " + mech +
                    ")";
    m += response.error_message && !response.error_message->empty() ? ": " + sanitized(*response.error_message)
                                                                      : std::string(": ") + info.message;
    if (response.error_code == static_cast<std::int16_t>(kafka_errc::sasl_authentication_failed)) {
      m += mechanism_->refusal_hint();
    }
    return fail(protocol::kafka_error(response.error_code), std::move(m));
  }
  return next(mechanism_->on_server_message(response.auth_bytes), response.session_lifetime_ms);
}

SaslAction SaslExchange::next(SaslStep step, std::int64_t session_lifetime_ms) {
  if (step.error) {
    return fail(step.error, "SASL " + std::string(mechanism_name()) + " with broker " + broker_ + ": " +
                                step.error.message() + (step.detail.empty() ? "" : " (" + step.detail + ")"));
  }
  SaslAction a;
  if (step.done) {
    step_ = Step::done;
    a.kind = SaslAction::Kind::done;
    a.session_lifetime = std::chrono::milliseconds(std::max<std::int64_t>(session_lifetime_ms, 0));
    return a;
  }
  a.kind = SaslAction::Kind::send_authenticate;
  a.auth_bytes = std::move(step.message);
  return a;
}

std::chrono::milliseconds reauthentication_delay(std::chrono::milliseconds lifetime, double unit) noexcept {
  if (lifetime.count() <= 0) return std::chrono::milliseconds(0);
  unit = std::clamp(unit, 0.0, 1.0);
  const double fraction = 0.85 + 0.10 * unit;
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(lifetime.count()) * fraction));
}

}  // namespace sluice::net
