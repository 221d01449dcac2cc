#pragma once
// BrokerConnection: one TCP connection to one broker, on Boost.Asio.
// Resolves and connects (every resolved address in turn, with a timeout),
// runs the TLS handshake (SSL, SASL_SSL), negotiates API versions,
// authenticates with SASL (SASL_PLAINTEXT, SASL_SSL), then pipelines
// requests: frames are written in order and answers matched by correlation
// id (InFlightRequests). A gathered request (send_gathered: Produce) goes out
// in one scatter-gather write: the connection's own framing buffer with the
// caller's bytes (record batches) referenced in place, never copied. A SASL session with a lifetime is renewed on the
// same connection before it ends (KIP-368): new requests wait while the ones
// in flight are answered, the SASL exchange runs again, then they go out.
// The TLS and SASL parts are in broker_connection_security.cpp.
//
// Threading: every member runs on the io_context's single I/O thread; the
// object is not thread-safe and needs no lock. Handlers run on that thread.
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "sluice/net/broker_address.hpp"
#include "sluice/net/frame_decoder.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/net/security.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/request_segments.hpp"
#include "sluice/protocol/version_picker.hpp"

namespace sluice::net {

struct SaslAction;
class SaslExchange;
class SaslMechanism;
struct OAuthTokenResult;
namespace detail {
struct TlsStream;  // OpenSSL context and stream (net/src/tls_context.hpp)
}

struct ConnectionOptions {
  std::string client_id = "sluice";
  std::chrono::milliseconds connect_timeout{10000};   // socket.connection.setup.timeout.ms
  std::chrono::milliseconds request_timeout{30000};   // request.timeout.ms
  std::size_t max_response_bytes = 100u << 20;        // larger frames are an error
  int send_buffer_bytes = 131072;     // send.buffer.bytes (SO_SNDBUF); -1: the OS default
  int receive_buffer_bytes = 32768;   // receive.buffer.bytes (SO_RCVBUF); -1: the OS default
  bool keepalive = false;             // socket.keepalive.enable (SO_KEEPALIVE)
  // security.protocol, ssl.*, sasl.* (docs/SECURITY.md). The TLS handshake
  // and the SASL exchange count against connect_timeout.
  SecurityOptions security;
  // Replaces name resolution with these addresses, tried in this order, as
  // if the broker's name had resolved to them. For tests: the machines the
  // suite runs on resolve no name to several addresses, and "every address
  // is tried in turn" must still be checked. Empty (always, in the
  // producer): resolve the name.
  std::vector<boost::asio::ip::tcp::endpoint> resolved_addresses_for_test;
};

class BrokerConnection : public std::enable_shared_from_this<BrokerConnection> {
 public:
  enum class State { idle, connecting, ready, closed };
  using ConnectHandler = std::function<void(std::error_code)>;
  // Writes a request body for the given version; returns an encode error.
  using BodyEncoder = std::function<std::error_code(protocol::BufferWriter&, std::int16_t version)>;
  // Writes a request body for the given version into the framing and lists
  // the caller's byte ranges to splice in (protocol::encode_gathered).
  using GatheredBodyEncoder =
      std::function<std::error_code(protocol::BufferWriter&, std::int16_t version, protocol::Splices&)>;

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

  State state() const noexcept { return state_; }
  std::int32_t node_id() const noexcept { return node_id_; }
  const BrokerAddress& address() const noexcept { return address_; }
  const protocol::NegotiatedVersions& versions() const noexcept { return versions_; }
  std::size_t in_flight() const noexcept {
    return in_flight_.size() + write_queue_.size() + (early_answer_ ? 1 : 0);
  }
  // When a request was last queued or an answer last read: the owner closes
  // connections idle for connections.max.idle.ms, before the broker would.
  // (Re-authentication does not count as use.)
  Clock::time_point last_used() const noexcept { return last_used_; }
  // Why the connection failed when it is something a user must act on: TLS
  // setup or verification, authentication, a listener speaking another
  // security protocol. Names the broker, what happened and what to change;
  // never a credential. Empty for ordinary network failures (refused, timed
  // out, closed), which the error code describes well enough.
  const std::string& failure_detail() const noexcept { return failure_detail_; }
  // Re-authentication (KIP-368) is pending or running: requests queue.
  bool reauthenticating() const noexcept { return state_ == State::ready && auth_ != Auth::none; }

