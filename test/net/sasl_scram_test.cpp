// ScramClient against RFC 5802 (SCRAM-SHA-1) and RFC 7677 (SCRAM-SHA-256)
// test vectors with the client nonce injected, a SCRAM-SHA-512 vector
// computed independently (Python's hashlib.pbkdf2_hmac and hmac), and
// every way a server message can be wrong.
#include <catch2/catch.hpp>
#include <string>

#include "sluice/net/sasl_error.hpp"
#include "sluice/net/sasl_scram.hpp"

using namespace sluice::net;

namespace {

std::string text(const std::vector<std::uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

// Runs start() and server-first; returns the client-final step.
SaslStep to_final(ScramClient& c, const std::string& server_first) {
  auto first = c.start();
  REQUIRE_FALSE(first.error);
  return c.on_server_message(bytes(server_first));
}

const std::string kRfc7677First =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

ScramClient rfc7677_client() { return ScramClient(ScramHash::sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO"); }

}  // namespace

TEST_CASE("SCRAM-SHA-1: RFC 5802 section 5 example") {
  ScramClient c(ScramHash::sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
  auto first = c.start();
  REQUIRE_FALSE(first.error);
  CHECK(text(first.message) == "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  auto final_step =
      c.on_server_message(bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
  REQUIRE_FALSE(final_step.error);
  CHECK_FALSE(final_step.done);
  CHECK(text(final_step.message) ==
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  auto done = c.on_server_message(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
  CHECK_FALSE(done.error);
  CHECK(done.done);
  CHECK(done.message.empty());
}

TEST_CASE("SCRAM-SHA-256: RFC 7677 section 3 example") {
  auto c = rfc7677_client();
  CHECK(std::string(c.name()) == "SCRAM-SHA-256");
  auto first = c.start();
  REQUIRE_FALSE(first.error);
  CHECK(text(first.message) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  auto final_step = c.on_server_message(bytes(kRfc7677First));
  REQUIRE_FALSE(final_step.error);
  CHECK(text(final_step.message) ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  auto done = c.on_server_message(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  CHECK_FALSE(done.error);
  CHECK(done.done);
}

TEST_CASE("SCRAM-SHA-512: a vector computed with Python's hashlib and hmac") {
  ScramClient c(ScramHash::sha512, "alice", "alice-secret", "clientNonce123");
  CHECK(std::string(c.name()) == "SCRAM-SHA-512");
  auto final_step = to_final(c, "r=clientNonce123serverNonce456,s=c2FsdHNhbHRzYWx0,i=4096");
  REQUIRE_FALSE(final_step.error);
  CHECK(text(final_step.message) ==
        "c=biws,r=clientNonce123serverNonce456,"
        "p=aUeQTWmgFYq2J7TLB920EKCfXL/gvRRqeqxstr+zinqD78jdKgipQP8Yq3z5aoXARrnNtyV8Cc5scmz0rDOeFQ==");
  auto done = c.on_server_message(bytes(
      "v=m+HfRjw14WPNMpa3vBmfDdX0ANXOchUQoCLmM66d95eh/7HpsFvWvVrILx06rhTaLWnsdVet3A8gLksXlb2QFg=="));
  CHECK_FALSE(done.error);
  CHECK(done.done);
}

TEST_CASE("SCRAM: a random nonce is 32 base64 characters and differs per client") {
  ScramClient a(ScramHash::sha512, "user", "pw");
  ScramClient b(ScramHash::sha512, "user", "pw");
  const std::string fa = text(a.start().message);
  const std::string fb = text(b.start().message);
  REQUIRE(fa.rfind("n,,n=user,r=", 0) == 0);
  CHECK(fa.size() == std::string("n,,n=user,r=").size() + 32);
  CHECK(fa != fb);
}

TEST_CASE("SCRAM: ',' and '=' in the user name are escaped") {
  ScramClient c(ScramHash::sha256, "a,b=c", "pw", "nonce");
  CHECK(text(c.start().message) == "n,,n=a=2Cb=3Dc,r=nonce");
}

TEST_CASE("SCRAM: the server signature is verified") {
  auto c = rfc7677_client();
  REQUIRE_FALSE(to_final(c, kRfc7677First).error);
  // One character changed: an impostor that does not know the password.
  auto step = c.on_server_message(bytes("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
  CHECK(step.error == sasl_errc::server_signature_mismatch);
  CHECK_FALSE(step.done);
  // And the exchange is over: no later message is accepted.
  CHECK(c.on_server_message(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).error ==
        sasl_errc::unexpected_message);
}

TEST_CASE("SCRAM: a signature of the wrong length is a mismatch, not a crash") {
  auto c = rfc7677_client();
  REQUIRE_FALSE(to_final(c, kRfc7677First).error);
  CHECK(c.on_server_message(bytes("v=AAAA")).error == sasl_errc::server_signature_mismatch);
}

TEST_CASE("SCRAM: server-final e= is the server's refusal") {
  auto c = rfc7677_client();
  REQUIRE_FALSE(to_final(c, kRfc7677First).error);
  auto step = c.on_server_message(bytes("e=invalid-proof"));
  CHECK(step.error == sasl_errc::server_error);
  CHECK(step.detail.find("invalid-proof") != std::string::npos);
}

TEST_CASE("SCRAM: iteration counts below 4096 or above 65536 are refused before any PBKDF2") {
  struct Case {
    std::string count;
    sasl_errc expected;
  };
  for (const auto& k : {Case{"4095", sasl_errc::iteration_count_too_low}, Case{"1", sasl_errc::iteration_count_too_low},
                        Case{"0", sasl_errc::iteration_count_too_low},
                        Case{"65537", sasl_errc::iteration_count_too_high},
                        Case{"2147483648", sasl_errc::iteration_count_too_high},
                        Case{"99999999999999999999999", sasl_errc::iteration_count_too_high}}) {
    INFO(k.count);
    auto c = rfc7677_client();
    auto step = to_final(c, "r=rOprNGfwEbeRWgbNEkqOserver,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + k.count);
    CHECK(step.error == k.expected);
    CHECK(step.message.empty());
  }
  auto c = rfc7677_client();
  CHECK_FALSE(to_final(c, "r=rOprNGfwEbeRWgbNEkqOserver,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=65536").error);
}

TEST_CASE("SCRAM: the server nonce must extend the client's") {
  for (const std::string nonce :
       {"somethingElse", "rOprNGfwEbeRWgbNEkqO", "rOprNGfwEbeRWgbNEkq", "XOprNGfwEbeRWgbNEkqOabc"}) {
    INFO(nonce);
    auto c = rfc7677_client();
    CHECK(to_final(c, "r=" + nonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").error == sasl_errc::nonce_mismatch);
  }
}

TEST_CASE("SCRAM: malformed server-first messages are errors") {
  const std::string n = "r=rOprNGfwEbeRWgbNEkqOsrv";
  for (const std::string& msg : {std::string(""), std::string("garbage"), n, n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==",
                                "s=W22ZaJ0SNY7soEsUEjb6gQ==," + n + ",i=4096",  // wrong order
                                n + ",s=not base64!,i=4096", n + ",s=,i=4096", n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=",
                                n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x", n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096",
                                n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=+4096", n + ",,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                                std::string("r=,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
                                std::string("r=rOprNGfwEbeRWgbNEkqO\x01,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")}) {
    INFO(msg);
    auto c = rfc7677_client();
    auto step = to_final(c, msg);
    CHECK(step.error == sasl_errc::malformed_server_message);
    CHECK(step.message.empty());
  }
}

TEST_CASE("SCRAM: a mandatory extension in server-first is refused") {
  auto c = rfc7677_client();
  CHECK(to_final(c, "m=ext," + kRfc7677First).error == sasl_errc::mandatory_extension);
}

TEST_CASE("SCRAM: extensions after i= are ignored") {
  auto c = rfc7677_client();
  auto step = to_final(c, kRfc7677First + ",x=whatever");
  CHECK_FALSE(step.error);
  CHECK_FALSE(step.message.empty());
}

TEST_CASE("SCRAM: malformed server-final messages are errors") {
  for (const std::string msg : {"", "x=1", "v=not base64!", "garbage"}) {
    INFO(msg);
    auto c = rfc7677_client();
    REQUIRE_FALSE(to_final(c, kRfc7677First).error);
    CHECK(c.on_server_message(bytes(msg)).error == sasl_errc::malformed_server_message);
  }
}

TEST_CASE("SCRAM: messages out of turn") {
  ScramClient c(ScramHash::sha512, "u", "p", "n");
  CHECK(c.on_server_message(bytes(kRfc7677First)).error == sasl_errc::unexpected_message);  // before start()
  ScramClient d(ScramHash::sha512, "u", "p", "n");
  REQUIRE_FALSE(d.start().error);
  CHECK(d.start().error == sasl_errc::unexpected_message);
}

TEST_CASE("SCRAM: an empty user name is refused before anything is sent") {
  ScramClient c(ScramHash::sha512, "", "p");
  auto step = c.start();
  CHECK(step.error == sasl_errc::invalid_credentials);
  CHECK(step.message.empty());
}

TEST_CASE("SCRAM: no error detail contains the password") {
  const std::string password = "hunter2-very-secret";
  for (const std::string msg : {"garbage", "r=x,s=AAAA,i=4096", "r=nonceX,s=AAAA,i=1"}) {
    ScramClient c(ScramHash::sha512, "user", password, "nonce");
    REQUIRE_FALSE(c.start().error);
    auto step = c.on_server_message(bytes(msg));
    REQUIRE(step.error);
    CHECK(step.detail.find(password) == std::string::npos);
    CHECK(step.error.message().find(password) == std::string::npos);
  }
}
