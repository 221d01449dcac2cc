#pragma once
// Broker addresses and the bootstrap list (`bootstrap.servers` /
// `metadata.broker.list`): comma-separated host[:port], with IPv6 literals in
// brackets ([::1]:9092); an entry without a port gets 9092, as in librdkafka
// and kcat.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::net {

struct BrokerAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;  // host:port, IPv6 in brackets
  friend bool operator==(const BrokerAddress&, const BrokerAddress&) = default;
};

struct BrokerListParse {
  std::vector<BrokerAddress> brokers;
  std::string error;  // empty on success; otherwise names the bad entry
  bool ok() const noexcept { return error.empty(); }
};

BrokerListParse parse_broker_list(std::string_view list);

}  // namespace sluice::net
