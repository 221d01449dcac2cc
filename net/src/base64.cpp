#include "sluice/net/base64.hpp"

#include <openssl/evp.h>

namespace sluice::net {

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (padded) and a NUL.
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::vector<std::uint8_t>{};
  // EVP_DecodeBlock keeps the padding's zero bytes in its count and skips
  // surrounding whitespace, so the padding is taken off here and the result
  // must encode back to exactly `text`: that refuses whitespace, misplaced
  // padding and non-zero bits under the padding (a malformed server message
  // is an error, not a guess).
  std::vector<std::uint8_t> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  if (static_cast<std::size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  if (base64_encode(out) != text) return std::nullopt;
  return out;
}

}  // namespace sluice::net
