#pragma once
// SCRAM (RFC 5802, RFC 7677) client: SCRAM-SHA-256 and SCRAM-SHA-512 as
// Kafka runs them (no channel binding: gs2 header "n,,"; the password is
// used as its UTF-8 bytes, as Kafka's own clients do, without SASLprep).
//
//   client-first  n,,n=<user>,r=<client nonce>
//   server-first  r=<client nonce + server nonce>,s=<salt>,i=<iterations>
//   client-final  c=biws,r=<nonce>,p=<proof>
//   server-final  v=<server signature>    (or e=<error>)
//
// The exchange is done only once server-final's signature matches the one
// computed from the password: a broker that does not know the password (an
// impostor) is refused. Rejected: an iteration count below 4096 (RFC 7677's
// minimum) or above 65536 (4x Kafka's maximum: PBKDF2 runs on the I/O
// thread, so an absurd count from a hostile server would stall it), a nonce
// that does not extend ours, and malformed messages.
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/net/sasl_mechanism.hpp"

namespace sluice::net {

// sha1 exists for RFC 5802's test vectors only; brokers are offered SCRAM-SHA-256/512.
enum class ScramHash { sha1, sha256, sha512 };

inline constexpr std::uint32_t kScramMinIterations = 4096;
inline constexpr std::uint32_t kScramMaxIterations = 65536;

class ScramClient final : public SaslMechanism {
 public:
  // `nonce`: the client nonce (printable ASCII without ','); empty means 24
  // random bytes from OpenSSL, base64-encoded. Tests inject one.
  ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce = {});
  ~ScramClient() override;
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  const char* name() const noexcept override;
  SaslStep start() override;
  SaslStep on_server_message(std::span<const std::uint8_t> message) override;

 private:
  SaslStep on_server_first(std::string_view message);
  SaslStep on_server_final(std::string_view message);
  SaslStep fail(std::error_code ec, std::string detail);

  ScramHash hash_;
  std::string username_;
  std::string password_;
  std::string nonce_;
  std::string client_first_bare_;
  std::vector<std::uint8_t> server_signature_;  // expected in server-final
  enum class Step { initial, sent_first, sent_final, done, failed } step_ = Step::initial;
};

}  // namespace sluice::net
