#include "sluice/net/broker_connection.hpp"

#include <variant>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <boost/asio/ssl/error.hpp>

#include "sluice/net/api_versions_negotiation.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "tls_context.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/headers.hpp"

namespace sluice::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using protocol::ApiKey;

namespace {

// A plain encoder as a gathered one that splices nothing. Refers to
// `encode`, which outlives the call (make_outgoing runs it at once).
BrokerConnection::GatheredBodyEncoder plain(const BrokerConnection::BodyEncoder& encode) {
  return [&encode](protocol::BufferWriter& w, std::int16_t version, protocol::Splices&) { return encode(w, version); };
}

}  // namespace

BrokerConnection::BrokerConnection(asio::io_context& io, std::int32_t node_id, BrokerAddress address,
                                   ConnectionOptions options)
    : io_(io),
      node_id_(node_id),
      address_(std::move(address)),
      options_(std::move(options)),
      resolver_(io),
      socket_(io),
      connect_timer_(io),
      request_timer_(io),
      reauth_timer_(io),
      decoder_(options_.max_response_bytes) {}

BrokerConnection::~BrokerConnection() {
  boost::system::error_code ignored;
  tcp_socket().close(ignored);
}

void BrokerConnection::connect(ConnectHandler done) {
  on_connect_ = std::move(done);
  state_ = State::connecting;
  auto self = shared_from_this();
  if (!prepare_tls()) return;  // the failure is already on its way to `done`
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([this, self](boost::system::error_code ec) {
    if (!ec && state_ == State::connecting) close(net_errc::connect_timeout);
  });
  if (!options_.resolved_addresses_for_test.empty()) {
    const auto& given = options_.resolved_addresses_for_test;
    endpoints_ = tcp::resolver::results_type::create(given.begin(), given.end(), address_.host,
                                                     std::to_string(address_.port));
    boost::asio::post(socket_.get_executor(), [this, self] {
      if (state_ == State::connecting) try_endpoint(endpoints_.begin());
    });
    return;
  }
  resolver_.async_resolve(address_.host, std::to_string(address_.port),
                          [this, self](boost::system::error_code ec, tcp::resolver::results_type results) {
                            if (state_ != State::connecting) return;
                            if (ec) {
                              close(net_errc::resolve_failed);
                              return;
                            }
                            endpoints_ = std::move(results);
                            try_endpoint(endpoints_.begin());
                          });
}

void BrokerConnection::try_endpoint(tcp::resolver::results_type::const_iterator it) {
  auto self = shared_from_this();
  // Every resolved address is tried in turn; the last error wins. Buffer
  // sizes are set before connecting so the TCP window scale fits them.
  boost::system::error_code opened;
  socket_.open(it->endpoint().protocol(), opened);
  if (!opened) {
    boost::system::error_code ignored;
    if (options_.send_buffer_bytes > 0) {
      socket_.set_option(boost::asio::socket_base::send_buffer_size(options_.send_buffer_bytes), ignored);
    }
    if (options_.receive_buffer_bytes > 0) {
      socket_.set_option(boost::asio::socket_base::receive_buffer_size(options_.receive_buffer_bytes), ignored);
    }
    if (options_.keepalive) socket_.set_option(boost::asio::socket_base::keep_alive(true), ignored);
  }
  socket_.async_connect(it->endpoint(), [this, self, it](boost::system::error_code ec) {
    if (state_ != State::connecting) return;
    if (ec) {
      auto next = std::next(it);
      if (next != endpoints_.end()) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        try_endpoint(next);
        return;
      }
      close(std::error_code(ec.value(), std::system_category()));
      return;
    }
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (tls_) {
      start_tls();
    } else {
      start_protocol();
    }
  });
}

void BrokerConnection::start_protocol() {
  read_more();
  negotiate(protocol::supported_versions(ApiKey::ApiVersions).max);
}

