#pragma once
// StreamDriver<Stream>: the Asio side of a broker connection (private to
// net/), one template over the stream (plain TCP, TLS over TCP; what differs
// is in stream_kind.hpp). It owns the socket, the resolver, the one timer
// and the read buffer; it feeds what they report into the
// ConnectionMachine, stamped with the time, and carries out each action
// the machine returns. It decides nothing itself.
//
// Lifetime: every asynchronous operation holds the BrokerConnection that
// owns this driver (the OAuth token fetch only a weak reference: the token
// source is held by the connection's options), so the driver outlives them.
// Threading: the io_context's single I/O thread, like the whole connection.
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include "sluice/net/broker_connection.hpp"
#include "sluice/net/connection_machine.hpp"
#include "sluice/net/oauth_token.hpp"
#include "stream_kind.hpp"

namespace sluice::net::detail {

// What BrokerConnection sees of its driver, whatever the stream.
class ConnectionDriver {
 public:
  virtual ~ConnectionDriver() = default;
  // Feeds `event` (now) to the machine and carries out what follows.
  virtual void step(ConnectionEvent event) = 0;
};

template <class Stream>
class StreamDriver final : public ConnectionDriver {
  using Kind = StreamKind<Stream>;
  using tcp = boost::asio::ip::tcp;

 public:
  StreamDriver(BrokerConnection& owner, boost::asio::io_context& io, ConnectionMachine& machine)
      : owner_(owner), io_(io), machine_(machine), resolver_(io), socket_(io), timer_(io) {}

  ~StreamDriver() override {
    boost::system::error_code ignored;
    lowest().close(ignored);
  }

  void step(ConnectionEvent event) override {
    machine_.resume(Clock::now(), std::move(event));
    // A handler run below may call back (send, close): its actions queue in
    // the machine and this loop carries them out, after the ones before.
    if (running_) return;
    running_ = true;
    struct Done {
      bool& flag;
      ~Done() { flag = false; }
    } done{running_};
    while (auto action = machine_.next_action()) {
      std::visit([this](auto& a) { execute(a); }, *action);
    }
  }

 private:
  tcp::socket::lowest_layer_type& lowest() noexcept { return stream_ ? stream_->lowest_layer() : socket_; }
  const ConnectionOptions& options() const noexcept { return machine_.options(); }
  const BrokerAddress& address() const noexcept { return machine_.address(); }

  void execute(connection_action::PrepareStream&) {
    auto problem = Kind::prepare(setup_, options());
    // Reported from the io_context, never from inside connect().
    boost::asio::post(io_, [self = owner_.shared_from_this(), this, problem = std::move(problem)] {
      if (!problem) {
        step(connection_event::StreamPrepared{});
        return;
      }
      step(connection_event::StreamPrepared{
          net_errc::tls_setup_failed, "cannot connect to broker " + address().to_string() + " over TLS: " + *problem});
    });
  }

  void execute(connection_action::Resolve&) {
    auto self = owner_.shared_from_this();
    const auto& given = options().resolved_addresses_for_test;
    if (!given.empty()) {
      endpoints_ = tcp::resolver::results_type::create(given.begin(), given.end(), address().host,
                                                       std::to_string(address().port));
      boost::asio::post(io_, [self, this] { step(connection_event::Resolved{{}, endpoints_.size()}); });
      return;
    }
    resolver_.async_resolve(address().host, std::to_string(address().port),
                            [self, this](boost::system::error_code ec, tcp::resolver::results_type results) {
                              if (ec) {
                                step(connection_event::Resolved{system_error_of(ec), 0});
                                return;
                              }
                              endpoints_ = std::move(results);
                              step(connection_event::Resolved{{}, endpoints_.size()});
                            });
  }

