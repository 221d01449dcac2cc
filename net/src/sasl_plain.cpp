#include "sluice/net/sasl_plain.hpp"

#include <openssl/crypto.h>

#include "sluice/net/sasl_error.hpp"

namespace sluice::net {

SaslPlain::SaslPlain(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {}

SaslPlain::~SaslPlain() {
  // The password does not outlive the exchange in this object's memory.
  if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
}

SaslStep SaslPlain::start() {
  SaslStep s;
  if (step_ != Step::initial) {
    s.error = sasl_errc::unexpected_message;
    s.detail = "PLAIN started twice";
    return s;
  }
  // RFC 4616: the fields are UTF-8 without NUL (NUL separates them), the
  // user name is not empty.
  if (username_.empty()) {
    s.error = sasl_errc::invalid_credentials;
    s.detail = "sasl.username is empty";
    return s;
  }
  if (username_.find('\0') != std::string::npos || password_.find('\0') != std::string::npos) {
    s.error = sasl_errc::invalid_credentials;
    s.detail = "sasl.username and sasl.password must not contain a NUL character for PLAIN";
    return s;
  }
  s.message.reserve(username_.size() + password_.size() + 2);
  s.message.push_back(0);  // empty authzid
  s.message.insert(s.message.end(), username_.begin(), username_.end());
  s.message.push_back(0);
  s.message.insert(s.message.end(), password_.begin(), password_.end());
  step_ = Step::sent;
  return s;
}

SaslStep SaslPlain::on_server_message(std::span<const std::uint8_t>) {
  SaslStep s;
  if (step_ != Step::sent) {
    s.error = sasl_errc::unexpected_message;
    s.detail = "a PLAIN server message after the exchange ended";
    return s;
  }
  step_ = Step::done;
  s.done = true;
  return s;
}

}  // namespace sluice::net
