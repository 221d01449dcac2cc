#pragma once
// ConnectionMachine: everything a broker connection decides, without I/O
// (sans-I/O, like FrameDecoder and SaslExchange). The driver
// (net/src/stream_driver.hpp, one template over plain TCP and TLS streams)
// feeds it events — what a socket, a resolver, a timer or the caller did —
// with the time they happened, and carries out the actions it returns:
// resolve, connect to an address, start TLS, read, write, arm the one timer,
// fetch an OAuth token, deliver an answer or a failure, report the connect
// outcome. The machine never reads a clock and never touches a socket, so
// every timing case is a test with a clock the test moves.
//
// What it covers: connect attempts over every resolved address in turn; the
// TLS handshake step; ApiVersions with its fallback (next_api_versions_step);
// SASL (SaslExchange; OAUTHBEARER after a token) and KIP-368
// re-authentication with the requests in flight drained first and new ones
// held back; pipelined requests, each with a deadline from the moment it is
// queued; the early-answer hold (an answer read before its gathered write
// completed waits for the write, and is delivered as the answer whatever
// ends the connection); and close, which fails every request once:
// "maybe delivered" when its write had started, not when it was only queued.
//
// Use: resume(now, event), then take next_action() until it is empty,
// carrying each out before taking the next (an answer's body is valid only
// until then). A handler run by a Deliver action may call resume() again
// (send, close): the actions it causes queue behind the ones pending.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "sluice/net/broker_address.hpp"
#include "sluice/net/frame_decoder.hpp"
#include "sluice/net/in_flight_requests.hpp"
#include "sluice/net/oauth_token.hpp"
#include "sluice/net/security.hpp"
#include "sluice/net/wire_traffic.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/request_segments.hpp"
#include "sluice/protocol/version_picker.hpp"

namespace sluice::net {

class SaslExchange;
class SaslMechanism;
struct SaslAction;

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
  // The counters this connection adds to (statistics). Shared so that a
  // broker's count runs on across reconnects: the producer hands the same
  // ones to each new connection to the broker. Empty: the connection keeps
  // its own.
  std::shared_ptr<WireTraffic> traffic;
  // Called with one line per request written in full and per answer read
  // (API, version, correlation id, bytes) when set: the producer's
  // `debug=protocol` output. Runs inside resume(); never holds a secret
  // (SASL requests are named, their bytes are not shown).
  std::function<void(const std::string&)> protocol_trace;
  // Replaces name resolution with these addresses, tried in this order, as
  // if the broker's name had resolved to them. For tests: the machines the
  // suite runs on resolve no name to several addresses, and "every address
  // is tried in turn" must still be checked. Empty (always, in the
  // producer): resolve the name.
  std::vector<boost::asio::ip::tcp::endpoint> resolved_addresses_for_test;
};

enum class ConnectionState { idle, connecting, ready, closed };
using ConnectHandler = std::function<void(std::error_code)>;
// Writes a request body for the given version into the framing and lists
// the caller's byte ranges to splice in (protocol::encode_gathered).
using GatheredBodyEncoder =
    std::function<std::error_code(protocol::BufferWriter&, std::int16_t version, protocol::Splices&)>;

// A failed read or write as the driver saw it: the error to report, the
// words for a user when the stream can say more (a TLS alert), and whether
// the broker simply ended the stream.
struct IoFailure {
  std::error_code code;
  std::string detail;
  bool closed_by_peer = false;
};

// What happened. Each is fed with the time it happened.
namespace connection_event {
struct Connect {  // connect() asked
  ConnectHandler done;
};
struct StreamPrepared {  // PrepareStream done: empty, or why the stream cannot be set up (TLS files)
  std::error_code error;
  std::string detail;
};
struct Resolved {  // the broker's name resolved (or failed to)
  std::error_code error;
  std::size_t addresses = 0;
};
struct Connected {};  // the TCP connection to the address asked for is up
struct ConnectFailed {
  std::size_t address = 0;
  std::error_code error;
};
struct TlsDone {  // the TLS handshake ended; on failure, the words for a user
  std::error_code error;
  std::string detail;
};
struct BytesRead {  // valid until the next Read action
  std::span<const std::uint8_t> bytes;
};
struct ReadFailed {
  IoFailure failure;
};
struct WriteDone {  // the write asked for completed (failure.code empty) or failed
  IoFailure failure;
};
struct TimerFired {};
struct TokenReady {  // OAUTHBEARER: the token source answered
  OAuthTokenResult result;
};
struct Submit {  // send(): `version` empty means the negotiated one
  protocol::ApiKey key{};
  std::optional<std::int16_t> version;
  const GatheredBodyEncoder* encode = nullptr;  // runs during resume() only
  bool expect_response = true;
  ResponseHandler handler;
};
struct Close {  // close(): fail everything with `reason`
  std::error_code reason;
  std::string detail;  // kept for failure_detail() when not empty
};
}  // namespace connection_event