 private:
  struct Outgoing {
    protocol::Bytes frame;      // size prefix, header, body (the framing, when gathered)
    protocol::Splices splices;  // the caller's ranges spliced into it (gathered requests)
    InFlightRequest request;
    bool expect_response = true;
  };
  // An answer read before its request's gathered write completed: held
  // (copied) until the write can no longer read the caller's bytes.
  struct EarlyAnswer {
    InFlightRequest request;
    protocol::Bytes body;
  };

  // Where SASL stands: none (requests flow), draining (re-authentication is
  // due: no new writes until the requests in flight are answered), or
  // exchanging (only SASL requests are written).
  enum class Auth { none, draining, exchanging };

  void try_endpoint(boost::asio::ip::tcp::resolver::results_type::const_iterator it);
  void start_protocol();  // TCP (and TLS) up: read, negotiate versions
  void negotiate(std::int16_t version);
  void versions_ready();
  std::optional<Outgoing> make_outgoing(protocol::ApiKey key, std::int16_t version,
                                        const GatheredBodyEncoder& encode, bool expect_response,
                                        ResponseHandler& handler);
  void enqueue(protocol::ApiKey key, std::int16_t version, const GatheredBodyEncoder& encode, bool expect_response,
               ResponseHandler handler);
  void on_written(boost::system::error_code ec);
  void on_write_error(boost::system::error_code ec);
  void write_next();
  // Closes with `reason`, keeping `detail` for failure_detail().
  void fail(std::error_code reason, std::string detail);
  void on_io_error(const boost::system::error_code& ec, bool reading);
  boost::asio::ip::tcp::socket& tcp_socket() noexcept;

  // --- broker_connection_security.cpp ---
  bool prepare_tls();  // builds the TLS context at connect(); false: failed (reported)
  void start_tls();    // TCP connected: wrap the socket, handshake
  void start_sasl();   // after ApiVersions, and again to re-authenticate
  void run_sasl(std::unique_ptr<SaslMechanism> mechanism);
  void on_token(OAuthTokenResult result);  // OAUTHBEARER: the token source answered  // the exchange, once the mechanism has its credentials
  void on_sasl_action(SaslAction action);
  void send_control(protocol::ApiKey key, std::int16_t version, const BodyEncoder& encode, ResponseHandler handler);
  void schedule_reauthentication(std::chrono::milliseconds lifetime);
  void maybe_start_reauthentication();
  bool looks_like_tls(std::size_t n) const noexcept;
  void read_more();
  void on_frame(std::span<const std::uint8_t> frame);
  // Earliest deadline of any request, written (in_flight_) or queued.
  std::optional<Clock::time_point> next_deadline() const noexcept;
  void arm_request_timer();
  void finish_connect(std::error_code ec);

  boost::asio::io_context& io_;
  std::int32_t node_id_;
  BrokerAddress address_;
  ConnectionOptions options_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer request_timer_;
  boost::asio::steady_timer reauth_timer_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  State state_ = State::idle;
  ConnectHandler on_connect_;
  protocol::NegotiatedVersions versions_;
  std::int32_t next_correlation_id_ = 0;
  std::deque<Outgoing> write_queue_;
  bool writing_ = false;
  protocol::Bytes writing_frame_;            // the frame being written
  protocol::Splices writing_splices_;        // the caller's ranges spliced into it (gathered)
  std::vector<boost::asio::const_buffer> writing_buffers_;  // both as one buffer sequence
  std::int32_t writing_correlation_id_ = -1;
  ResponseHandler writing_no_response_;      // its handler, if it expects no answer
  std::optional<EarlyAnswer> early_answer_;  // for the gathered request being written
  // A write failed: nothing more is written, and the read side, once it has
  // read what arrived, closes the connection with this error.
  boost::system::error_code write_error_;
  InFlightRequests in_flight_;
  FrameDecoder decoder_;
  std::array<std::uint8_t, 64 * 1024> read_buf_{};
  bool read_any_ = false;  // a read returned bytes (the first ones tell TLS from Kafka)
  Clock::time_point last_used_ = Clock::now();
  std::string failure_detail_;
  // TLS (SSL, SASL_SSL): the context from connect(), the stream once TCP is up.
  std::unique_ptr<detail::TlsStream> tls_;
  // SASL: the exchange under way, and a SASL request waiting to be written
  // (it goes before anything queued).
  std::unique_ptr<SaslExchange> sasl_;
  Auth auth_ = Auth::none;
  std::optional<Outgoing> control_;
  std::minstd_rand rng_{std::random_device{}()};  // re-authentication jitter
};

}  // namespace sluice::net