  // Buffer sizes are set before connecting so the TCP window scale fits them.
  void execute(connection_action::ConnectTo& a) {
    const auto endpoint = std::next(endpoints_.begin(), static_cast<std::ptrdiff_t>(a.address))->endpoint();
    boost::system::error_code ignored;
    socket_.close(ignored);
    boost::system::error_code opened;
    socket_.open(endpoint.protocol(), opened);
    if (!opened) {
      if (options().send_buffer_bytes > 0) {
        socket_.set_option(boost::asio::socket_base::send_buffer_size(options().send_buffer_bytes), ignored);
      }
      if (options().receive_buffer_bytes > 0) {
        socket_.set_option(boost::asio::socket_base::receive_buffer_size(options().receive_buffer_bytes), ignored);
      }
      if (options().keepalive) socket_.set_option(boost::asio::socket_base::keep_alive(true), ignored);
    }
    socket_.async_connect(endpoint, [self = owner_.shared_from_this(), this, index = a.address](
                                        boost::system::error_code ec) {
      if (ec || machine_.state() != ConnectionState::connecting) {
        step(connection_event::ConnectFailed{index, ec ? system_error_of(ec) : make_error_code(net_errc::connection_closed)});
        return;
      }
      boost::system::error_code ignored_too;
      socket_.set_option(tcp::no_delay(true), ignored_too);
      stream_.emplace(Kind::wrap(std::move(socket_), setup_));
      step(connection_event::Connected{});
    });
  }

  void execute(connection_action::StartTls&) {
    Kind::handshake(*stream_, address(), options(),
                    [self = owner_.shared_from_this(), this](connection_event::TlsDone done) { step(std::move(done)); });
  }

  void execute(connection_action::Read&) {
    stream_->async_read_some(boost::asio::buffer(read_buf_),
                             [self = owner_.shared_from_this(), this](boost::system::error_code ec, std::size_t n) {
                               if (ec) {
                                 step(connection_event::ReadFailed{Kind::failure(ec, address(), options())});
                                 return;
                               }
                               step(connection_event::BytesRead{std::span<const std::uint8_t>(read_buf_.data(), n)});
                             });
  }

  // One buffer sequence: Asio writes it with writev (up to 64 pieces a call)
  // and resumes after partial writes; over TLS it packs pieces into records.
  // The pieces (and write_buffers_) stay put until WriteDone.
  void execute(connection_action::Write& a) {
    write_buffers_.clear();
    for (auto piece : a.pieces) write_buffers_.push_back(boost::asio::buffer(piece.data(), piece.size()));
    const std::span<const boost::asio::const_buffer> buffers(write_buffers_);
    boost::asio::async_write(*stream_, buffers,
                             [self = owner_.shared_from_this(), this](boost::system::error_code ec, std::size_t) {
                               step(connection_event::WriteDone{ec ? Kind::failure(ec, address(), options())
                                                                   : IoFailure{}});
                             });
  }

  void execute(connection_action::ShutdownReceive&) {
    boost::system::error_code ignored;  // not connected any more (a reset): reads end anyway
    lowest().shutdown(tcp::socket::shutdown_receive, ignored);
  }

  void execute(connection_action::ArmTimer& a) {
    if (!a.deadline) {
      timer_.cancel();
      return;
    }
    timer_.expires_at(*a.deadline);
    timer_.async_wait([self = owner_.shared_from_this(), this](boost::system::error_code ec) {
      if (!ec) step(connection_event::TimerFired{});
    });
  }

  // Weak: the source (which the connection's options hold) keeps waiting
  // handlers until its request ends; a strong one would be a cycle if the
  // io_context stops first.
  void execute(connection_action::FetchToken&) {
    options().security.sasl.oauthbearer.token_source->async_token(
        io_, [weak = owner_.weak_from_this(), this](OAuthTokenResult result) {
          if (auto self = weak.lock()) step(connection_event::TokenReady{std::move(result)});
        });
  }

  void execute(connection_action::Deliver& a) { a.handler(a.outcome); }
  void execute(connection_action::ReportConnect& a) {
    if (a.done) a.done(a.error);  // connect() may be given no handler
  }

  void execute(connection_action::Shut&) {
    boost::system::error_code ignored;
    lowest().close(ignored);
    resolver_.cancel();
    timer_.cancel();
  }

  BrokerConnection& owner_;
  boost::asio::io_context& io_;
  ConnectionMachine& machine_;
  tcp::resolver resolver_;
  tcp::resolver::results_type endpoints_;
  typename Kind::Setup setup_;
  tcp::socket socket_;             // while connecting
  std::optional<Stream> stream_;   // once connected: the socket, wrapped
  boost::asio::steady_timer timer_;
  std::vector<boost::asio::const_buffer> write_buffers_;
  std::array<std::uint8_t, 64 * 1024> read_buf_{};
  bool running_ = false;  // step() is carrying out actions
};

}  // namespace sluice::net::detail
