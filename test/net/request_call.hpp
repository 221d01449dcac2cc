#pragma once
// What a request's handler saw, for the net/ tests that play a connection
// (the machine's rig, the loopback fault tests): its completions, the
// last error, maybe_delivered and body, and the order handlers ran in.
#include <cstdint>
#include <system_error>
#include <vector>

#include "fake_broker.hpp"
#include "sluice/net/in_flight_requests.hpp"

namespace sluice::test {

struct Call {  // one request's completions, as its handler saw them
  int count = 0;
  std::error_code ec;
  bool maybe_delivered = false;
  Bytes body;
};

inline net::ResponseHandler record(Call& c, std::vector<int>* order = nullptr, int tag = 0) {
  return [&c, order, tag](const net::RequestOutcome& o) {
    ++c.count;
    c.ec = o.ec;
    c.maybe_delivered = o.maybe_delivered;
    c.body.assign(o.body.begin(), o.body.end());
    if (order) order->push_back(tag);
  };
}

}  // namespace sluice::test
