// Base64 as SCRAM uses it: RFC 4648's test vectors both ways, and a strict
// decoder (malformed server messages must be errors, not guesses).
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/base64.hpp"

using sluice::net::base64_decode;
using sluice::net::base64_encode;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("base64: RFC 4648 section 10 vectors, both ways") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64_encode(bytes(plain)) == encoded);
    auto decoded = base64_decode(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == bytes(plain));
  }
}

TEST_CASE("base64: every byte value round-trips") {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    std::vector<std::uint8_t> part(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(len));
    auto back = base64_decode(base64_encode(part));
    REQUIRE(back);
    CHECK(*back == part);
  }
}

TEST_CASE("base64: malformed input is refused") {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v!A==", "Zm=v",
                          "Zh==",   // non-zero bits under the padding
                          "Zm9=",   // likewise
                          "-_-_"}) {  // the URL-safe alphabet is not SCRAM's
    INFO(bad);
    CHECK_FALSE(base64_decode(bad));
  }
}
