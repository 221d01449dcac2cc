// The I/O of an OIDC token request (the decisions are in oidc_token_request
// and oauth_token_cache): resolve, connect, TLS for https, write the
// request, read until the answer is complete, all under one deadline.
#include "sluice/net/oidc_token_source.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <array>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "sluice/net/oauth_token_cache.hpp"
#include "sluice/net/oidc_token_request.hpp"
#include "sluice/net/sasl_error.hpp"
#include "tls_context.hpp"

namespace sluice::net {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Why the TLS handshake with an https token endpoint failed, and what to
// change: the endpoint is trusted through https.ca.location / https.ca.pem
// (else the system's store), never the brokers' ssl.ca.* settings.
std::pair<sasl_errc, std::string> describe_endpoint_tls_failure(SSL* ssl, const boost::system::error_code& ec,
                                                                const std::string& host, const TlsOptions& tls) {
  const long result = SSL_get_verify_result(ssl);
  // This failed handshake's queued OpenSSL errors are told by `result` and
  // `ec`: left queued on the I/O thread, they would surface in a later,
  // unrelated error text.
  ERR_clear_error();
  if (result != X509_V_OK) {
    std::string advice;
    switch (result) {
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        advice = "its certificate does not name '" + host +
                 "': use a host name or address its subjectAltName lists in sasl.oauthbearer.token.endpoint.url";
        break;
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        advice = "its certificate is outside its validity period: renew it (or check this machine's clock)";
        break;
      default:
        advice = "its certificate is not trusted by " + detail::trust_source(tls) +
                 ": set https.ca.location (a PEM file or directory) or https.ca.pem to the CA that signed it "
                 "(ssl.ca.location is for the brokers only)";
    }
    return {sasl_errc::oauth_token_endpoint_untrusted,
            std::string("TLS certificate verification failed (") + X509_verify_cert_error_string(result) + "): " +
                advice};
  }
  const bool not_tls = ec == asio::ssl::error::stream_truncated || ec == asio::error::eof ||
                       ec == asio::error::connection_reset ||
                       (ec.category() == asio::error::get_ssl_category() &&
                        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_WRONG_VERSION_NUMBER);
  return {sasl_errc::oauth_token_endpoint_unreachable,
          "TLS handshake failed (" + ec.message() + ")" +
              (not_tls ? ": the endpoint does not speak TLS here; is it an http:// URL? check "
                         "sasl.oauthbearer.token.endpoint.url"
                       : std::string())};
}

// One HTTP exchange; keeps itself alive until `done` has run.
class TokenFetch : public std::enable_shared_from_this<TokenFetch> {
 public:
  using Done = std::function<void(OAuthTokenResult)>;
  TokenFetch(asio::io_context& io, HttpUrl url, const OidcOptions& oidc, const TlsOptions& tls,
             std::chrono::milliseconds timeout, Done done)
      : url_(std::move(url)), oidc_(oidc), tls_options_(tls), timeout_(timeout), resolver_(io),
        socket_(io), timer_(io), done_(std::move(done)) {}

  void start() {
    auto self = shared_from_this();
    timer_.expires_after(timeout_);
    timer_.async_wait([this, self](boost::system::error_code ec) {
      if (ec || finished_) return;
      timed_out_ = true;
      resolver_.cancel();
      boost::system::error_code ignored;
      tcp_socket().close(ignored);
    });
    resolver_.async_resolve(url_.host, url_.port, [this, self](boost::system::error_code ec, tcp::resolver::results_type r) {
      if (ec) return unreachable("cannot resolve " + url_.host + ": " + ec.message(), ec);
      asio::async_connect(socket_, r, [this, self](boost::system::error_code ec2, const tcp::endpoint&) {
        if (ec2) return unreachable(ec2.message(), ec2);
        if (url_.tls) return start_tls();
        write();
      });
    });
  }

 private:
  tcp::socket& tcp_socket() { return tls_ && tls_->stream ? tls_->stream->next_layer() : socket_; }

  void start_tls() {
    std::optional<TlsSetupError> error;
    auto context = detail::make_tls_context(tls_options_, error);
    if (!context) return finish(failure(sasl_errc::oauth_token_endpoint_unreachable, "TLS setup: " + error->message));
    tls_ = std::make_unique<detail::TlsStream>(std::move(context));
    tls_->stream.emplace(std::move(socket_), *tls_->context);
    if (auto problem = detail::prepare_session(tls_->stream->native_handle(), url_.host, tls_options_);
        !problem.empty()) {
      return finish(failure(sasl_errc::oauth_token_endpoint_unreachable, problem));
    }
    auto self = shared_from_this();
    tls_->stream->async_handshake(asio::ssl::stream_base::client, [this, self](boost::system::error_code ec) {
      if (ec) {
        if (timed_out_) return unreachable("", ec);
        auto [code, why] = describe_endpoint_tls_failure(tls_->stream->native_handle(), ec, url_.host, tls_options_);
        return finish(failure(code, why));
      }
      write();
    });
  }

  template <class Stream>
  void write_on(Stream& stream) {
    auto self = shared_from_this();
    asio::async_write(stream, asio::buffer(request_), [this, self, &stream](boost::system::error_code ec, std::size_t) {
      OPENSSL_cleanse(request_.data(), request_.size());
      if (ec) return unreachable("writing the request: " + ec.message(), ec);
      read_on(stream);
    });
  }