using ConnectionEvent =
    std::variant<connection_event::Connect, connection_event::StreamPrepared, connection_event::Resolved, connection_event::Connected,
                 connection_event::ConnectFailed, connection_event::TlsDone, connection_event::BytesRead,
                 connection_event::ReadFailed, connection_event::WriteDone, connection_event::TimerFired,
                 connection_event::TokenReady, connection_event::Submit, connection_event::Close>;

// What to do.
namespace connection_action {
// Set up what the stream needs before any traffic (TLS: load the CA store and
// client certificate) and answer with StreamPrepared, never from inside
// connect() itself.
struct PrepareStream {};
struct Resolve {};
struct ConnectTo {  // open a socket (buffer sizes, keepalive) and connect to this resolved address
  std::size_t address = 0;
};
struct StartTls {};  // wrap the connected socket in TLS and handshake
struct Read {};      // read some bytes (one read outstanding at a time)
struct Write {       // write all of these in order; valid until WriteDone
  std::span<const std::span<const std::uint8_t>> pieces;
};
struct ShutdownReceive {};  // a write failed: let reads end once what arrived is read
struct ArmTimer {           // the one timer: fire TimerFired at `deadline`; empty: cancel it
  std::optional<Clock::time_point> deadline;
};
struct FetchToken {};  // ask the OAUTHBEARER token source, answer with TokenReady
struct Deliver {       // run a request's handler (an answer's body is valid until the next action)
  ResponseHandler handler;
  RequestOutcome outcome;
};
struct ReportConnect {  // connect()'s outcome
  ConnectHandler done;
  std::error_code error;
};
struct Shut {};  // closed: close the socket and stop the resolver and timer
}  // namespace connection_action

using ConnectionAction =
    std::variant<connection_action::PrepareStream, connection_action::Resolve, connection_action::ConnectTo, connection_action::StartTls,
                 connection_action::Read, connection_action::Write, connection_action::ShutdownReceive,
                 connection_action::ArmTimer, connection_action::FetchToken, connection_action::Deliver,
                 connection_action::ReportConnect, connection_action::Shut>;

class ConnectionMachine {
 public:
  // `seed`: the re-authentication jitter's random source.
  ConnectionMachine(BrokerAddress address, ConnectionOptions options, std::uint32_t seed);
  ~ConnectionMachine();
  ConnectionMachine(const ConnectionMachine&) = delete;
  ConnectionMachine& operator=(const ConnectionMachine&) = delete;

  void resume(Clock::time_point now, ConnectionEvent event);
  // The next action to carry out, or none (then wait for an event).
  std::optional<ConnectionAction> next_action();

  ConnectionState state() const noexcept { return state_; }
  const BrokerAddress& address() const noexcept { return address_; }
  const ConnectionOptions& options() const noexcept { return options_; }
  const protocol::NegotiatedVersions& versions() const noexcept { return versions_; }
  // Requests not yet completed: queued, written, or answered and held.
  std::size_t in_flight() const noexcept;
  // Of those, the ones not yet written in full: queued, or being written
  // (librdkafka's outbuf_cnt; the rest await their answer, waitresp_cnt).
  std::size_t unwritten() const noexcept;
  Clock::time_point last_used() const noexcept { return last_used_; }
  const std::string& failure_detail() const noexcept { return failure_detail_; }
  bool reauthenticating() const noexcept { return state_ == ConnectionState::ready && auth_ != Auth::none; }
  // What this connection (and the others given the same counters) wrote and read.
  const WireTraffic& traffic() const noexcept { return *options_.traffic; }

 private:
  struct Outgoing {
    protocol::Bytes frame;      // size prefix, header, body (the framing, when gathered)
    protocol::Splices splices;  // the caller's ranges spliced into it (gathered requests)
    InFlightRequest request;  // handler empty: the machine's own (ApiVersions, SASL), read by it
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
  // exchanging (only SASL requests are written; a token may be on its way).
  enum class Auth { none, draining, exchanging };

