#pragma once
// One SASL authentication of one connection, as Kafka frames it (KIP-152):
// SaslHandshake v1 naming the mechanism, then SaslAuthenticate round trips
// carrying the mechanism's messages until it is done. Sans-I/O: the
// connection sends SaslHandshake{mechanism_name()}, feeds the decoded
// answers in and does what each SaslAction says; this class turns the
// broker's verdicts into errors a user can act on (the broker's address,
// its own message, the setting to check; never a credential).
//
// The same exchange runs again on a live connection to re-authenticate
// (KIP-368) before session_lifetime runs out.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/net/sasl_mechanism.hpp"
#include "sluice/protocol/sasl.hpp"

namespace sluice::net {

struct SaslAction {
  enum class Kind { send_authenticate, done, fail };
  Kind kind = Kind::fail;
  std::vector<std::uint8_t> auth_bytes;           // send_authenticate
  std::error_code error;                          // fail
  std::string message;                            // fail: the whole explanation
  std::chrono::milliseconds session_lifetime{0};  // done: 0 = the broker needs no re-authentication
};

class SaslExchange {
 public:
  // `broker`: how messages name the broker (e.g. "localhost:9093").
  SaslExchange(std::unique_ptr<SaslMechanism> mechanism, std::string broker);

  const char* mechanism_name() const noexcept { return mechanism_->name(); }
  SaslAction on_handshake(const protocol::SaslHandshakeResponse& response);
  SaslAction on_authenticate(const protocol::SaslAuthenticateResponse& response);

 private:
  SaslAction fail(std::error_code ec, std::string message);
  SaslAction next(SaslStep step, std::int64_t session_lifetime_ms);

  std::unique_ptr<SaslMechanism> mechanism_;
  std::string broker_;
  enum class Step { handshake, authenticating, done } step_ = Step::handshake;
};

// When to re-authenticate a session of `lifetime`: between 85% and 95% of
// it (`unit` in [0, 1) picks where), so clients do not re-authenticate in
// lockstep and finish well before the broker closes the connection.
std::chrono::milliseconds reauthentication_delay(std::chrono::milliseconds lifetime, double unit) noexcept;

}  // namespace sluice::net
