#pragma once
// Java's sasl.jaas.config, the part Sluice understands:
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret";
//   org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="secret";
//   org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required
//       clientId="id" clientSecret="secret" scope="s" extension_<name>="value";
// (the OAuthBearerLoginModule line may also have no option: tokens then
// come from elsewhere).
// Values are quoted (backslash escapes the next character) or bare words.
// Any other login module or option is refused. Error texts never contain
// the value: it holds a password.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

struct JaasCredentials {
  bool scram = false;        // ScramLoginModule (SCRAM-SHA-256/512); else PlainLoginModule
  bool oauthbearer = false;  // OAuthBearerLoginModule: the fields below, no username/password
  std::string username;
  std::string password;
  std::string client_id;      // clientId
  std::string client_secret;  // clientSecret
  std::string scope;          // scope
  std::vector<std::pair<std::string, std::string>> extensions;  // extension_<name>="value"
};

// The credentials, or nullopt with `error` saying what is wrong.
std::optional<JaasCredentials> parse_jaas_config(std::string_view text, std::string& error);

}  // namespace sluice::detail
