#pragma once
// A SASL mechanism's client side, sans-I/O: it produces the client's
// messages and judges the server's, nothing else (Kafka's framing of them is
// SaslExchange's job, the socket BrokerConnection's). One object per
// authentication; not thread-safe (a connection's I/O thread owns it).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>


namespace sluice::net {

// What to do after a step: send `message`, or stop because the exchange is
// complete (`done`) or failed (`error`, with `detail` saying what exactly;
// never a credential).
struct SaslStep {
  std::error_code error;
  std::string detail;
  std::vector<std::uint8_t> message;
  bool done = false;
};

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;
  // The IANA name the broker knows it by, e.g. "SCRAM-SHA-512".
  virtual const char* name() const noexcept = 0;
  // The client's first message.
  virtual SaslStep start() = 0;
  // The server's answer to the last message: the next client message,
  // done (for SCRAM only once the server proved it knows the password),
  // or an error.
  virtual SaslStep on_server_message(std::span<const std::uint8_t> message) = 0;
  // What to check when the broker refuses the credentials (appended to the
  // failure message, starting with "; "); never a credential.
  virtual std::string refusal_hint() const {
    return std::string("; check sasl.username and sasl.password, and that the user has ") + name() +
           " credentials on the cluster";
  }
};

}  // namespace sluice::net