void BrokerConnection::negotiate(std::int16_t version) {
  auto self = shared_from_this();
  protocol::ApiVersionsRequest req;
  enqueue(
      ApiKey::ApiVersions, version,
      [&req](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) { return protocol::encode(req, w, v); },
      true, [this, self, version](const RequestOutcome& out) {
        if (state_ != State::connecting) return;
        if (out.ec) {
          finish_connect(out.ec);
          return;
        }
        auto step = next_api_versions_step(version, out.body);
        if (auto* retry = std::get_if<ApiVersionsRetry>(&step)) {
          negotiate(retry->version);
          return;
        }
        if (auto* failed = std::get_if<ApiVersionsFail>(&step)) {
          fail(failed->unsupported ? net_errc::no_common_version : net_errc::protocol_error,
               "broker " + address_.to_string() + ": " + failed->message);
          return;
        }
        const auto& resp = std::get<ApiVersionsAccept>(step).response;
        versions_ = protocol::NegotiatedVersions(resp);
        // Without these two a connection is of no use; SASL's are checked
        // where the exchange starts, the optional ones when first sent.
        for (ApiKey key : {ApiKey::Metadata, ApiKey::Produce}) {
          if (!versions_.version(key)) {
            fail(net_errc::no_common_version, "broker " + address_.to_string() + ": " + versions_.describe_mismatch(key));
            return;
          }
        }
        versions_ready();
      });
}

void BrokerConnection::versions_ready() {
  if (uses_sasl(options_.security.protocol)) {
    start_sasl();  // finish_connect() once authenticated
  } else {
    finish_connect({});
  }
}

void BrokerConnection::finish_connect(std::error_code ec) {
  connect_timer_.cancel();
  if (ec) {
    close(ec);
    return;
  }
  state_ = State::ready;
  if (auto done = std::exchange(on_connect_, nullptr)) done({});
}

void BrokerConnection::send(ApiKey key, const BodyEncoder& encode, bool expect_response, ResponseHandler handler) {
  send_gathered(key, plain(encode), expect_response, std::move(handler));
}

void BrokerConnection::send_gathered(ApiKey key, const GatheredBodyEncoder& encode, bool expect_response,
                                     ResponseHandler handler) {
  if (state_ != State::ready) {
    handler(RequestOutcome{net_errc::connection_closed, {}, false});
    return;
  }
  auto version = versions_.version(key);
  if (!version) {
    handler(RequestOutcome{net_errc::no_common_version, {}, false});
    return;
  }
  enqueue(key, *version, encode, expect_response, std::move(handler));
}

void BrokerConnection::send_at(ApiKey key, std::int16_t version, const BodyEncoder& encode, bool expect_response,
                               ResponseHandler handler) {
  if (state_ != State::ready) {
    handler(RequestOutcome{net_errc::connection_closed, {}, false});
    return;
  }
  enqueue(key, version, plain(encode), expect_response, std::move(handler));
}

// The framed request (size, header, body), or nullopt after telling
// `handler` why it could not be encoded.
// For a gathered request the int32 size counts the spliced ranges too: it is
// the size of everything after it on the wire, wherever those bytes live.
std::optional<BrokerConnection::Outgoing> BrokerConnection::make_outgoing(ApiKey key, std::int16_t version,
                                                                          const GatheredBodyEncoder& encode,
                                                                          bool expect_response,
                                                                          ResponseHandler& handler) {
  Outgoing out;
  protocol::BufferWriter w(out.frame);
  std::size_t size_at = w.reserve(4);
  std::int32_t correlation_id = next_correlation_id_++;
  if (next_correlation_id_ < 0) next_correlation_id_ = 0;
  protocol::encode_request_header({key, version, correlation_id, options_.client_id}, w);
  if (auto ec = encode(w, version, out.splices)) {
    handler(RequestOutcome{ec, {}, false});
    return std::nullopt;
  }
  const std::size_t size = protocol::gathered_size(out.frame, out.splices) - 4;
  if (size > static_cast<std::size_t>(INT32_MAX)) {
    handler(RequestOutcome{protocol::codec_errc::frame_too_large, {}, false});
    return std::nullopt;
  }
  w.patch_int32(size_at, static_cast<std::int32_t>(size));
  out.request = InFlightRequest{correlation_id, key, version, Clock::now() + options_.request_timeout,
                                std::move(handler)};
  out.expect_response = expect_response;
  return out;
}

