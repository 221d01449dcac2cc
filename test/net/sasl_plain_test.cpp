// SASL PLAIN (RFC 4616): the one message, and what it cannot carry.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_plain.hpp"

using namespace sluice::net;

TEST_CASE("PLAIN: one message with an empty authzid, then done on the server's answer") {
  SaslPlain p("alice", "alice-secret");
  CHECK(std::string(p.name()) == "PLAIN");
  auto first = p.start();
  REQUIRE_FALSE(first.error);
  CHECK_FALSE(first.done);
  const std::string expected("\0alice\0alice-secret", 19);
  CHECK(std::string(first.message.begin(), first.message.end()) == expected);
  auto done = p.on_server_message({});
  CHECK_FALSE(done.error);
  CHECK(done.done);
  CHECK(done.message.empty());
}

TEST_CASE("PLAIN: NUL in the user name or password cannot be carried") {
  for (const auto& [user, password] : {std::pair<std::string, std::string>{std::string("al\0ice", 6), "pw"},
                                       std::pair<std::string, std::string>{"alice", std::string("p\0w", 3)}}) {
    SaslPlain p(user, password);
    auto step = p.start();
    CHECK(step.error == sasl_errc::invalid_credentials);
    CHECK(step.message.empty());
  }
}

TEST_CASE("PLAIN: an empty user name is refused") {
  SaslPlain p("", "pw");
  CHECK(p.start().error == sasl_errc::invalid_credentials);
}

TEST_CASE("PLAIN: messages out of turn") {
  SaslPlain p("alice", "pw");
  CHECK(p.on_server_message({}).error == sasl_errc::unexpected_message);  // before start()
  SaslPlain q("alice", "pw");
  REQUIRE_FALSE(q.start().error);
  CHECK(q.start().error == sasl_errc::unexpected_message);
  REQUIRE(q.on_server_message({}).done);
  CHECK(q.on_server_message({}).error == sasl_errc::unexpected_message);
}
