#pragma once
// Errors of the network layer (local, not Kafka's codes): their own
// std::error_code category.
#include "sluice/export.hpp"
#include <system_error>

namespace sluice::net {

enum class net_errc {
  ok = 0,
  connect_timeout = 1,     // TCP connect did not complete in time
  request_timeout,         // no response within request.timeout.ms
  connection_closed,       // the broker closed the connection
  protocol_error,          // a response we cannot match or decode
  frame_too_large,         // a response frame over the configured maximum
  resolve_failed,          // the broker's host name did not resolve
  no_common_version,       // the broker supports no version we speak
  shutting_down,           // the client is closing
  bad_broker_list,         // malformed bootstrap.servers entry
  tls_setup_failed,        // the CA store, client certificate or key could not be loaded
  tls_handshake_failed,    // the TLS handshake failed (not a verification failure)
  certificate_verify_failed,  // the broker's certificate is untrusted, expired, or names another host
  tls_error,               // a TLS error on an established session (e.g. an alert from the broker)
  tls_expected,            // the broker answered a plaintext request in TLS: the listener wants TLS
  sasl_unavailable,        // the broker offers no SaslHandshake v1 / SaslAuthenticate
};

SLUICE_API const std::error_category& net_category() noexcept;
inline std::error_code make_error_code(net_errc e) noexcept { return {static_cast<int>(e), net_category()}; }

}  // namespace sluice::net

template <>
struct std::is_error_code_enum<sluice::net::net_errc> : std::true_type {};
