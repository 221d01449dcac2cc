// BrokerConnection, security side: the TLS handshake after TCP connects, the
// SASL exchange after ApiVersions (for OAUTHBEARER, after getting a token),
// and re-authentication (KIP-368) on a live connection, with a fresh token
// for OAUTHBEARER. Runs on the connection's I/O thread like the rest of it.
#include <boost/asio/post.hpp>

#include "sluice/net/broker_connection.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "sluice/net/sasl_mechanism_factory.hpp"
#include "sluice/protocol/sasl.hpp"
#include "tls_context.hpp"

namespace sluice::net {

namespace asio = boost::asio;
using protocol::ApiKey;

namespace {

// SaslHandshake v1: the tokens travel in SaslAuthenticate (v0 sent raw frames).
constexpr std::int16_t kSaslHandshakeVersion = 1;

}  // namespace

// Loads the CA store and client certificate for this connection. A failure
// (a missing file, a wrong key password) ends the attempt before any
// network traffic; it is reported through `done` like any other failure,
// never from inside connect().
bool BrokerConnection::prepare_tls() {
  if (!uses_tls(options_.security.protocol)) return true;
  std::optional<TlsSetupError> error;
  auto context = detail::make_tls_context(options_.security.tls, error);
  if (context) {
    tls_ = std::make_unique<detail::TlsStream>(std::move(context));
    return true;
  }
  auto self = shared_from_this();
  asio::post(io_, [this, self, message = error->message] {
    fail(net_errc::tls_setup_failed, "cannot connect to broker " + address_.to_string() + " over TLS: " + message);
  });
  return false;
}

void BrokerConnection::start_tls() {
  tls_->stream.emplace(std::move(socket_), *tls_->context);
  const auto& tls_options = options_.security.tls;
  if (auto problem = detail::prepare_session(tls_->stream->native_handle(), address_.host, tls_options);
      !problem.empty()) {
    fail(net_errc::tls_setup_failed, "broker " + address_.to_string() + ": " + problem);
    return;
  }
  auto self = shared_from_this();
  tls_->stream->async_handshake(asio::ssl::stream_base::client, [this, self](boost::system::error_code ec) {
    if (state_ != State::connecting) return;
    if (ec) {
      auto failure = detail::describe_handshake_failure(tls_->stream->native_handle(), ec, address_.to_string(),
                                                        address_.host, options_.security.tls);
      fail(failure.code, std::move(failure.message));
      return;
    }
    start_protocol();
  });
}

bool BrokerConnection::looks_like_tls(std::size_t n) const noexcept {
  // A TLS record header: content type alert (21) or handshake (22), then
  // version 3.x. As a Kafka size prefix that would be a frame of 350+ MB:
  // no real ApiVersions answer starts this way.
  return !tls_ && state_ == State::connecting && n >= 3 && (read_buf_[0] == 0x15 || read_buf_[0] == 0x16) &&
         read_buf_[1] == 0x03 && read_buf_[2] <= 0x04;
}

// Writes a SASL request ahead of anything queued (only one is ever
// outstanding: the exchange waits for each answer).
void BrokerConnection::send_control(ApiKey key, std::int16_t version, const BodyEncoder& encode,
                                    ResponseHandler handler) {
  auto out = make_outgoing(
      key, version,
      [&encode](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) { return encode(w, v); }, true,
      handler);
  if (!out) return;
  control_ = std::move(*out);
  arm_request_timer();
  write_next();
}

void BrokerConnection::start_sasl() {
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
  // Weak: the source (which the connection's options hold) keeps waiting
  // handlers until its request ends; a strong one would be a cycle if the
  // io_context stops first.
  sasl.oauthbearer.token_source->async_token(io_, [weak = weak_from_this()](OAuthTokenResult result) {
    auto self = weak.lock();
    if (self) self->on_token(std::move(result));
  });
}

void BrokerConnection::on_token(OAuthTokenResult result) {
  if (state_ == State::closed) return;
  if (!result.token) {
    fail(result.error ? result.error : make_error_code(sasl_errc::oauth_token_unavailable),
         "no OAUTHBEARER token for broker " + address_.to_string() + ": " + result.message);
    return;
  }
  run_sasl(make_sasl_mechanism(options_.security.sasl, &*result.token));
}

void BrokerConnection::run_sasl(std::unique_ptr<SaslMechanism> mechanism) {
  sasl_ = std::make_unique<SaslExchange>(std::move(mechanism), address_.to_string());
  protocol::SaslHandshakeRequest request{sasl_->mechanism_name()};
  auto self = shared_from_this();
  send_control(
      ApiKey::SaslHandshake, kSaslHandshakeVersion,
      [&request](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(request, w, v); },
      [this, self](const RequestOutcome& out) {
        if (state_ == State::closed) return;
        if (out.ec) {
          close(out.ec);
          return;
        }
        auto response = protocol::decode_sasl_handshake_response(out.body, kSaslHandshakeVersion);
        if (!response) {
          fail(net_errc::protocol_error, "broker " + address_.to_string() + " sent a malformed SaslHandshake answer");
          return;
        }
        on_sasl_action(sasl_->on_handshake(*response));
      });
}

void BrokerConnection::on_sasl_action(SaslAction action) {
  switch (action.kind) {
    case SaslAction::Kind::fail:
      sasl_.reset();
      fail(action.error, std::move(action.message));
      return;
    case SaslAction::Kind::done:
      sasl_.reset();
      auth_ = Auth::none;
      schedule_reauthentication(action.session_lifetime);
      if (state_ == State::connecting) {
        finish_connect({});
      } else {
        write_next();  // the requests held back during re-authentication
      }
      return;
    case SaslAction::Kind::send_authenticate: break;
  }
  const std::int16_t version = *versions_.version(ApiKey::SaslAuthenticate);
  protocol::SaslAuthenticateRequest request{action.auth_bytes};
  auto self = shared_from_this();
  send_control(
      ApiKey::SaslAuthenticate, version,
      [&request](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(request, w, v); },
      [this, self, version](const RequestOutcome& out) {
        if (state_ == State::closed) return;
        if (out.ec) {
          close(out.ec);
          return;
        }
        auto response = protocol::decode_sasl_authenticate_response(out.body, version);
        if (!response) {
          fail(net_errc::protocol_error,
               "broker " + address_.to_string() + " sent a malformed SaslAuthenticate answer");
          return;
        }
        on_sasl_action(sasl_->on_authenticate(*response));
      });
}

// KIP-368: the broker closes a connection whose session outlived its
// lifetime, so the session is renewed at 85-95% of it (jittered).
void BrokerConnection::schedule_reauthentication(std::chrono::milliseconds lifetime) {
  if (lifetime.count() <= 0) return;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  reauth_timer_.expires_after(reauthentication_delay(lifetime, unit(rng_)));
  auto self = shared_from_this();
  reauth_timer_.async_wait([this, self](boost::system::error_code ec) {
    if (ec || state_ != State::ready || auth_ != Auth::none) return;
    auth_ = Auth::draining;
    maybe_start_reauthentication();
  });
}

// Re-authentication starts once nothing is in flight: the broker then sees
// no request interleaved with the SASL exchange, and every answer before it
// belongs to the old session.
void BrokerConnection::maybe_start_reauthentication() {
  if (auth_ != Auth::draining || state_ != State::ready || writing_ || !in_flight_.empty()) return;
  start_sasl();
}

}  // namespace sluice::net
