#pragma once
// One OIDC client-credentials token request (KIP-768, RFC 6749 4.4), without
// its I/O: the endpoint URL taken apart, the HTTP request's bytes, and the
// answer read from whatever bytes arrive, in any pieces, and judged:
//
//   POST <path> HTTP/1.1
//   Authorization: Basic base64(urlencode(client id) ":" urlencode(secret))
//   Content-Type: application/x-www-form-urlencoded
//
//   grant_type=client_credentials[&scope=<scope>]
//
// 200 with {"access_token": ..., "expires_in": ...}: a token expiring at
// its JWT exp claim (else at expires_in). 401 (or invalid_client): the
// client id or secret is wrong. Every error names the endpoint and the
// client id, never the secret or a token.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sluice/net/oauth_token.hpp"
#include "sluice/net/security.hpp"

namespace sluice::net {

struct HttpUrl {
  bool tls = false;      // https
  std::string host;      // without brackets for IPv6
  std::string port;      // "80"/"443" when the URL has none
  std::string target;    // path and query, "/" at least
};

// http:// or https:// URLs, no user info (credentials go in the Basic
// header, never the URL), no fragment. Null with `error` set otherwise.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

// The request's bytes (HTTP/1.1, Connection: close). Holds the secret:
// write it to the socket and wipe it.
std::string token_request_bytes(const HttpUrl& url, const OidcOptions& options);

// Reads the answer as it arrives (bytes in any pieces); done() once the
// message is complete or the connection ended.
class TokenResponseReader {
 public:
  TokenResponseReader();
  // Feeds bytes read; false on an HTTP syntax error (then done()).
  bool feed(std::string_view bytes);
  // The peer closed the connection.
  void on_eof();
  bool done() const noexcept { return done_; }
  // Judges the answer (call once done()). `now` is when it arrived.
  OAuthTokenResult result(const OidcOptions& options, WallClock::time_point now) const;

 private:
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  std::string pending_;  // bytes fed but not yet taken by the parser
  bool done_ = false;
  std::string syntax_error_;
};

// What a token endpoint's answer means (the judging part of
// TokenResponseReader::result, for a status and body already read).
OAuthTokenResult interpret_token_response(unsigned status, std::string_view body, const OidcOptions& options,
                                          WallClock::time_point now);

}  // namespace sluice::net
