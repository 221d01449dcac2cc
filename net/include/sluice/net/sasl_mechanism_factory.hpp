#pragma once
// Where the SASL mechanisms are known: builds the configured one (the base,
// sasl_mechanism.hpp, knows none of its subclasses).
#include <memory>

#include "sluice/net/oauth_token.hpp"
#include "sluice/net/sasl_mechanism.hpp"
#include "sluice/net/security.hpp"

namespace sluice::net {

// PLAIN or SCRAM-SHA-256/512 with the configured credentials; OAUTHBEARER
// with `token` (which it needs: without one, null).
std::unique_ptr<SaslMechanism> make_sasl_mechanism(const SaslOptions& options, const OAuthToken* token = nullptr);

}  // namespace sluice::net
