#include "sluice/net/sasl_oauthbearer.hpp"

#include <openssl/crypto.h>

#include <cctype>

#include "sluice/net/sasl_error.hpp"

namespace sluice::net {

namespace {

constexpr char kSep = '\x01';

bool b64token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

bool value_char(char c) { return (c >= 0x21 && c <= 0x7E) || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string oauthbearer_syntax_problem(const std::string& token,
                                       const std::vector<std::pair<std::string, std::string>>& extensions) {
  std::size_t i = 0;
  while (i < token.size() && b64token_char(token[i])) ++i;
  const std::size_t body = i;
  while (i < token.size() && token[i] == '=') ++i;
  if (token.empty()) return "the token is empty";
  if (body == 0 || i != token.size()) {
    return "the token is not a bearer token (RFC 6750 b64token: letters, digits, - . _ ~ + / and trailing =)";
  }
  for (const auto& [key, value] : extensions) {
    bool alpha = !key.empty();
    for (char c : key) alpha = alpha && std::isalpha(static_cast<unsigned char>(c));
    if (!alpha) return "SASL extension name '" + key + "' is not letters only (RFC 7628)";
    if (key == "auth") return "SASL extension name 'auth' is reserved for the token (RFC 7628)";
    for (char c : value) {
      if (!value_char(c)) return "SASL extension '" + key + "' has a value with a control character (RFC 7628)";
    }
  }
  return {};
}

SaslOAuthBearer::SaslOAuthBearer(std::string token, std::vector<std::pair<std::string, std::string>> extensions,
                                 std::string principal)
    : token_(std::move(token)), extensions_(std::move(extensions)), principal_(std::move(principal)) {}

SaslOAuthBearer::~SaslOAuthBearer() {
  if (!token_.empty()) OPENSSL_cleanse(token_.data(), token_.size());
}

SaslStep SaslOAuthBearer::start() {
  SaslStep s;
  if (step_ != Step::initial) {
    s.error = sasl_errc::unexpected_message;
    s.detail = "OAUTHBEARER started twice";
    return s;
  }
  if (auto problem = oauthbearer_syntax_problem(token_, extensions_); !problem.empty()) {
    s.error = sasl_errc::invalid_token;
    s.detail = std::move(problem);
    return s;
  }
  std::string m = "n,,";
  m += kSep;
  m += "auth=Bearer " + token_;
  m += kSep;
  for (const auto& [key, value] : extensions_) {
    m += key + "=" + value;
    m += kSep;
  }
  m += kSep;
  s.message.assign(m.begin(), m.end());
  OPENSSL_cleanse(m.data(), m.size());
  step_ = Step::sent;
  return s;
}

SaslStep SaslOAuthBearer::on_server_message(std::span<const std::uint8_t> message) {
  SaslStep s;
  if (step_ == Step::sent && message.empty()) {
    step_ = Step::done;
    s.done = true;
    return s;
  }
  if (step_ == Step::sent) {
    // The broker's error JSON: acknowledged with \x01, after which it fails the exchange.
    server_error_.clear();
    for (std::size_t i = 0; i < message.size() && i < 400; ++i) {
      const char c = static_cast<char>(message[i]);
      server_error_ += (c >= 0x20 && c <= 0x7E) ? c : '?';
    }
    step_ = Step::answered_error;
    s.message = {static_cast<std::uint8_t>(kSep)};
    return s;
  }
  if (step_ == Step::answered_error) {  // the broker should have failed the exchange instead
    s.error = sasl_errc::server_error;
    s.detail = "the broker refused the token: " + server_error_;
    return s;
  }
  s.error = sasl_errc::unexpected_message;
  s.detail = "an OAUTHBEARER server message after the exchange ended";
  return s;
}

std::string SaslOAuthBearer::refusal_hint() const {
  std::string hint = "; ";
  if (!server_error_.empty()) hint += "the broker's verdict: " + server_error_ + "; ";
  hint += "check that the token";
  if (!principal_.empty()) hint += " (for '" + principal_ + "')";
  hint += " is valid for this cluster: not expired, and its issuer, audience, scope and signing key are the ones "
          "the broker's OAUTHBEARER validator expects";
  return hint;
}

}  // namespace sluice::net
