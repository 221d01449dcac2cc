#include "sluice/net/jwt_claims.hpp"

#include <boost/json/parse.hpp>
#include <cmath>
#include <limits>

#include "sluice/net/base64.hpp"

namespace sluice::net {

namespace {

// base64url without padding (RFC 7515 2) to the standard alphabet with padding.
std::optional<std::string> base64url_decode(std::string_view part) {
  std::string text(part);
  for (char& c : text) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  while (text.size() % 4 != 0) text += '=';
  auto bytes = base64_decode(text);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::optional<std::int64_t> seconds(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double() && std::isfinite(v->as_double()) && std::abs(v->as_double()) < 1e15) {
    return static_cast<std::int64_t>(v->as_double());
  }
  return std::nullopt;
}

}  // namespace

std::optional<JwtClaims> decode_jwt_claims(std::string_view token, std::string& error) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    error = "not a JWT (three base64url parts separated by '.')";
    return std::nullopt;
  }
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) {
    error = "the JWT's payload is not base64url";
    return std::nullopt;
  }
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(*payload, ec);
  if (ec || !json.is_object()) {
    error = "the JWT's payload is not a JSON object";
    return std::nullopt;
  }
  const auto& object = json.get_object();
  JwtClaims claims;
  const auto* exp = object.if_contains("exp");
  claims.exp = seconds(exp);
  if (exp != nullptr && !claims.exp) {
    error = "the JWT's exp claim is not a number of seconds";
    return std::nullopt;
  }
  claims.iat = seconds(object.if_contains("iat"));
  if (const auto* sub = object.if_contains("sub"); sub != nullptr && sub->is_string()) {
    claims.sub = std::string(sub->get_string());
  }
  return claims;
}

}  // namespace sluice::net