void BrokerConnection::enqueue(ApiKey key, std::int16_t version, const GatheredBodyEncoder& encode,
                               bool expect_response, ResponseHandler handler) {
  last_used_ = Clock::now();
  auto out = make_outgoing(key, version, encode, expect_response, handler);
  if (!out) return;
  write_queue_.push_back(std::move(*out));
  // The timeout runs from now, written or not: a broker that stops reading
  // must not leave a request stuck in the queue forever. (With anything else
  // outstanding the timer is already armed for an earlier deadline.)
  if (write_queue_.size() == 1 && in_flight_.empty() && !control_) arm_request_timer();
  write_next();
}

void BrokerConnection::write_next() {
  if (writing_ || write_error_ || state_ == State::closed) return;
  // A SASL request goes first; while SASL is draining or exchanging,
  // queued requests wait (re-authentication).
  if (!control_ && (write_queue_.empty() || auth_ != Auth::none)) return;
  writing_ = true;
  // The request joins the in-flight table when its write *starts*: the
  // broker may answer before this write's completion handler runs, and the
  // answer must then find its request (else it looks like a protocol error
  // and the connection is dropped). The frame stays alive in writing_frame_
  // until the write completes, even if the connection closes meanwhile.
  Outgoing out;
  if (control_) {
    out = std::move(*control_);
    control_.reset();
  } else {
    out = std::move(write_queue_.front());
    write_queue_.pop_front();
  }
  writing_frame_ = std::move(out.frame);
  writing_splices_ = std::move(out.splices);
  writing_correlation_id_ = out.request.correlation_id;
  // One buffer sequence: framing slices and the caller's ranges in wire
  // order. Asio writes it with writev (up to 64 pieces a call) and resumes
  // after partial writes; over TLS it coalesces small pieces into records.
  writing_buffers_.clear();
  protocol::for_each_piece(writing_frame_, writing_splices_, [this](std::span<const std::uint8_t> piece) {
    writing_buffers_.push_back(asio::buffer(piece.data(), piece.size()));
  });
  if (out.expect_response) {
    in_flight_.push(std::move(out.request));
  } else {
    writing_no_response_ = std::move(out.request.handler);
  }
  auto self = shared_from_this();
  auto done = [this, self](boost::system::error_code ec, std::size_t) { on_written(ec); };
  // The sequence is a view of writing_buffers_, which stays put until the
  // write completes (writing_ keeps write_next from touching it).
  const std::span<const asio::const_buffer> buffers(writing_buffers_);
  if (tls_) {
    asio::async_write(*tls_->stream, buffers, std::move(done));
  } else {
    asio::async_write(socket_, buffers, std::move(done));
  }
}

void BrokerConnection::on_written(boost::system::error_code ec) {
  writing_ = false;
  // The write no longer reads the caller's bytes: drop the views now.
  writing_splices_.clear();
  writing_buffers_.clear();
  if (state_ == State::closed) return;
  if (ec) {
    on_write_error(ec);
    return;
  }
  // acks=0 Produce: written is all the answer there will be.
  if (auto done = std::exchange(writing_no_response_, nullptr)) done(RequestOutcome{{}, {}, true});
  if (state_ == State::closed) return;
  if (auto early = std::exchange(early_answer_, std::nullopt)) {
    early->request.handler(RequestOutcome{{}, early->body, true});
    if (state_ == State::closed) return;
    arm_request_timer();
  }
  maybe_start_reauthentication();
  write_next();
}

