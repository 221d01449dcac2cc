#include "sluice/net/sasl_scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <string_view>

#include "sluice/net/base64.hpp"
#include "sluice/net/sasl_error.hpp"

namespace sluice::net {

namespace {

using Bytes = std::vector<std::uint8_t>;

const EVP_MD* digest(ScramHash h) noexcept {
  switch (h) {
    case ScramHash::sha1: return EVP_sha1();
    case ScramHash::sha256: return EVP_sha256();
    case ScramHash::sha512: return EVP_sha512();
  }
  return EVP_sha512();
}

std::span<const std::uint8_t> bytes_of(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool hmac(const EVP_MD* md, std::span<const std::uint8_t> key, std::span<const std::uint8_t> data, Bytes& out) {
  out.resize(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len) == nullptr) {
    return false;
  }
  out.resize(len);
  return true;
}

bool hash(const EVP_MD* md, std::span<const std::uint8_t> data, Bytes& out) {
  out.resize(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) return false;
  out.resize(len);
  return true;
}

// RFC 5802's Hi(): PBKDF2 with the hash's HMAC, one block of the hash's size.
bool salted_password(const EVP_MD* md, std::string_view password, std::span<const std::uint8_t> salt,
                     std::uint32_t iterations, Bytes& out) {
  out.resize(static_cast<std::size_t>(EVP_MD_get_size(md)));
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), static_cast<int>(iterations), md,
                           static_cast<int>(out.size()), out.data()) == 1;
}

void cleanse(Bytes& b) noexcept {
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
}

// saslname: ',' and '=' escaped as =2C and =3D.
std::string escape_username(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',') out += "=2C";
    else if (c == '=') out += "=3D";
    else out += c;
  }
  return out;
}

// "a=value,b=value": each attribute a letter, '=', then its value (which
// may be empty only where the caller allows). Empty on a malformed list.
std::vector<std::pair<char, std::string_view>> attributes(std::string_view message) {
  std::vector<std::pair<char, std::string_view>> out;
  std::size_t start = 0;
  while (start <= message.size()) {
    auto end = message.find(',', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view a = message.substr(start, end - start);
    const bool letter = a.size() >= 2 && ((a[0] >= 'a' && a[0] <= 'z') || (a[0] >= 'A' && a[0] <= 'Z'));
    if (!letter || a[1] != '=') return {};
    out.emplace_back(a[0], a.substr(2));
    start = end + 1;
  }
  return out;
}

bool printable(std::string_view s) noexcept {
  for (char c : s) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return !s.empty();
}

// A server-supplied token, safe to put into an error message.
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c <= 0x7E) ? c : '?';
  if (s.size() > 80) out += "...";
  return out + "'";
}

}  // namespace

ScramClient::ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce)
    : hash_(hash), username_(std::move(username)), password_(std::move(password)), nonce_(std::move(nonce)) {}

ScramClient::~ScramClient() {
  if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
}

const char* ScramClient::name() const noexcept {
  switch (hash_) {
    case ScramHash::sha1: return "SCRAM-SHA-1";
    case ScramHash::sha256: return "SCRAM-SHA-256";
    case ScramHash::sha512: return "SCRAM-SHA-512";
  }
  return "SCRAM";
}

SaslStep ScramClient::fail(std::error_code ec, std::string detail) {
  step_ = Step::failed;
  server_signature_.clear();
  SaslStep s;
  s.error = ec;
  s.detail = std::move(detail);
  return s;
}

SaslStep ScramClient::start() {
  if (step_ != Step::initial) return fail(sasl_errc::unexpected_message, "SCRAM started twice");
  if (username_.empty()) return fail(sasl_errc::invalid_credentials, "sasl.username is empty");
  if (username_.find('\0') != std::string::npos) {
    return fail(sasl_errc::invalid_credentials, "sasl.username must not contain a NUL character");
  }
  if (nonce_.empty()) {
    std::array<std::uint8_t, 24> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
      return fail(sasl_errc::crypto_failure, "no random bytes for the SCRAM nonce");
    }
    nonce_ = base64_encode(random);
  } else if (!printable(nonce_)) {
    return fail(sasl_errc::crypto_failure, "the injected SCRAM nonce is not printable ASCII without ','");
  }
  client_first_bare_ = "n=" + escape_username(username_) + ",r=" + nonce_;
  const std::string first = "n,," + client_first_bare_;
  SaslStep s;
  s.message.assign(first.begin(), first.end());
  step_ = Step::sent_first;
  return s;
}

