#pragma once
// SASL OAUTHBEARER (RFC 7628) client, as Kafka runs it (KIP-255): one
// initial response carrying the bearer token and any SASL extensions,
//
//   n,,\x01auth=Bearer <token>\x01<key>=<value>\x01...\x01
//
// (gs2 header without channel binding or authzid). The broker answers an
// accepted token with an empty message. It answers a refused one with its
// error JSON ({"status":"invalid_token",...}); RFC 7628 3.2.3 then wants a
// single \x01 from the client, after which the broker fails the exchange.
// The JSON is kept for the failure message (refusal_hint()).
#include <string>
#include <utility>
#include <vector>

#include "sluice/net/sasl_mechanism.hpp"

namespace sluice::net {

class SaslOAuthBearer final : public SaslMechanism {
 public:
  SaslOAuthBearer(std::string token, std::vector<std::pair<std::string, std::string>> extensions,
                  std::string principal = {});
  ~SaslOAuthBearer() override;
  SaslOAuthBearer(const SaslOAuthBearer&) = delete;
  SaslOAuthBearer& operator=(const SaslOAuthBearer&) = delete;

  const char* name() const noexcept override { return "OAUTHBEARER"; }
  SaslStep start() override;
  SaslStep on_server_message(std::span<const std::uint8_t> message) override;
  std::string refusal_hint() const override;

 private:
  std::string token_;
  std::vector<std::pair<std::string, std::string>> extensions_;
  std::string principal_;
  std::string server_error_;  // the broker's error JSON, sanitized
  enum class Step { initial, sent, answered_error, done } step_ = Step::initial;
};

// RFC 7628 / RFC 6750 syntax: a token is b64token (ALPHA DIGIT - . _ ~ + /
// then '=' padding); an extension key is ALPHA only and not "auth"; a value
// is printable ASCII, space, tab, CR or LF. Empty when fine, else what is
// wrong (never the token itself).
std::string oauthbearer_syntax_problem(const std::string& token,
                                       const std::vector<std::pair<std::string, std::string>>& extensions);

}  // namespace sluice::net