// A failed write. The connection is lost, but answers the broker sent
// before it failed may not have been handled yet: still in the socket, or
// read and queued behind this handler (when an answer and a reset arrive
// together, Asio runs the socket's write completion before its read
// completion). They are the broker's answers, for this request or earlier
// ones, and must reach them rather than be failed as "outcome unknown". So
// nothing more is written, the receiving side is shut (on Linux reads still
// return what already arrived, then end of stream), and the read side closes
// the connection with this error when it ends (on_io_error). The request
// timer still runs meanwhile.
void BrokerConnection::on_write_error(boost::system::error_code ec) {
  write_error_ = ec;
  boost::system::error_code ignored;  // not connected any more (a reset): reads end anyway
  tcp_socket().shutdown(tcp::socket::shutdown_receive, ignored);
  // The write is over and no longer reads the caller's bytes: an answer
  // held for it is delivered now.
  if (auto early = std::exchange(early_answer_, std::nullopt)) {
    early->request.handler(RequestOutcome{{}, early->body, true});
    if (state_ == State::closed) return;
    arm_request_timer();
  }
}

void BrokerConnection::read_more() {
  auto self = shared_from_this();
  auto on_read = [this, self](boost::system::error_code ec, std::size_t n) {
    if (state_ == State::closed) return;
    if (ec) {
      on_io_error(ec, true);
      return;
    }
    // A TLS listener answers a plaintext request with a TLS alert: say so
    // at once instead of reading its bytes as a frame size.
    if (!read_any_ && looks_like_tls(n)) {
      fail(net_errc::tls_expected,
           "broker " + address_.to_string() + " answered in TLS: its listener expects TLS; set security.protocol to " +
               (uses_sasl(options_.security.protocol) ? "SASL_SSL" : "SSL (or SASL_SSL)"));
      return;
    }
    read_any_ = true;
    auto err = decoder_.feed(std::span<const std::uint8_t>(read_buf_.data(), n),
                             [this](std::span<const std::uint8_t> frame) { on_frame(frame); });
    if (state_ == State::closed) return;
    if (err) {
      close(err);
      return;
    }
    read_more();
  };
  if (tls_) {
    tls_->stream->async_read_some(asio::buffer(read_buf_), std::move(on_read));
  } else {
    socket_.async_read_some(asio::buffer(read_buf_), std::move(on_read));
  }
}

void BrokerConnection::on_frame(std::span<const std::uint8_t> frame) {
  if (state_ == State::closed) return;
  auto id = protocol::peek_correlation_id(frame);
  std::optional<InFlightRequest> req;
  if (id) req = in_flight_.match(*id);
  if (!req) {
    close(net_errc::protocol_error);
    return;
  }
  // SASL answers (re-authentication) are not use of the connection.
  if (req->api_key != ApiKey::SaslHandshake && req->api_key != ApiKey::SaslAuthenticate) last_used_ = Clock::now();
  protocol::BufferReader r(frame);
  protocol::decode_response_header(r, req->api_key, req->api_version);
  if (!r.ok()) {
    req->handler(RequestOutcome{net_errc::protocol_error, {}, true});
    close(net_errc::protocol_error);
    return;
  }
  if (writing_ && req->correlation_id == writing_correlation_id_ && !writing_splices_.empty()) {
    // Answered before this gathered write's completion ran (the completion
    // is merely queued, or the broker answered before reading everything):
    // the handler may free or re-sequence the batches the write points at,
    // so it runs from on_written. Its deadline still counts meanwhile.
    auto body = frame.subspan(r.position());
    early_answer_.emplace(EarlyAnswer{std::move(*req), protocol::Bytes(body.begin(), body.end())});
    arm_request_timer();
    return;
  }
  req->handler(RequestOutcome{{}, frame.subspan(r.position()), true});
  if (state_ == State::closed) return;
  arm_request_timer();
  maybe_start_reauthentication();
}

std::optional<Clock::time_point> BrokerConnection::next_deadline() const noexcept {
  auto deadline = in_flight_.next_deadline();
  // Queued requests' deadlines rise front to back (same timeout, taken at
  // enqueue), so the front's is the earliest of them.
  if (!write_queue_.empty() && (!deadline || write_queue_.front().request.deadline < *deadline)) {
    deadline = write_queue_.front().request.deadline;
  }
  if (control_ && (!deadline || control_->request.deadline < *deadline)) deadline = control_->request.deadline;
  if (early_answer_ && (!deadline || early_answer_->request.deadline < *deadline)) {
    deadline = early_answer_->request.deadline;
  }
  return deadline;
}

