// ConnectionMachine: connecting, versions, pipelining, deadlines and close.
// The SASL steps are in connection_machine_sasl.cpp.
#include "sluice/net/connection_machine.hpp"

#include "sluice/net/api_versions_negotiation.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/net/sasl_exchange.hpp"
#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/headers.hpp"

namespace sluice::net {

using protocol::ApiKey;
namespace action = connection_action;
namespace event = connection_event;

namespace {

bool is_sasl(ApiKey key) noexcept { return key == ApiKey::SaslHandshake || key == ApiKey::SaslAuthenticate; }

void earliest(std::optional<Clock::time_point>& into, std::optional<Clock::time_point> t) noexcept {
  if (t && (!into || *t < *into)) into = t;
}

// "Produce v9 (correlation id 12)", for protocol_trace.
std::string describe_request(ApiKey key, std::int16_t version, std::int32_t correlation_id) {
  return std::string(protocol::api_name(key)) + " v" + std::to_string(version) + " (correlation id " +
         std::to_string(correlation_id) + ")";
}

}  // namespace

ConnectionMachine::ConnectionMachine(BrokerAddress address, ConnectionOptions options, std::uint32_t seed)
    : address_(std::move(address)),
      options_(std::move(options)),
      decoder_(options_.max_response_bytes),
      rng_(seed) {
  if (!options_.traffic) options_.traffic = std::make_shared<WireTraffic>();
}

ConnectionMachine::~ConnectionMachine() = default;

void ConnectionMachine::resume(Clock::time_point now, ConnectionEvent e) {
  now_ = now;
  std::visit([this](auto& ev) { on(ev); }, e);
  update_timer();
}

std::optional<ConnectionAction> ConnectionMachine::next_action() {
  // Frames are decoded one at a time, each once the actions of the one
  // before are carried out: an answer's body is valid until then.
  while (actions_.empty() && decoding_) {
    take_frame();
    update_timer();
  }
  if (actions_.empty()) return std::nullopt;
  ConnectionAction next = std::move(actions_.front());
  actions_.pop_front();
  return next;
}

std::size_t ConnectionMachine::in_flight() const noexcept {
  return in_flight_.size() + write_queue_.size() + (early_answer_ ? 1 : 0);
}

// The request being written is in in_flight_ (it joins when its write
// starts) unless it expects no answer (acks=0), which in_flight() leaves out.
// An answer can come before the write's completion is seen; the request is
// then no longer open (or held as the early answer, which in_flight()
// counts), so it is not counted as unwritten either.
std::size_t ConnectionMachine::unwritten() const noexcept {
  return write_queue_.size() + (writing_ && !writing_no_response_ && !writing_answered_ ? 1 : 0);
}

// --- connecting -------------------------------------------------------------

void ConnectionMachine::on(event::Connect& e) {
  if (state_ != ConnectionState::idle) {
    actions_.push_back(action::ReportConnect{std::move(e.done), net_errc::connection_closed});
    return;
  }
  on_connect_ = std::move(e.done);
  state_ = ConnectionState::connecting;
  last_used_ = now_;
  connect_deadline_ = now_ + options_.connect_timeout;
  actions_.push_back(action::PrepareStream{});
}

void ConnectionMachine::on(const event::StreamPrepared& e) {
  if (state_ != ConnectionState::connecting) return;
  if (e.error) {
    fail(e.error, e.detail);
    return;
  }
  actions_.push_back(action::Resolve{});
}

void ConnectionMachine::on(const event::Resolved& e) {
  if (state_ != ConnectionState::connecting) return;
  if (e.error || e.addresses == 0) {
    close(net_errc::resolve_failed);
    return;
  }
  addresses_ = e.addresses;
  actions_.push_back(action::ConnectTo{0});
}

// Every resolved address is tried in turn; the last error wins.
void ConnectionMachine::on(const event::ConnectFailed& e) {
  if (state_ != ConnectionState::connecting) return;
  if (e.address + 1 < addresses_) {
    actions_.push_back(action::ConnectTo{e.address + 1});
    return;
  }
  close(e.error);
}

void ConnectionMachine::on(const event::Connected&) {
  if (state_ != ConnectionState::connecting) return;
  if (uses_tls(options_.security.protocol)) {
    actions_.push_back(action::StartTls{});
  } else {
    start_protocol();
  }
}

void ConnectionMachine::on(const event::TlsDone& e) {
  if (state_ != ConnectionState::connecting) return;
  if (e.error) {
    fail(e.error, e.detail);
    return;
  }
  start_protocol();
}

void ConnectionMachine::start_protocol() {
  actions_.push_back(action::Read{});
  negotiate(protocol::supported_versions(ApiKey::ApiVersions).max);
}

void ConnectionMachine::negotiate(std::int16_t version) {
  protocol::ApiVersionsRequest req;
  const GatheredBodyEncoder encode = [&req](protocol::BufferWriter& w, std::int16_t v, protocol::Splices&) {
    return protocol::encode(req, w, v);
  };
  ResponseHandler own;
  auto out = make_outgoing(ApiKey::ApiVersions, version, encode, true, own);
  if (!out) return;
  enqueue(std::move(*out));
}

// The answer to one of the machine's own requests.
void ConnectionMachine::on_own_answer(const InFlightRequest& request, std::span<const std::uint8_t> body) {
  if (request.api_key == ApiKey::SaslHandshake || request.api_key == ApiKey::SaslAuthenticate) {
    std::optional<SaslAction> next;
    if (request.api_key == ApiKey::SaslHandshake) {
      auto response = protocol::decode_sasl_handshake_response(body, request.api_version);
      if (response) next = sasl_->on_handshake(*response);
    } else {
      auto response = protocol::decode_sasl_authenticate_response(body, request.api_version);
      if (response) next = sasl_->on_authenticate(*response);
    }
    if (!next) {
      fail(net_errc::protocol_error, "broker " + address_.to_string() + " sent a malformed " +
                                         (request.api_key == ApiKey::SaslHandshake ? "SaslHandshake" : "SaslAuthenticate") +
                                         " answer");
      return;
    }
    on_sasl_action(std::move(*next));
    return;
  }
  // ApiVersions.
  if (state_ != ConnectionState::connecting) return;
  auto step = next_api_versions_step(request.api_version, body);
  if (auto* retry = std::get_if<ApiVersionsRetry>(&step)) {
    negotiate(retry->version);
    return;
  }
  if (auto* failed = std::get_if<ApiVersionsFail>(&step)) {
    fail(failed->unsupported ? net_errc::no_common_version : net_errc::protocol_error,
         "broker " + address_.to_string() + ": " + failed->message);
    return;
  }
  versions_ = protocol::NegotiatedVersions(std::get<ApiVersionsAccept>(step).response);
  // Without these two a connection is of no use; SASL's are checked where
  // the exchange starts, the optional ones when first sent.
  for (ApiKey key : {ApiKey::Metadata, ApiKey::Produce}) {
    if (!versions_.version(key)) {
      fail(net_errc::no_common_version, "broker " + address_.to_string() + ": " + versions_.describe_mismatch(key));
      return;
    }
  }
  if (uses_sasl(options_.security.protocol)) {
    start_sasl();  // finish_connect() once authenticated
  } else {
    finish_connect();
  }
}

void ConnectionMachine::finish_connect() {
  connect_deadline_.reset();
  state_ = ConnectionState::ready;
  if (auto done = std::exchange(on_connect_, nullptr)) actions_.push_back(action::ReportConnect{std::move(done), {}});
}

// --- requests ---------------------------------------------------------------

void ConnectionMachine::on(event::Submit& e) {
  if (state_ != ConnectionState::ready) {
    deliver(std::move(e.handler), RequestOutcome{net_errc::connection_closed, {}, false});
    return;
  }
  auto version = e.version ? e.version : versions_.version(e.key);
  if (!version) {
    deliver(std::move(e.handler), RequestOutcome{net_errc::no_common_version, {}, false});
    return;
  }
  last_used_ = now_;
  auto out = make_outgoing(e.key, *version, *e.encode, e.expect_response, e.handler);
  if (!out) return;
  enqueue(std::move(*out));
}

// The framed request (size, header, body), or nullopt after telling the
// handler why it could not be encoded. For a gathered request the int32
// size counts the spliced ranges too: it is the size of everything after it
// on the wire, wherever those bytes live.
std::optional<ConnectionMachine::Outgoing> ConnectionMachine::make_outgoing(ApiKey key, std::int16_t version,
                                                                            const GatheredBodyEncoder& encode,
                                                                            bool expect_response,
                                                                            ResponseHandler& handler) {
  Outgoing out;
  protocol::BufferWriter w(out.frame);
  std::size_t size_at = w.reserve(4);
  // Wraps to 0 after INT32_MAX (no signed overflow; ids stay non-negative).
  const std::int32_t correlation_id = next_correlation_id_;
  next_correlation_id_ = correlation_id == INT32_MAX ? 0 : correlation_id + 1;
  protocol::encode_request_header({key, version, correlation_id, options_.client_id}, w);
  std::error_code ec = encode(w, version, out.splices);
  const std::size_t size = protocol::gathered_size(out.frame, out.splices) - 4;
  if (!ec && size > static_cast<std::size_t>(INT32_MAX)) ec = protocol::codec_errc::frame_too_large;
  if (ec) {
    if (handler) {
      deliver(std::move(handler), RequestOutcome{ec, {}, false});
    } else {
      close(ec);  // one of the machine's own: the connection cannot go on
    }
    return std::nullopt;
  }
  w.patch_int32(size_at, static_cast<std::int32_t>(size));
  out.request = InFlightRequest{correlation_id, key, version, now_ + options_.request_timeout, std::move(handler)};
  out.expect_response = expect_response;
  return out;
}

// The timeout runs from now, written or not: a broker that stops reading
// must not leave a request stuck in the queue forever.
void ConnectionMachine::enqueue(Outgoing out) {
  write_queue_.push_back(std::move(out));
  write_next();
}

void ConnectionMachine::write_next() {
  if (writing_ || write_failure_ || state_ == ConnectionState::closed) return;
  // A SASL request goes first; while SASL is draining or exchanging,
  // queued requests wait (re-authentication).
  if (!control_ && (write_queue_.empty() || auth_ != Auth::none)) return;
  writing_ = true;
  // The request joins the in-flight table when its write *starts*: the
  // broker may answer before the write's completion is seen, and the answer
  // must then find its request. The frame stays alive in writing_frame_
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
  writing_answered_ = false;
  writing_api_key_ = out.request.api_key;
  writing_api_version_ = out.request.api_version;
  // One buffer sequence: framing slices and the caller's ranges in wire order.
  writing_pieces_.clear();
  writing_bytes_ = 0;
  protocol::for_each_piece(writing_frame_, writing_splices_, [this](std::span<const std::uint8_t> piece) {
    writing_pieces_.push_back(piece);
    writing_bytes_ += piece.size();
  });
  if (out.expect_response) {
    in_flight_.push(std::move(out.request));
  } else {
    writing_no_response_ = std::move(out.request.handler);
    writing_no_response_deadline_ = out.request.deadline;
  }
  actions_.push_back(action::Write{writing_pieces_});
}

void ConnectionMachine::on(const event::WriteDone& e) {
  writing_ = false;
  // The write no longer reads the caller's bytes: drop the views now.
  writing_splices_.clear();
  writing_pieces_.clear();
  if (state_ == ConnectionState::closed) return;  // close() counted the request as a transmit error
  if (e.failure.code) {
    // The connection is lost, but answers the broker sent before it failed
    // may not have been read yet (when an answer and a reset arrive
    // together, the write's failure can be seen before the read holding
    // the answer). They must reach their requests rather than be failed as
    // "outcome unknown". So nothing more is written, the receiving side is
    // shut (reads still return what arrived, then end), and the read side
    // closes the connection with this failure when it ends. Deadlines still
    // count meanwhile.
    write_failure_ = e.failure;
    actions_.push_back(action::ShutdownReceive{});
    deliver_early_answer();  // the write is over: an answer held for it is delivered now
    return;
  }
  ++options_.traffic->tx;
  options_.traffic->tx_bytes += writing_bytes_;
  if (options_.protocol_trace) {
    options_.protocol_trace("sent " + describe_request(writing_api_key_, writing_api_version_, writing_correlation_id_) +
                            ", " + std::to_string(writing_bytes_) + " bytes");
  }
  // acks=0 Produce: written is all the answer there will be.
  if (auto done = std::exchange(writing_no_response_, nullptr)) deliver(std::move(done), RequestOutcome{{}, {}, true});
  deliver_early_answer();
  maybe_start_reauthentication();
  write_next();
}

void ConnectionMachine::deliver_early_answer() {
  auto early = std::exchange(early_answer_, std::nullopt);
  if (!early) return;
  delivered_early_body_ = std::move(early->body);
  deliver(std::move(early->request.handler), RequestOutcome{{}, delivered_early_body_, true});
}

void ConnectionMachine::deliver(ResponseHandler handler, RequestOutcome outcome) {
  if (handler) actions_.push_back(action::Deliver{std::move(handler), outcome});
}

// --- reading ----------------------------------------------------------------

void ConnectionMachine::on(const event::BytesRead& e) {
  if (state_ == ConnectionState::closed) return;
  // A TLS listener answers a plaintext request with a TLS alert: say so at
  // once instead of reading its bytes as a frame size.
  if (!read_any_ && looks_like_tls(e.bytes)) {
    fail(net_errc::tls_expected,
         "broker " + address_.to_string() + " answered in TLS: its listener expects TLS; set security.protocol to " +
             (uses_sasl(options_.security.protocol) ? "SASL_SSL" : "SSL (or SASL_SSL)"));
    return;
  }
  read_any_ = true;
  unread_ = e.bytes;
  decoding_ = true;
}

bool ConnectionMachine::looks_like_tls(std::span<const std::uint8_t> b) const noexcept {
  // A TLS record header: content type alert (21) or handshake (22), then
  // version 3.x. As a Kafka size prefix that would be a frame of 350+ MB:
  // no real ApiVersions answer starts this way.
  return !uses_tls(options_.security.protocol) && state_ == ConnectionState::connecting && b.size() >= 3 &&
         (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03 && b[2] <= 0x04;
}

void ConnectionMachine::take_frame() {
  if (state_ == ConnectionState::closed) {
    decoding_ = false;
    unread_ = {};
    return;
  }
  std::optional<std::span<const std::uint8_t>> frame;
  if (auto ec = decoder_.next_frame(unread_, frame)) {
    close(ec);
    return;
  }
  if (!frame) {  // all read bytes decoded: read more
    decoding_ = false;
    unread_ = {};
    actions_.push_back(action::Read{});
    return;
  }
  on_frame(*frame);
}

void ConnectionMachine::on_frame(std::span<const std::uint8_t> frame) {
  auto id = protocol::peek_correlation_id(frame);
  std::optional<InFlightRequest> req;
  if (id) req = in_flight_.match(*id);
  WireTraffic& traffic = *options_.traffic;
  ++traffic.rx;
  traffic.rx_bytes += 4 + frame.size();  // the size prefix too, as written
  if (!req) {
    ++traffic.rx_errs;
    close(net_errc::protocol_error);
    return;
  }
  if (writing_ && req->correlation_id == writing_correlation_id_) writing_answered_ = true;
  // SASL answers (re-authentication) are not use of the connection.
  if (!is_sasl(req->api_key)) last_used_ = now_;
  if (options_.protocol_trace) {
    options_.protocol_trace("received the answer to " +
                            describe_request(req->api_key, req->api_version, req->correlation_id) + ", " +
                            std::to_string(4 + frame.size()) + " bytes");
  }
  protocol::BufferReader r(frame);
  protocol::decode_response_header(r, req->api_key, req->api_version);
  if (!r.ok()) {
    ++traffic.rx_errs;
    deliver(std::move(req->handler), RequestOutcome{net_errc::protocol_error, {}, true});
    close(net_errc::protocol_error);
    return;
  }
  const auto body = frame.subspan(r.position());
  if (!req->handler) {
    on_own_answer(*req, body);
  } else if (writing_ && req->correlation_id == writing_correlation_id_ && !writing_splices_.empty()) {
    // Answered before this gathered write completed (the completion is
    // merely not seen yet, or the broker answered before reading
    // everything): the handler may free or re-sequence the batches the
    // write points at, so it runs once the write is over. Its deadline
    // still counts meanwhile.
    early_answer_.emplace(EarlyAnswer{std::move(*req), protocol::Bytes(body.begin(), body.end())});
    return;
  } else {
    deliver(std::move(req->handler), RequestOutcome{{}, body, true});
  }
  maybe_start_reauthentication();
}

// A failed read. After a failed write the read side has now delivered what
// the broker sent: the write's failure is the cause.
void ConnectionMachine::on(const event::ReadFailed& e) {
  if (state_ == ConnectionState::closed) return;
  if (write_failure_) {
    end_with(*write_failure_);
    return;
  }
  if (e.failure.closed_by_peer) {
    if (state_ == ConnectionState::connecting && !uses_tls(options_.security.protocol) && !read_any_) {
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
  end_with(e.failure);
}

void ConnectionMachine::end_with(const IoFailure& failure) {
  if (failure.detail.empty()) {
    close(failure.code);
  } else {
    fail(failure.code, failure.detail);
  }
}

// --- time -------------------------------------------------------------------

std::optional<Clock::time_point> ConnectionMachine::request_deadline() const noexcept {
  auto deadline = in_flight_.next_deadline();
  // Queued requests' deadlines rise front to back (same timeout, taken when
  // queued), so the front's is the earliest of them.
  if (!write_queue_.empty()) earliest(deadline, write_queue_.front().request.deadline);
  if (control_) earliest(deadline, control_->request.deadline);
  if (early_answer_) earliest(deadline, early_answer_->request.deadline);
  // An acks=0 write under way: a broker that stops reading must not keep
  // its records unreported until TCP gives up.
  if (writing_no_response_) earliest(deadline, writing_no_response_deadline_);
  return deadline;
}

// The driver has one timer: it is set for the earliest deadline, and only
// moved earlier; when it fires early (its deadline was met), it is set again.
void ConnectionMachine::update_timer() {
  if (state_ == ConnectionState::closed) return;
  auto deadline = request_deadline();
  if (state_ == ConnectionState::connecting) earliest(deadline, connect_deadline_);
  if (state_ == ConnectionState::ready && auth_ == Auth::none) earliest(deadline, reauthenticate_at_);
  if (!deadline) {
    if (armed_) actions_.push_back(action::ArmTimer{std::nullopt});
    armed_.reset();
    return;
  }
  if (armed_ && *armed_ <= *deadline) return;
  armed_ = deadline;
  actions_.push_back(action::ArmTimer{deadline});
}

void ConnectionMachine::on(const event::TimerFired&) {
  if (state_ == ConnectionState::closed) return;
  armed_.reset();
  if (state_ == ConnectionState::connecting && connect_deadline_ && *connect_deadline_ <= now_) {
    close(net_errc::connect_timeout);
    return;
  }
  if (auto deadline = request_deadline(); deadline && *deadline <= now_) {
    close(net_errc::request_timeout);
    return;
  }
  if (reauthenticate_at_ && *reauthenticate_at_ <= now_ && state_ == ConnectionState::ready && auth_ == Auth::none) {
    reauthenticate_at_.reset();
    auth_ = Auth::draining;
    maybe_start_reauthentication();
  }
}

// --- closing ----------------------------------------------------------------

void ConnectionMachine::on(const event::Close& e) {
  if (e.detail.empty()) {
    close(e.reason);
  } else {
    fail(e.reason, e.detail);
  }
}

void ConnectionMachine::fail(std::error_code reason, std::string detail) {
  if (state_ == ConnectionState::closed) return;
  failure_detail_ = std::move(detail);
  close(reason);
}

void ConnectionMachine::close(std::error_code reason) {
  if (state_ == ConnectionState::closed) return;
  const bool was_connecting = state_ == ConnectionState::connecting;
  state_ = ConnectionState::closed;
  decoding_ = false;
  unread_ = {};
  armed_.reset();
  sasl_.reset();
  // A write asked for but not carried out yet (a handler run by a Deliver
  // action closed the connection before the driver reached the Write
  // queued behind it) never reaches the socket: it is dropped, and its
  // request was not sent, so it is reported as such (safe to retry).
  bool write_dropped = false;
  for (auto it = actions_.begin(); it != actions_.end(); ++it) {
    if (std::holds_alternative<action::Write>(*it)) {
      actions_.erase(it);
      write_dropped = true;
      break;
    }
  }
  // The socket is closed first: a write still under way then no longer
  // reads the spliced bytes the handlers below may release.
  actions_.push_back(action::Shut{});
  // Requests whose write started (in flight, or the acks=0 one being
  // written) may have reached the broker; queued ones did not. An answer
  // held for its write to complete is the broker's answer all the same: it
  // is delivered, not failed, whatever ends the connection (a success
  // reported as "outcome unknown" is retried into a duplicate). It is the
  // oldest request (in_flight_ holds only later ones), so it goes first.
  deliver_early_answer();
  // Statistics (librdkafka's txerrs/rxerrs): a request whose write did not
  // complete is a transmit error, one written in full and not answered a
  // receive error.
  WireTraffic& traffic = *options_.traffic;
  const bool write_incomplete = writing_ || write_dropped || write_failure_;
  for (auto& r : in_flight_.take_all()) {
    const bool this_write = r.correlation_id == writing_correlation_id_;
    ++(write_incomplete && this_write ? traffic.tx_errs : traffic.rx_errs);
    deliver(std::move(r.handler), RequestOutcome{reason, {}, !(write_dropped && this_write)});
  }
  if (auto done = std::exchange(writing_no_response_, nullptr)) {
    ++traffic.tx_errs;
    deliver(std::move(done), RequestOutcome{reason, {}, !write_dropped});
  }
  if (std::exchange(control_, std::nullopt)) ++traffic.tx_errs;  // a SASL request: the machine's own
  traffic.tx_errs += write_queue_.size();
  for (auto& q : std::exchange(write_queue_, {})) deliver(std::move(q.request.handler), RequestOutcome{reason, {}, false});
  if (was_connecting) {
    if (auto done = std::exchange(on_connect_, nullptr)) actions_.push_back(action::ReportConnect{std::move(done), reason});
  }
}

}  // namespace sluice::net
