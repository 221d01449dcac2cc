#pragma once
// The claims of a JWT (RFC 7519) that a client needs: when it expires and
// whom it names. The payload is read without checking the signature, which
// is the broker's job (a client cannot: it has no key). Not a JWT, or no
// numeric exp: an error saying so, never the token's text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::net {

struct JwtClaims {
  std::optional<std::int64_t> exp;  // seconds since the epoch
  std::optional<std::int64_t> iat;
  std::string sub;
};

std::optional<JwtClaims> decode_jwt_claims(std::string_view token, std::string& error);

}  // namespace sluice::net