  // --- connection_machine.cpp ---
  void on(connection_event::Connect& e);
  void on(const connection_event::StreamPrepared& e);
  void on(const connection_event::Resolved& e);
  void on(const connection_event::Connected& e);
  void on(const connection_event::ConnectFailed& e);
  void on(const connection_event::TlsDone& e);
  void on(const connection_event::BytesRead& e);
  void on(const connection_event::ReadFailed& e);
  void on(const connection_event::WriteDone& e);
  void on(const connection_event::TimerFired& e);
  void on(connection_event::TokenReady& e);
  void on(connection_event::Submit& e);
  void on(const connection_event::Close& e);
  void start_protocol();  // TCP (and TLS) up: read, negotiate versions
  void negotiate(std::int16_t version);
  void finish_connect();
  // `handler` empty: one of the machine's own requests (ApiVersions, SASL).
  std::optional<Outgoing> make_outgoing(protocol::ApiKey key, std::int16_t version, const GatheredBodyEncoder& encode,
                                        bool expect_response, ResponseHandler& handler);
  void enqueue(Outgoing out);
  void write_next();
  void deliver_early_answer();
  void take_frame();  // decodes and handles the next frame read, or asks for more bytes
  void on_frame(std::span<const std::uint8_t> frame);
  void on_own_answer(const InFlightRequest& request, std::span<const std::uint8_t> body);
  void deliver(ResponseHandler handler, RequestOutcome outcome);
  void end_with(const IoFailure& failure);
  bool looks_like_tls(std::span<const std::uint8_t> bytes) const noexcept;
  // Earliest deadline of any request: written, queued, or answered and held.
  std::optional<Clock::time_point> request_deadline() const noexcept;
  void update_timer();
  void fail(std::error_code reason, std::string detail);
  void close(std::error_code reason);

  // --- connection_machine_sasl.cpp ---
  void start_sasl();  // after ApiVersions, and again to re-authenticate
  void run_sasl(std::unique_ptr<SaslMechanism> mechanism);
  void on_sasl_action(SaslAction action);
  void send_sasl(protocol::ApiKey key, std::int16_t version, const GatheredBodyEncoder& encode);
  void schedule_reauthentication(std::chrono::milliseconds lifetime);
  void maybe_start_reauthentication();

  BrokerAddress address_;
  ConnectionOptions options_;
  Clock::time_point now_{};
  ConnectionState state_ = ConnectionState::idle;
  std::deque<ConnectionAction> actions_;
  ConnectHandler on_connect_;
  std::size_t addresses_ = 0;  // how many the name resolved to
  std::optional<Clock::time_point> connect_deadline_;
  std::optional<Clock::time_point> armed_;  // the deadline the driver's timer is set for
  protocol::NegotiatedVersions versions_;
  std::int32_t next_correlation_id_ = 0;
  std::deque<Outgoing> write_queue_;
  InFlightRequests in_flight_;  // written (or being written), expecting an answer
  bool writing_ = false;
  protocol::Bytes writing_frame_;      // the frame being written
  protocol::Splices writing_splices_;  // the caller's ranges spliced into it (gathered)
  std::vector<std::span<const std::uint8_t>> writing_pieces_;  // both, in wire order
  std::int32_t writing_correlation_id_ = -1;
  std::size_t writing_bytes_ = 0;            // its size on the wire (statistics)
  bool writing_answered_ = false;            // its answer came before its write completed (unwritten())
  protocol::ApiKey writing_api_key_{};       // and what it is (protocol_trace)
  std::int16_t writing_api_version_ = 0;
  ResponseHandler writing_no_response_;      // its handler, if it expects no answer
  Clock::time_point writing_no_response_deadline_{};  // and that request's deadline
  std::optional<EarlyAnswer> early_answer_;  // for the gathered request being written
  protocol::Bytes delivered_early_body_;     // the held answer, while its Deliver is pending
  // A write failed: nothing more is written, and the read side, once it has
  // read what arrived, closes the connection with this failure.
  std::optional<IoFailure> write_failure_;
  FrameDecoder decoder_;
  std::span<const std::uint8_t> unread_;  // of the last BytesRead, not yet decoded
  bool decoding_ = false;                 // BytesRead's bytes are being decoded (no Read outstanding)
  bool read_any_ = false;                 // a read returned bytes (the first ones tell TLS from Kafka)
  Clock::time_point last_used_{};
  std::string failure_detail_;
  std::unique_ptr<SaslExchange> sasl_;
  Auth auth_ = Auth::none;
  std::optional<Outgoing> control_;  // a SASL request waiting to be written (goes before the queue)
  std::optional<Clock::time_point> reauthenticate_at_;
  std::minstd_rand rng_;  // re-authentication jitter
};

}  // namespace sluice::net
