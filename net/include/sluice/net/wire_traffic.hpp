#pragma once
// WireTraffic: what one broker's connections wrote and read, every request
// kind counted (Produce, Metadata, InitProducerId, CreateTopics, and the
// connection's own ApiVersions and SASL requests), as librdkafka's per-broker
// tx/txbytes/txerrs/rx/rxbytes/rxerrs count them. The owner hands the same
// counters to each new connection to a broker (ConnectionOptions::traffic),
// so they run on across reconnects. I/O thread only, like the connection.
#include <cstdint>

namespace sluice::net {

struct WireTraffic {
  std::uint64_t tx = 0;        // requests written in full
  std::uint64_t tx_bytes = 0;  // bytes written: size prefix, header, body
  std::uint64_t tx_errs = 0;   // requests that failed before they were written in full
  std::uint64_t rx = 0;        // answers read
  std::uint64_t rx_bytes = 0;  // their bytes, size prefix included
  std::uint64_t rx_errs = 0;   // written requests never answered (connection lost, timed out), bad answers
};

}  // namespace sluice::net
