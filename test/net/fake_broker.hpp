#pragma once
// FakeBroker: a scripted one-connection "broker" on 127.0.0.1 for fault
// injection in BrokerConnection tests. Only for what a real broker cannot be
// made to do (truncated frames, garbage, byte-at-a-time answers...).
//
// It runs on the test's io_context (one thread: no locks, no races) and each
// step takes a continuation, so a test writes its script as nested lambdas:
//   fake.handshake([&] { fake.read_request([&](auto r) { fake.write(...); }); });
// On an I/O error the script stops (error() says which); nothing throws.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "sluice/net/broker_address.hpp"

namespace sluice::test {

using Bytes = std::vector<std::uint8_t>;

// A request as read off the wire (header v1/v2 prefix parsed).
struct FakeRequest {
  std::int16_t api_key = -1;
  std::int16_t api_version = -1;
  std::int32_t correlation_id = -1;
  Bytes frame;  // without the size prefix
};

class FakeBroker {
 public:
  using Next = std::function<void()>;

  // Listens on 127.0.0.1, an ephemeral port. receive_buffer_bytes > 0 sets
  // SO_RCVBUF (inherited by the accepted socket) so a client's large write
  // stalls when the script stops reading.
  explicit FakeBroker(boost::asio::io_context& io, int receive_buffer_bytes = 0);

  net::BrokerAddress address() const;

  void accept(Next next);
  void read_request(std::function<void(FakeRequest)> next);
  void read_requests(std::size_t n, std::function<void(std::vector<FakeRequest>)> next);
  void read_bytes(std::size_t n, Next next);  // raw bytes, kept until the next read (last_read)
  // accept, read the ApiVersions request, answer it (error 0; Produce 3-13,
  // Metadata 0-13, ApiVersions 0-4, InitProducerId 0-5).
  void handshake(Next next = {});
  void write(Bytes bytes, Next next = {});
  // One byte per write, `gap` apart (a timer on the io_context).
  void trickle(Bytes bytes, std::chrono::milliseconds gap, Next next = {});
  void close();  // closes the accepted connection (and stops listening)
  // Ends the stream (FIN) after what was written; reading goes on.
  void shutdown_send();
  // Closes with a reset (SO_LINGER 0: RST, not FIN), and stops listening.
  void reset();
  // Writes `bytes` at once (synchronously) and resets, in one step: no other
  // handler on the io_context runs in between, so the client finds the bytes
  // and the reset waiting together.
  void write_and_reset(Bytes bytes);

  std::size_t bytes_received() const noexcept { return received_; }
  // What the last read_bytes() read (valid in its continuation).
  const Bytes& last_read() const noexcept { return in_; }
  boost::system::error_code error() const noexcept { return error_; }

  // size + response header (v0 or v1, as `to` calls for) + body.
  static Bytes response(const FakeRequest& to, std::span<const std::uint8_t> body);
  // An ApiVersions answer at `version`: Produce 3-13, Metadata 0-13,
  // ApiVersions 0-4, InitProducerId 0-5; or the given error and ranges.
  struct ApiRange {
    std::int16_t key, min, max;
  };
  static Bytes api_versions_body(std::int16_t version);
  static Bytes api_versions_body(std::int16_t version, std::int16_t error, const std::vector<ApiRange>& ranges);

 private:
  bool failed(const boost::system::error_code& ec);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  Bytes in_;
  std::size_t received_ = 0;
  boost::system::error_code error_;
};

}  // namespace sluice::test
