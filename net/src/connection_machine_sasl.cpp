// ConnectionMachine, SASL side: the exchange after ApiVersions (for
// OAUTHBEARER, after getting a token), and re-authentication (KIP-368) on a
// live connection once the requests in flight are answered, with a fresh
// token for OAUTHBEARER. The mechanisms' messages come from SaslExchange.
#include "sluice/net/connection_machine.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "sluice/net/sasl_mechanism_factory.hpp"
#include "sluice/protocol/sasl.hpp"

namespace sluice::net {

using protocol::ApiKey;

namespace {

// SaslHandshake v1: the tokens travel in SaslAuthenticate (v0 sent raw frames).
constexpr std::int16_t kSaslHandshakeVersion = 1;

}  // namespace

void ConnectionMachine::start_sasl() {
  const auto handshake = versions_.version(ApiKey::SaslHandshake);
  const auto authenticate = versions_.version(ApiKey::SaslAuthenticate);
  if (!handshake || *handshake < kSaslHandshakeVersion || !authenticate) {
    fail(net_errc::sasl_unavailable, "broker " + address_.to_string() +
                                         " offers no SaslHandshake v1 / SaslAuthenticate (Kafka 1.0 or later "
                                         "needed for SASL): check security.protocol and the broker's version");
    return;
  }
  auth_ = Auth::exchanging;  // nothing else is written from here on, while a token is fetched too
  const SaslOptions& sasl = options_.security.sasl;
  if (sasl.mechanism != SaslMechanismKind::oauthbearer) {
    run_sasl(make_sasl_mechanism(sasl));
    return;
  }
  // OAUTHBEARER: a token first (cached, or fetched: it counts against the
  // connect timeout, or holds requests back while re-authenticating).
  if (!sasl.oauthbearer.token_source) {
    fail(sasl_errc::oauth_token_unavailable,
         "SASL OAUTHBEARER with broker " + address_.to_string() +
             ": no token source (set sasl.oauthbearer.method=oidc, or give the producer a token provider)");
    return;
  }
  actions_.push_back(connection_action::FetchToken{});
}

void ConnectionMachine::on(connection_event::TokenReady& e) {
  if (state_ == ConnectionState::closed || auth_ != Auth::exchanging || sasl_) return;
  if (!e.result.token) {
    fail(e.result.error ? e.result.error : make_error_code(sasl_errc::oauth_token_unavailable),
         "no OAUTHBEARER token for broker " + address_.to_string() + ": " + e.result.message);
    return;
  }
  run_sasl(make_sasl_mechanism(options_.security.sasl, &*e.result.token));
}

void ConnectionMachine::run_sasl(std::unique_ptr<SaslMechanism> mechanism) {
  sasl_ = std::make_unique<SaslExchange>(std::move(mechanism), address_.to_string());
  protocol::SaslHandshakeRequest request{sasl_->mechanism_name()};
  send_sasl(ApiKey::SaslHandshake, kSaslHandshakeVersion,
            [&request](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) {
              return protocol::encode(request, w, v);
            });
}

void ConnectionMachine::on_sasl_action(SaslAction action) {
  switch (action.kind) {
    case SaslAction::Kind::fail:
      sasl_.reset();
      fail(action.error, std::move(action.message));
      return;
    case SaslAction::Kind::done:
      sasl_.reset();
      auth_ = Auth::none;
      schedule_reauthentication(action.session_lifetime);
      if (state_ == ConnectionState::connecting) {
        finish_connect();
      } else {
        write_next();  // the requests held back during re-authentication
      }
      return;
    case SaslAction::Kind::send_authenticate: break;
  }
  protocol::SaslAuthenticateRequest request{action.auth_bytes};
  send_sasl(ApiKey::SaslAuthenticate, *versions_.version(ApiKey::SaslAuthenticate),
            [&request](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) {
              return protocol::encode(request, w, v);
            });
}

// A SASL request goes ahead of anything queued (only one is ever
// outstanding: the exchange waits for each answer).
void ConnectionMachine::send_sasl(ApiKey key, std::int16_t version, const GatheredBodyEncoder& encode) {
  ResponseHandler own;
  auto out = make_outgoing(key, version, encode, true, own);
  if (!out) return;
  control_ = std::move(*out);
  write_next();
}

// KIP-368: the broker closes a connection whose session outlived its
// lifetime, so the session is renewed at 85-95% of it (jittered).
void ConnectionMachine::schedule_reauthentication(std::chrono::milliseconds lifetime) {
  if (lifetime.count() <= 0) return;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  reauthenticate_at_ = now_ + reauthentication_delay(lifetime, unit(rng_));
}

// Re-authentication starts once nothing is in flight: the broker then sees
// no request interleaved with the SASL exchange, and every answer before it
// belongs to the old session.
void ConnectionMachine::maybe_start_reauthentication() {
  if (auth_ != Auth::draining || state_ != ConnectionState::ready || writing_ || !in_flight_.empty()) return;
  start_sasl();
}

}  // namespace sluice::net