SaslStep ScramClient::on_server_message(std::span<const std::uint8_t> message) {
  const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
  switch (step_) {
    case Step::sent_first: return on_server_first(text);
    case Step::sent_final: return on_server_final(text);
    case Step::initial:
    case Step::done:
    case Step::failed: break;
  }
  return fail(sasl_errc::unexpected_message, "a SCRAM server message out of turn");
}

SaslStep ScramClient::on_server_first(std::string_view message) {
  const auto attrs = attributes(message);
  if (attrs.empty()) {
    return fail(sasl_errc::malformed_server_message, "server-first is not a list of a=value attributes");
  }
  if (attrs[0].first == 'm') {
    return fail(sasl_errc::mandatory_extension, "server-first starts with a mandatory extension (m=...)");
  }
  if (attrs.size() < 3 || attrs[0].first != 'r' || attrs[1].first != 's' || attrs[2].first != 'i') {
    return fail(sasl_errc::malformed_server_message, "server-first must start with r=, s= and i=");
  }
  const std::string_view nonce = attrs[0].second;
  if (!printable(nonce)) return fail(sasl_errc::malformed_server_message, "server-first nonce is not printable");
  if (nonce.size() <= nonce_.size() || nonce.substr(0, nonce_.size()) != nonce_) {
    return fail(sasl_errc::nonce_mismatch, "server-first nonce does not start with the client nonce and add to it");
  }
  auto salt = base64_decode(attrs[1].second);
  if (!salt || salt->empty()) return fail(sasl_errc::malformed_server_message, "server-first salt is not base64");
  const std::string_view count = attrs[2].second;
  std::uint64_t iterations = 0;
  auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), iterations);
  if (ec == std::errc::result_out_of_range) {
    return fail(sasl_errc::iteration_count_too_high, "server-first iteration count " + quoted(count));
  }
  if (ec != std::errc{} || end != count.data() + count.size()) {
    return fail(sasl_errc::malformed_server_message, "server-first iteration count " + quoted(count) +
                                                         " is not a number");
  }
  if (iterations < kScramMinIterations) {
    return fail(sasl_errc::iteration_count_too_low,
                "server-first iteration count " + std::to_string(iterations) + " (minimum 4096)");
  }
  if (iterations > kScramMaxIterations) {
    return fail(sasl_errc::iteration_count_too_high,
                "server-first iteration count " + std::to_string(iterations) + " (maximum 65536)");
  }

  const EVP_MD* md = digest(hash_);
  Bytes salted, client_key, stored_key, client_signature, server_key;
  const std::string without_proof = "c=biws,r=" + std::string(nonce);  // biws = base64("n,,")
  const std::string auth_message = client_first_bare_ + "," + std::string(message) + "," + without_proof;
  const bool ok = salted_password(md, password_, *salt, static_cast<std::uint32_t>(iterations), salted) &&
                  hmac(md, salted, bytes_of("Client Key"), client_key) && hash(md, client_key, stored_key) &&
                  hmac(md, stored_key, bytes_of(auth_message), client_signature) &&
                  hmac(md, salted, bytes_of("Server Key"), server_key) &&
                  hmac(md, server_key, bytes_of(auth_message), server_signature_);
  if (!ok || client_signature.size() != client_key.size()) {
    cleanse(salted);
    cleanse(client_key);
    return fail(sasl_errc::crypto_failure, "PBKDF2/HMAC failed");
  }
  Bytes proof(client_key.size());
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ client_signature[i];
  cleanse(salted);
  cleanse(client_key);
  cleanse(server_key);
  const std::string final_message = without_proof + ",p=" + base64_encode(proof);
  SaslStep s;
  s.message.assign(final_message.begin(), final_message.end());
  step_ = Step::sent_final;
  return s;
}

SaslStep ScramClient::on_server_final(std::string_view message) {
  const auto attrs = attributes(message);
  if (attrs.empty()) {
    return fail(sasl_errc::malformed_server_message, "server-final is not a list of a=value attributes");
  }
  if (attrs[0].first == 'e') return fail(sasl_errc::server_error, "server-final: e=" + quoted(attrs[0].second));
  if (attrs[0].first != 'v') return fail(sasl_errc::malformed_server_message, "server-final must start with v= or e=");
  auto signature = base64_decode(attrs[0].second);
  if (!signature) return fail(sasl_errc::malformed_server_message, "server-final signature is not base64");
  if (signature->size() != server_signature_.size() ||
      CRYPTO_memcmp(signature->data(), server_signature_.data(), server_signature_.size()) != 0) {
    return fail(sasl_errc::server_signature_mismatch, "server-final v= does not match the expected signature");
  }
  step_ = Step::done;
  server_signature_.clear();
  SaslStep s;
  s.done = true;
  return s;
}

}  // namespace sluice::net
