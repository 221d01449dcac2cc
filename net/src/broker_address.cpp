#include "sluice/net/broker_address.hpp"

#include <charconv>

namespace sluice::net {

std::string BrokerAddress::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace {

constexpr std::string_view kDefaultPort = "9092";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

BrokerListParse parse_broker_list(std::string_view list) {
  BrokerListParse out;
  auto fail = [&out](std::string_view entry, const char* why) {
    out.brokers.clear();
    out.error = "broker list entry '" + std::string(entry) + "': " + why + " (expected host[:port], e.g. localhost:9092 or [::1]:9092; the port defaults to 9092)";
    return out;
  };
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string_view entry = trim(list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    start = comma == std::string_view::npos ? list.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    // Some clients accept a PLAINTEXT:// style prefix; we accept and drop it.
    if (auto p = entry.find("://"); p != std::string_view::npos) entry.remove_prefix(p + 3);
    std::string_view host;
    std::string_view port;
    if (entry.front() == '[') {
      auto close = entry.find(']');
      if (close == std::string_view::npos) return fail(entry, "unterminated '[' in IPv6 address");
      host = entry.substr(1, close - 1);
      if (close + 1 == entry.size()) port = kDefaultPort;  // "[::1]"
      else if (entry[close + 1] != ':') return fail(entry, "expected ':' and a port after ']'");
      else port = entry.substr(close + 2);
    } else {
      auto colon = entry.rfind(':');
      if (colon == std::string_view::npos) {
        host = entry;
        port = kDefaultPort;  // as librdkafka and kcat: "localhost" is localhost:9092
      } else {
        host = entry.substr(0, colon);
        if (host.find(':') != std::string_view::npos) return fail(entry, "IPv6 address must be in brackets");
        port = entry.substr(colon + 1);
      }
    }
    if (host.empty()) return fail(entry, "empty host");
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return fail(entry, "port must be a number from 1 to 65535");
    }
    out.brokers.push_back({std::string(host), static_cast<std::uint16_t>(value)});
  }
  if (out.brokers.empty()) out.error = "broker list is empty (expected host:port[,host:port...])";
  return out;
}

}  // namespace sluice::net
