#pragma once
// Negative-control fixture for check_public_headers.cmake: every line below
// is a fault the checker must report. Never compiled, never installed.
#include "sluice/protocol/api_key.hpp"

namespace sluice {

struct Leaky {
  net::SecurityOptions security;
  protocol::ApiKey key;
  int resolved_addresses_for_test = 0;
  void send_at(int when);
};

}  // namespace sluice