  template <class Stream>
  void read_on(Stream& stream) {
    auto self = shared_from_this();
    stream.async_read_some(asio::buffer(buf_), [this, self, &stream](boost::system::error_code ec, std::size_t n) {
      reader_.feed(std::string_view(buf_.data(), n));
      if (!reader_.done() && ec) {
        if (timed_out_) return unreachable("", ec);
        reader_.on_eof();  // end of stream (or a TLS close without close_notify): judge what arrived
      }
      if (reader_.done()) return finish(reader_.result(oidc_, WallClock::now()));
      read_on(stream);
    });
  }

  void write() {
    request_ = token_request_bytes(url_, oidc_);
    if (tls_) {
      write_on(*tls_->stream);
    } else {
      write_on(socket_);
    }
  }

  OAuthTokenResult failure(sasl_errc code, const std::string& what) {
    return {std::nullopt, code,
            "token endpoint " + oidc_.token_endpoint_url + " (client id '" + oidc_.client_id + "'): " + what};
  }

  void unreachable(const std::string& what, boost::system::error_code) {
    if (timed_out_) {
      return finish(failure(sasl_errc::oauth_token_endpoint_unreachable,
                            "no answer within " + std::to_string(timeout_.count()) + " ms"));
    }
    finish(failure(sasl_errc::oauth_token_endpoint_unreachable,
                   "cannot reach it (" + what + "): check sasl.oauthbearer.token.endpoint.url and that the endpoint "
                   "is up"));
  }

  void finish(OAuthTokenResult result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    tcp_socket().close(ignored);
    auto done = std::move(done_);
    done(std::move(result));
  }

  HttpUrl url_;
  OidcOptions oidc_;
  TlsOptions tls_options_;
  std::chrono::milliseconds timeout_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::unique_ptr<detail::TlsStream> tls_;
  asio::steady_timer timer_;
  std::string request_;
  std::array<char, 8192> buf_{};
  TokenResponseReader reader_;
  bool timed_out_ = false;
  bool finished_ = false;
  Done done_;
};

class OidcTokenSource final : public OAuthTokenSource, public std::enable_shared_from_this<OidcTokenSource> {
 public:
  OidcTokenSource(HttpUrl url, OidcOptions oidc, TlsOptions tls, OAuthRefreshPolicy policy,
                  std::chrono::milliseconds timeout)
      : url_(std::move(url)), oidc_(std::move(oidc)), tls_(std::move(tls)), timeout_(timeout), cache_(policy) {}
  ~OidcTokenSource() override {
    if (!oidc_.client_secret.empty()) OPENSSL_cleanse(oidc_.client_secret.data(), oidc_.client_secret.size());
  }

  void async_token(asio::io_context& io, Handler done) override {
    std::unique_lock lock(mu_);
    if (!cache_.needs_fetch(WallClock::now())) {
      OAuthTokenResult r{*cache_.cached(), {}, {}};
      lock.unlock();
      asio::post(io, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
      return;
    }
    waiting_.push_back({&io, std::move(done)});
    if (fetching_) return;
    fetching_ = true;
    lock.unlock();
    auto self = shared_from_this();
    auto fetch = std::make_shared<TokenFetch>(io, url_, oidc_, tls_, timeout_,
                                              [self](OAuthTokenResult r) { self->on_fetched(std::move(r)); });
    asio::post(io, [fetch] { fetch->start(); });
  }

 private:
  struct Waiter {
    asio::io_context* io;
    Handler done;
  };

  void on_fetched(OAuthTokenResult fetched) {
    const auto now = WallClock::now();
    std::vector<Waiter> waiting;
    OAuthTokenResult result;
    {
      std::lock_guard lock(mu_);
      fetching_ = false;
      waiting.swap(waiting_);
      if (fetched.token) {
        const std::string source = "token endpoint " + oidc_.token_endpoint_url + " (client id '" + oidc_.client_id + "')";
        if (auto why = cache_.accept(std::move(*fetched.token), now, source)) {
          result = {std::nullopt, sasl_errc::oauth_token_expired, std::move(*why)};
        } else {
          result = {*cache_.cached(), {}, {}};
        }
      } else if (const OAuthToken* old = cache_.usable(now)) {
        result = {*old, {}, {}};  // renewal failed: the old token serves until it expires
      } else {
        result = std::move(fetched);
      }
    }
    for (auto& w : waiting) {
      asio::post(*w.io, [done = std::move(w.done), result]() mutable { done(std::move(result)); });
    }
  }

  HttpUrl url_;
  OidcOptions oidc_;
  TlsOptions tls_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  OAuthTokenCache cache_;
  bool fetching_ = false;
  std::vector<Waiter> waiting_;
};

}  // namespace

std::shared_ptr<OAuthTokenSource> make_oidc_token_source(const OidcOptions& oidc, const TlsOptions& tls,
                                                         OAuthRefreshPolicy policy, std::chrono::milliseconds timeout,
                                                         std::string& error) {
  auto url = parse_http_url(oidc.token_endpoint_url, error);
  if (!url) return nullptr;
  return std::make_shared<OidcTokenSource>(std::move(*url), oidc, tls, policy, timeout);
}

}  // namespace sluice::net
