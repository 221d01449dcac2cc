#include "sluice/net/oidc_token_request.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <cctype>

#include "sluice/net/base64.hpp"
#include "sluice/net/jwt_claims.hpp"
#include "sluice/net/sasl_error.hpp"

namespace sluice::net {

namespace {

namespace http = boost::beast::http;
constexpr std::size_t kMaxBody = 1 << 20;  // a token answer is a few KB

// RFC 6749 appendix B: application/x-www-form-urlencoded.
std::string form_encode(std::string_view v) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A value from the endpoint for an error text: printable, bounded.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 300)) out += (c >= 0x20 && c <= 0x7E) ? c : '?';
  return out;
}

std::string where(const OidcOptions& o) {
  return "token endpoint " + o.token_endpoint_url + " (client id '" + o.client_id + "')";
}

OAuthTokenResult failure(sasl_errc code, std::string message) { return {std::nullopt, code, std::move(message)}; }

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  HttpUrl out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    error = "not an http:// or https:// URL";
    return std::nullopt;
  }
  if (rest.find('#') != std::string_view::npos) {
    error = "a URL with a #fragment";
    return std::nullopt;
  }
  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) {
    error = "user info (user:password@) in the URL: give the client id and secret as their own properties";
    return std::nullopt;
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "an IPv6 address without its closing ']'";
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        error = "text after the IPv6 address";
        return std::nullopt;
      }
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    error = "no host in the URL";
    return std::nullopt;
  }
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    unsigned long n = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || (n = n * 10 + static_cast<unsigned long>(c - '0')) > 65535) {
        error = "the port is not a number from 1 to 65535";
        return std::nullopt;
      }
    }
    if (n == 0) {
      error = "the port is not a number from 1 to 65535";
      return std::nullopt;
    }
    out.port = std::string(port);
  }
  return out;
}

std::string token_request_bytes(const HttpUrl& url, const OidcOptions& options) {
  std::string body = "grant_type=client_credentials";
  if (!options.scope.empty()) body += "&scope=" + form_encode(options.scope);
  const std::string credentials = form_encode(options.client_id) + ":" + form_encode(options.client_secret);
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string r = "POST " + url.target + " HTTP/1.1\r\n";
  r += "Host: " + (ipv6 ? "[" + url.host + "]" : url.host) + ":" + url.port + "\r\n";
  r += "Authorization: Basic " +
       base64_encode({reinterpret_cast<const std::uint8_t*>(credentials.data()), credentials.size()}) + "\r\n";
  r += "Content-Type: application/x-www-form-urlencoded\r\n";
  r += "Accept: application/json\r\n";
  r += "User-Agent: sluice\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "Connection: close\r\n\r\n";
  return r + body;
}

TokenResponseReader::TokenResponseReader() {
  parser_.eager(true);
  parser_.body_limit(kMaxBody);
}

bool TokenResponseReader::feed(std::string_view bytes) {
  if (done_) return syntax_error_.empty();
  pending_.append(bytes);
  while (!pending_.empty() && !parser_.is_done()) {
    boost::system::error_code ec;
    const std::size_t used = parser_.put(boost::asio::buffer(pending_), ec);
    pending_.erase(0, used);
    if (ec == http::error::need_more) break;
    if (ec) {
      syntax_error_ = ec.message();
      done_ = true;
      return false;
    }
    if (used == 0) break;
  }
  done_ = parser_.is_done();
  return true;
}

void TokenResponseReader::on_eof() {
  if (done_) return;
  done_ = true;
  if (!parser_.got_some()) {  // put_eof wants bytes first
    syntax_error_ = "the connection closed before an HTTP answer";
    return;
  }
  boost::system::error_code ec;
  parser_.put_eof(ec);  // a body delimited by the end of the connection is complete now
  if (ec) syntax_error_ = parser_.is_header_done() ? "the answer ended early (" + ec.message() + ")"
                                                   : "the connection closed before an HTTP answer";
}

OAuthTokenResult TokenResponseReader::result(const OidcOptions& options, WallClock::time_point now) const {
  if (!syntax_error_.empty() || !parser_.is_done()) {
    return failure(sasl_errc::oauth_bad_token_response,
                   where(options) + ": not a usable HTTP answer: " +
                       (syntax_error_.empty() ? std::string("incomplete") : syntax_error_));
  }
  const auto& message = parser_.get();
  return interpret_token_response(message.result_int(), message.body(), options, now);
}

OAuthTokenResult interpret_token_response(unsigned status, std::string_view body, const OidcOptions& options,
                                          WallClock::time_point now) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  const boost::json::object* object = !ec && json.is_object() ? &json.get_object() : nullptr;
  auto text = [object](const char* key) -> std::string {
    const auto* v = object ? object->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  if (status != 200) {
    const std::string error = text("error");
    const std::string description = text("error_description");
    std::string said = "HTTP " + std::to_string(status);
    if (!error.empty()) said += " " + printable(error);
    if (!description.empty()) said += ": " + printable(description);
    if (status == 401 || error == "invalid_client") {
      return failure(sasl_errc::oauth_client_refused,
                     where(options) + " refused the client (" + said + "): check " + options.secret_property +
                         " (and the client id)");
    }
    return failure(sasl_errc::oauth_token_endpoint_error,
                   where(options) + " answered " + said +
                       (error == "invalid_scope" ? ": check sasl.oauthbearer.scope" : ""));
  }
  if (object == nullptr) {
    return failure(sasl_errc::oauth_bad_token_response, where(options) + ": the answer is not a JSON object");
  }
  const std::string token = text("access_token");
  if (token.empty()) {
    return failure(sasl_errc::oauth_bad_token_response, where(options) + ": the answer has no access_token");
  }
  if (const std::string type = text("token_type"); !type.empty()) {
    std::string lower;
    for (char c : type) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "bearer") {
      return failure(sasl_errc::oauth_bad_token_response,
                     where(options) + ": token_type is '" + printable(type) + "', not Bearer");
    }
  }
  OAuthToken t;
  t.received = now;
  t.principal = options.client_id;
  std::string why;
  auto claims = decode_jwt_claims(token, why);
  if (claims && !claims->sub.empty()) t.principal = claims->sub;
  if (claims && claims->exp) {
    t.expiry = WallClock::time_point(std::chrono::seconds(*claims->exp));
  } else if (const auto* in = object->if_contains("expires_in"); in != nullptr && (in->is_int64() || in->is_uint64())) {
    const auto s = in->is_int64() ? in->as_int64() : static_cast<std::int64_t>(in->as_uint64() & 0x7fffffffffffULL);
    t.expiry = now + std::chrono::seconds(s);
  } else {
    return failure(sasl_errc::oauth_bad_token_response,
                   where(options) + ": the token's expiry is unknown (" +
                       (claims ? "the JWT has no exp claim" : why) + ", and the answer has no expires_in)");
  }
  t.value = token;
  return {std::move(t), {}, {}};
}

}  // namespace sluice::net
