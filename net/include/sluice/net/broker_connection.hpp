#pragma once
// BrokerConnection: one connection to one broker, on Boost.Asio. Resolves
// and connects (every resolved address in turn, with a timeout), runs the
// TLS handshake (SSL, SASL_SSL), negotiates API versions, authenticates with
// SASL (SASL_PLAINTEXT, SASL_SSL; re-authenticates before a session with a
// lifetime ends, KIP-368), then pipelines requests: frames are written in
// order and answers matched by correlation id. A gathered request
// (send_gathered: Produce) goes out in one scatter-gather write: the
// connection's own framing buffer with the caller's bytes (record batches)
// referenced in place, never copied.
//
// Every decision is the ConnectionMachine's (connection_machine.hpp,
// sans-I/O, tested with a clock the test moves); this class is its face,
// and the Asio driver (net/src/stream_driver.hpp, one template over plain
// TCP and TLS streams) does the I/O it asks for.
//
// Threading: every member runs on the io_context's single I/O thread; the
// object is not thread-safe and needs no lock. Handlers run on that thread.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "sluice/net/broker_address.hpp"
#include "sluice/net/connection_machine.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/request_segments.hpp"
#include "sluice/protocol/version_picker.hpp"

namespace sluice::net {

namespace detail {
class ConnectionDriver;  // net/src/stream_driver.hpp
}

class BrokerConnection : public std::enable_shared_from_this<BrokerConnection> {
 public:
  using State = ConnectionState;
  using ConnectHandler = net::ConnectHandler;
  // Writes a request body for the given version; returns an encode error.
  using BodyEncoder = std::function<std::error_code(protocol::BufferWriter&, std::int16_t version)>;
  using GatheredBodyEncoder = net::GatheredBodyEncoder;

  BrokerConnection(boost::asio::io_context& io, std::int32_t node_id, BrokerAddress address,
                   ConnectionOptions options);
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Resolve, connect, TLS handshake, negotiate versions, authenticate.
  // `done` runs once: empty error when ready, otherwise why not (the
  // connection is then closed; failure_detail() may say more).
  void connect(ConnectHandler done);

  // Queues a request. Fails at once (through `handler`) if not ready or no
  // version is common. With `expect_response` false (acks=0 Produce), the
  // handler runs once the request is written, with an empty body.
  void send(protocol::ApiKey key, const BodyEncoder& encode, bool expect_response, ResponseHandler handler);
  // The same at an explicit version (diagnostics and conformance tests);
  // the caller is responsible for the broker supporting it.
  void send_at(protocol::ApiKey key, std::int16_t version, const BodyEncoder& encode, bool expect_response,
               ResponseHandler handler);
  // As send(), written with one gathered write: the spliced ranges are sent
  // from where they are. They must stay alive and unchanged until `handler`
  // runs: it never runs while the write may still read them (an answer that
  // arrives before the write's completion waits for it; a close stops the
  // write first, then delivers an answer that was waiting as the answer).
  void send_gathered(protocol::ApiKey key, const GatheredBodyEncoder& encode, bool expect_response,
                     ResponseHandler handler);

  // Fails everything in flight with `reason` and closes the socket.
  void close(std::error_code reason);

  State state() const noexcept { return machine_.state(); }
  std::int32_t node_id() const noexcept { return node_id_; }
  const BrokerAddress& address() const noexcept { return machine_.address(); }
  const protocol::NegotiatedVersions& versions() const noexcept { return machine_.versions(); }
  std::size_t in_flight() const noexcept { return machine_.in_flight(); }
  std::size_t unwritten() const noexcept { return machine_.unwritten(); }  // of in_flight(): queued or being written
  // When a request was last queued or an answer last read: the owner closes
  // connections idle for connections.max.idle.ms, before the broker would.
  // (Re-authentication does not count as use.)
  Clock::time_point last_used() const noexcept { return machine_.last_used(); }
  // Why the connection failed when it is something a user must act on: TLS
  // setup or verification, authentication, a listener speaking another
  // security protocol. Names the broker, what happened and what to change;
  // never a credential. Empty for ordinary network failures (refused, timed
  // out, closed), which the error code describes well enough.
  const std::string& failure_detail() const noexcept { return machine_.failure_detail(); }
  // Re-authentication (KIP-368) is pending or running: requests queue.
  bool reauthenticating() const noexcept { return machine_.reauthenticating(); }

 private:
  std::int32_t node_id_;
  ConnectionMachine machine_;
  std::unique_ptr<detail::ConnectionDriver> driver_;
};

}  // namespace sluice::net