void BrokerConnection::arm_request_timer() {
  auto deadline = next_deadline();
  if (!deadline) {
    request_timer_.cancel();
    return;
  }
  request_timer_.expires_at(*deadline);
  auto self = shared_from_this();
  request_timer_.async_wait([this, self](boost::system::error_code ec) {
    if (ec || state_ == State::closed) return;
    auto next = next_deadline();
    if (next && *next <= Clock::now()) {
      close(net_errc::request_timeout);
    } else {
      arm_request_timer();
    }
  });
}

void BrokerConnection::fail(std::error_code reason, std::string detail) {
  if (state_ == State::closed) return;
  failure_detail_ = std::move(detail);
  close(reason);
}

boost::asio::ip::tcp::socket& BrokerConnection::tcp_socket() noexcept {
  return tls_ && tls_->stream ? tls_->stream->next_layer() : socket_;
}

// A failed read or write. Plain TCP keeps its system error (end of stream:
// connection_closed); a TLS error says what the broker objected to.
void BrokerConnection::on_io_error(const boost::system::error_code& ec, bool reading) {
  if (reading && write_error_) {
    // The read side ended after a failed write (on_write_error), having
    // delivered what the broker sent: the write's error is the cause.
    const auto cause = write_error_;
    on_io_error(cause, false);
    return;
  }
  const bool closed_by_peer = ec == asio::error::eof || (tls_ && ec == asio::ssl::error::stream_truncated);
  if (reading && closed_by_peer) {
    if (state_ == State::connecting && !tls_ && !read_any_) {
      // ApiVersions dropped without a word: a TLS listener may do that.
      fail(net_errc::connection_closed,
           "broker " + address_.to_string() +
               " closed the connection before answering ApiVersions: if its listener expects TLS, set "
               "security.protocol to SSL or SASL_SSL (now " + to_string(options_.security.protocol) + ")");
      return;
    }
    close(net_errc::connection_closed);
    return;
  }
  if (tls_ && ec.category() != boost::system::system_category()) {
    auto failure = detail::describe_session_failure(ec, address_.to_string(), options_.security.tls);
    fail(failure.code, std::move(failure.message));
    return;
  }
  close(std::error_code(ec.value(), std::system_category()));
}

void BrokerConnection::close(std::error_code reason) {
  if (state_ == State::closed) return;
  const bool was_connecting = state_ == State::connecting;
  state_ = State::closed;
  boost::system::error_code ignored;
  tcp_socket().close(ignored);
  resolver_.cancel();
  connect_timer_.cancel();
  request_timer_.cancel();
  reauth_timer_.cancel();
  // Requests whose write started (in flight, or the acks=0 one being
  // written) may have reached the broker; queued ones did not. The socket
  // is closed first, so a write still pending no longer reads the spliced
  // bytes these handlers may release (single-threaded: no send is running).
  // An answer held for the write to complete is the broker's answer all the
  // same: it is delivered, not failed, whatever ends the connection (a
  // success reported as "outcome unknown" is retried into a duplicate).
  // It is the oldest request (in_flight_ holds only later ones), so it goes
  // first.
  if (auto early = std::exchange(early_answer_, std::nullopt)) {
    early->request.handler(RequestOutcome{{}, early->body, true});
  }
  for (auto& r : in_flight_.take_all()) r.handler(RequestOutcome{reason, {}, true});
  if (auto done = std::exchange(writing_no_response_, nullptr)) done(RequestOutcome{reason, {}, true});
  if (auto control = std::exchange(control_, std::nullopt)) control->request.handler(RequestOutcome{reason, {}, false});
  auto queued = std::exchange(write_queue_, {});
  for (auto& q : queued) q.request.handler(RequestOutcome{reason, {}, false});
  if (was_connecting) {
    if (auto done = std::exchange(on_connect_, nullptr)) done(reason);
  }
}

}  // namespace sluice::net
