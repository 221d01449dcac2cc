#pragma once
// Base64 (RFC 4648, standard alphabet, with padding) for SCRAM messages,
// done by OpenSSL (EVP_EncodeBlock / EVP_DecodeBlock).
// Decoding is strict: no whitespace, no missing or misplaced padding, no
// non-zero bits left over, so a malformed server message is an error rather
// than a guess.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::net {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace sluice::net
