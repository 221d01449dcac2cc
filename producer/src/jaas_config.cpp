#include "jaas_config.hpp"

#include <cctype>

namespace sluice::detail {

namespace {

constexpr std::string_view kPlainModule = "org.apache.kafka.common.security.plain.PlainLoginModule";
constexpr std::string_view kScramModule = "org.apache.kafka.common.security.scram.ScramLoginModule";
constexpr std::string_view kOAuthBearerModule = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

class JaasReader {
 public:
  explicit JaasReader(std::string_view text) : v_(text) {}
  void skip_space() {
    while (pos_ < v_.size() && std::isspace(static_cast<unsigned char>(v_[pos_]))) ++pos_;
  }
  bool at(char c) {
    skip_space();
    return pos_ < v_.size() && v_[pos_] == c;
  }
  void advance() { ++pos_; }
  bool at_end() {
    skip_space();
    return pos_ == v_.size();
  }
  std::string word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < v_.size() && !std::isspace(static_cast<unsigned char>(v_[pos_])) && v_[pos_] != '=' &&
           v_[pos_] != ';') {
      ++pos_;
    }
    return std::string(v_.substr(start, pos_ - start));
  }
  // A "quoted" value (backslash escapes) or a bare word; nullopt if a quote is not closed.
  std::optional<std::string> value() {
    if (!at('"')) return word();
    ++pos_;
    std::string out;
    while (pos_ < v_.size() && v_[pos_] != '"') {
      if (v_[pos_] == '\\' && pos_ + 1 < v_.size()) ++pos_;
      out += v_[pos_++];
    }
    if (pos_ >= v_.size()) return std::nullopt;
    ++pos_;
    return out;
  }

 private:
  std::string_view v_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<JaasCredentials> parse_jaas_config(std::string_view text, std::string& error) {
  JaasReader in(text);
  JaasCredentials out;
  const std::string module = in.word();
  if (module == kPlainModule) {
    out.scram = false;
  } else if (module == kScramModule) {
    out.scram = true;
  } else if (module == kOAuthBearerModule) {
    out.oauthbearer = true;
  } else {
    error = "the login module must be " + std::string(kPlainModule) + ", " + std::string(kScramModule) + " or " +
            std::string(kOAuthBearerModule) + " (GSSAPI is not supported)";
    return std::nullopt;
  }
  const std::string flag = in.word();
  if (flag != "required" && flag != "requisite" && flag != "sufficient" && flag != "optional") {
    error = "expected the control flag 'required' after the login module";
    return std::nullopt;
  }
  while (!in.at(';')) {
    const std::string key = in.word();
    if (key.empty() || !in.at('=')) {
      error = "expected key=\"value\" options ending with ';'";
      return std::nullopt;
    }
    in.advance();
    auto value = in.value();
    if (!value) {
      error = "a quoted value is not closed";
      return std::nullopt;
    }
    if (out.oauthbearer) {
      if (key == "clientId") {
        out.client_id = std::move(*value);
      } else if (key == "clientSecret") {
        out.client_secret = std::move(*value);
      } else if (key == "scope") {
        out.scope = std::move(*value);
      } else if (key.starts_with("extension_") && key.size() > 10) {
        out.extensions.emplace_back(key.substr(10), std::move(*value));
      } else if (key.starts_with("ssl.")) {
        // Java's OIDC login takes the token endpoint's TLS settings (ssl.truststore.*) from here.
        error = "an ssl.* option in the OAuthBearerLoginModule line (Java's TLS settings of the token endpoint): "
                "Sluice does not read TLS settings there; give the endpoint's CA as https.ca.location (a PEM "
                "file) or https.ca.pem instead";
        return std::nullopt;
      } else {
        // Java's unsecured-token options (unsecuredLoginStringClaim_sub, ...) build unsigned
        // tokens no secured cluster accepts. The name is not repeated: it may be part of a secret.
        error = "an OAuthBearerLoginModule option other than clientId, clientSecret, scope and extension_<name>";
        return std::nullopt;
      }
    } else if (key == "username") {
      out.username = std::move(*value);
    } else if (key == "password") {
      out.password = std::move(*value);
    } else {
      // The option's name is not repeated: in a garbled line it may be part of a password.
      error = "an option other than username and password (the only ones supported)";
      return std::nullopt;
    }
  }
  in.advance();
  if (!in.at_end()) {
    error = "text after the ';' that ends the login module (one module only)";
    return std::nullopt;
  }
  if (out.oauthbearer) {
    if (out.client_id.empty() != out.client_secret.empty()) {
      error = "clientId and clientSecret go together";
      return std::nullopt;
    }
    return out;
  }
  if (out.username.empty() || out.password.empty()) {
    error = "username and password are both required";
    return std::nullopt;
  }
  return out;
}

}  // namespace sluice::detail
