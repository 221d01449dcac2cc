#pragma once
// SASL PLAIN (RFC 4616): one message, "authzid NUL authcid NUL passwd",
// with an empty authorization id (the broker derives the principal from
// the user name). Sends the password as is: use it over TLS (SASL_SSL).
#include <string>

#include "sluice/net/sasl_mechanism.hpp"

namespace sluice::net {

class SaslPlain final : public SaslMechanism {
 public:
  SaslPlain(std::string username, std::string password);
  ~SaslPlain() override;
  const char* name() const noexcept override { return "PLAIN"; }
  SaslStep start() override;
  // Kafka's broker answers PLAIN with an empty message; any answer ends it.
  SaslStep on_server_message(std::span<const std::uint8_t> message) override;

 private:
  std::string username_;
  std::string password_;
  enum class Step { initial, sent, done } step_ = Step::initial;
};

}  // namespace sluice::net
