// make_oidc_token_source's I/O against loopback endpoints: one request for
// connections asking at once, the cached token after that, 401 and a
// closed port as the named errors. (The real token server and broker:
// test/integration/oauth_test.cpp.)
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <optional>

#include "sluice/net/base64.hpp"
#include "sluice/net/oidc_token_source.hpp"
#include "sluice/net/sasl_error.hpp"

using namespace sluice::net;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

// Answers each connection with `answer` once it has read the request's body.
class LoopbackEndpoint {
 public:
  LoopbackEndpoint(asio::io_context& io, std::string answer)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), answer_(std::move(answer)) {
    accept();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/token"; }
  int requests = 0;
  std::string last_request;

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto socket = std::make_shared<tcp::socket>(std::move(s));
      auto buf = std::make_shared<asio::streambuf>();
      asio::async_read_until(*socket, *buf, "grant_type=client_credentials",
                             [this, socket, buf](boost::system::error_code ec2, std::size_t) {
                               if (ec2) return;
                               ++requests;
                               last_request.assign(asio::buffers_begin(buf->data()), asio::buffers_end(buf->data()));
                               asio::async_write(*socket, asio::buffer(answer_),
                                                 [socket](boost::system::error_code, std::size_t) {
                                                   boost::system::error_code ignored;
                                                   socket->shutdown(tcp::socket::shutdown_both, ignored);
                                                 });
                             });
      accept();
    });
  }
  tcp::acceptor acceptor_;
  std::string answer_;
};

std::string b64url(const std::string& s) {
  std::string out = base64_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string ok_answer() {
  const auto exp = std::chrono::duration_cast<std::chrono::seconds>(WallClock::now().time_since_epoch()).count() + 3600;
  const std::string jwt =
      b64url(R"({"alg":"RS256"})") + "." + b64url(R"({"sub":"c","exp":)" + std::to_string(exp) + "}") + ".c2ln";
  const std::string body = R"({"access_token":")" + jwt + R"(","token_type":"Bearer","expires_in":3600})";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

OidcOptions oidc(const std::string& url) {
  OidcOptions o;
  o.token_endpoint_url = url;
  o.client_id = "c";
  o.client_secret = "secret-42";
  return o;
}

std::shared_ptr<OAuthTokenSource> source(const std::string& url) {
  std::string error;
  auto s = make_oidc_token_source(oidc(url), TlsOptions{}, OAuthRefreshPolicy{}, 5000ms, error);
  REQUIRE(s);
  return s;
}

OAuthTokenResult one(asio::io_context& io, OAuthTokenSource& s) {
  std::optional<OAuthTokenResult> r;
  s.async_token(io, [&](OAuthTokenResult x) { r = std::move(x); });
  io.restart();
  while (!r && io.run_one_for(10s) > 0) {
  }
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("OIDC source: connections asking at once share one request, then the cached token serves") {
  asio::io_context io;
  LoopbackEndpoint endpoint(io, ok_answer());
  auto s = source(endpoint.url());
  std::optional<OAuthTokenResult> a, b;
  s->async_token(io, [&](OAuthTokenResult r) { a = std::move(r); });
  s->async_token(io, [&](OAuthTokenResult r) { b = std::move(r); });
  while ((!a || !b) && io.run_one_for(10s) > 0) {
  }
  REQUIRE(a);
  REQUIRE(b);
  INFO(a->message);
  REQUIRE(a->token);
  REQUIRE(b->token);
  CHECK(a->token->value == b->token->value);
  CHECK(endpoint.requests == 1);
  CHECK(endpoint.last_request.find("Authorization: Basic ") != std::string::npos);
  const auto again = one(io, *s);
  REQUIRE(again.token);
  CHECK(endpoint.requests == 1);  // fresh: no second request
}

TEST_CASE("OIDC source: a 401 is the refused client, a closed port is 'cannot reach' naming the URL") {
  asio::io_context io;
  const std::string body = R"({"error":"invalid_client","error_description":"wrong client secret 'c'"})";
  LoopbackEndpoint endpoint(io, "HTTP/1.1 401 Unauthorized\r\nContent-Length: " + std::to_string(body.size()) +
                                    "\r\n\r\n" + body);
  auto refused = one(io, *source(endpoint.url()));
  CHECK(refused.error == sasl_errc::oauth_client_refused);
  CHECK(refused.message.find("check sasl.oauthbearer.client.secret") != std::string::npos);
  CHECK(refused.message.find("secret-42") == std::string::npos);

  // A port that was just free: nothing listens on it.
  std::string closed;
  {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/token";
  }
  auto unreachable = one(io, *source(closed));
  CHECK(unreachable.error == sasl_errc::oauth_token_endpoint_unreachable);
  CHECK(unreachable.message.find(closed) != std::string::npos);
  CHECK(unreachable.message.find("refused") != std::string::npos);
  CHECK(unreachable.message.find("secret-42") == std::string::npos);
}
