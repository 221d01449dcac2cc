#include "sluice/net/net_error.hpp"

#include <string>

#include "sluice/protocol/error_category.hpp"

namespace sluice::net {
namespace {

struct NetErrors {
  static constexpr const char* name = "sluice.net";
  static std::string message(int ev) {
    switch (static_cast<net_errc>(ev)) {
      case net_errc::ok: return "no error";
      case net_errc::connect_timeout: return "connection attempt timed out";
      case net_errc::request_timeout: return "request timed out waiting for the broker's response";
      case net_errc::connection_closed: return "connection closed by the broker";
      case net_errc::protocol_error: return "protocol error in the broker's response";
      case net_errc::frame_too_large: return "response frame larger than the configured maximum";
      case net_errc::resolve_failed: return "broker host name did not resolve";
      case net_errc::no_common_version: return "broker supports no API version Sluice speaks";
      case net_errc::shutting_down: return "client is shutting down";
      case net_errc::bad_broker_list: return "malformed broker list";
      case net_errc::tls_setup_failed: return "TLS setup failed (CA store, client certificate or key)";
      case net_errc::tls_handshake_failed: return "TLS handshake failed";
      case net_errc::certificate_verify_failed: return "certificate verify failed";
      case net_errc::tls_error: return "TLS error on the connection";
      case net_errc::tls_expected: return "the broker answered in TLS: its listener expects TLS";
      case net_errc::sasl_unavailable: return "the broker does not offer SASL authentication (SaslHandshake v1)";
    }
    return "unknown network error";
  }
};

}  // namespace

const std::error_category& net_category() noexcept { return protocol::error_category_instance<NetErrors>(); }

}  // namespace sluice::net
