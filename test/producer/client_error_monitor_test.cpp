// ClientErrorMonitor (client_error_monitor.cpp): when the error callback's
// client-wide events are due, from connection results and the fatal state.
#include "client_error_monitor.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

using sluice::ClientErrorKind;
using sluice::detail::ClientErrorMonitor;

namespace {
const std::error_code refused = std::make_error_code(std::errc::connection_refused);
const std::error_code ok{};
const std::error_code sasl_failed = make_error_code(sluice::protocol::kafka_errc::sasl_authentication_failed);
const std::vector<std::int32_t> two_bootstrap = {-1, -2};
}  // namespace

TEST_CASE("all brokers down: once every candidate failed and none is up, then again only after one connected") {
  ClientErrorMonitor m;
  CHECK(m.on_connect_result(-1, refused, "broker at h1:1: refused", two_bootstrap, false).empty());
  auto events = m.on_connect_result(-2, refused, "broker at h2:2: refused", two_bootstrap, false);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == ClientErrorKind::all_brokers_down);
  CHECK_FALSE(events[0].fatal());
  CHECK(events[0].error == refused);
  CHECK(events[0].message.find("h1:1") != std::string::npos);
  CHECK(events[0].message.find("h2:2") != std::string::npos);
  // Further failures of the same outage: not again.
  CHECK(m.on_connect_result(-1, refused, "broker at h1:1: refused", two_bootstrap, false).empty());
  // A broker connects, then every one fails again: a new outage, reported.
  CHECK(m.on_connect_result(-1, ok, "", two_bootstrap, true).empty());
  CHECK(m.on_connect_result(-1, refused, "broker at h1:1: refused", two_bootstrap, false).size() == 1);
}

TEST_CASE("all brokers down: not while a link is up, and only over the brokers dialled now") {
  ClientErrorMonitor m;
  const std::vector<std::int32_t> known = {1, 2};
  CHECK(m.on_connect_result(1, refused, "broker 1: refused", known, false).empty());
  // Broker 2 never tried: 1 alone down is not "all".
  CHECK(m.on_connect_result(1, refused, "broker 1: refused", known, false).empty());
  // Both down, but a bootstrap link is still up: not all down.
  CHECK(m.on_connect_result(2, refused, "broker 2: refused", known, true).empty());
  CHECK(m.on_connect_result(2, refused, "broker 2: refused", known, false).size() == 1);
}

TEST_CASE("authentication: SASL and certificate failures, once per broker until it connects") {
  ClientErrorMonitor m;
  const std::vector<std::int32_t> one = {-1};
  const std::vector<std::int32_t> both = {-1, -2};
  auto events = m.on_connect_result(-1, sasl_failed, "SASL authentication with broker h:1 failed", both, false);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == ClientErrorKind::authentication);
  CHECK(events[0].error == sasl_failed);
  CHECK(m.on_connect_result(-1, sasl_failed, "again", both, false).empty());
  // The second broker refuses too: its own authentication event, and now all are down.
  events = m.on_connect_result(-2, sasl_failed, "SASL authentication with broker h:2 failed", both, false);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == ClientErrorKind::authentication);
  CHECK(events[1].kind == ClientErrorKind::all_brokers_down);
  // Connected once: a later refusal is news again.
  m.on_connect_result(-1, ok, "", one, true);
  CHECK(m.on_connect_result(-1, sasl_failed, "x", one, false).front().kind == ClientErrorKind::authentication);
}

TEST_CASE("what counts as an authentication failure") {
  using sluice::protocol::kafka_errc;
  CHECK(ClientErrorMonitor::is_authentication_failure(sasl_failed));
  CHECK(ClientErrorMonitor::is_authentication_failure(make_error_code(kafka_errc::unsupported_sasl_mechanism)));
  CHECK(ClientErrorMonitor::is_authentication_failure(sluice::net::sasl_errc::server_signature_mismatch));
  CHECK(ClientErrorMonitor::is_authentication_failure(sluice::net::net_errc::certificate_verify_failed));
  CHECK_FALSE(ClientErrorMonitor::is_authentication_failure(refused));
  CHECK_FALSE(ClientErrorMonitor::is_authentication_failure(sluice::net::net_errc::tls_expected));
  CHECK_FALSE(ClientErrorMonitor::is_authentication_failure(make_error_code(kafka_errc::not_leader_or_follower)));
}

TEST_CASE("fatal: reported the first time only") {
  ClientErrorMonitor m;
  const auto refused_id = make_error_code(sluice::protocol::kafka_errc::cluster_authorization_failed);
  auto e = m.on_fatal(refused_id, "InitProducerId refused: CLUSTER_AUTHORIZATION_FAILED");
  REQUIRE(e);
  CHECK(e->fatal());
  CHECK(e->error == refused_id);
  CHECK_FALSE(m.on_fatal(refused_id, "again"));
}
