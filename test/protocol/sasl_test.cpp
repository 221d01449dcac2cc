// SaslHandshake (key 17, v0-v1) and SaslAuthenticate (key 36, v0-v2) on bad
// input: every truncation of a valid response is an error naming the field
// the cut falls in (never a crash, never a success); bytes after a complete
// response are skipped and counted (decode_support.hpp, finish_response);
// bad lengths and unsupported versions are errors on encode and decode.
// (Byte-for-byte agreement with the Java client is in conformance_*_test.cpp.)
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/sasl.hpp"

using namespace sluice::protocol;

namespace {

using Span = std::span<const std::uint8_t>;

template <class T>
using Decoder = Result<T> (*)(Span, std::int16_t);

// A response body written field by field, remembering where each field
// starts and ends, so a cut can be mapped to the field it falls in.
struct Layout {
  struct Field {
    const char* name;
    std::size_t start;
    std::size_t end;
  };
  Bytes bytes;
  std::vector<Field> fields;

  template <class Write>
  Layout& add(const char* name, Write&& write) {
    std::size_t start = bytes.size();
    BufferWriter w(bytes);
    write(w);
    fields.push_back({name, start, bytes.size()});
    return *this;
  }
  // The field a body cut after `k` bytes breaks: the first one not complete.
  const Field& field_at(std::size_t k) const {
    for (const auto& f : fields) {
      if (k < f.end) return f;
    }
    FAIL("no field contains byte " << k);
    return fields.back();
  }
  // Where the first field called `name` starts (an array's count and its
  // elements share a name).
  std::size_t first_start(std::string_view name) const {
    for (const auto& f : fields) {
      if (name == f.name) return f.start;
    }
    return bytes.size();
  }
};

bool same(const SaslHandshakeResponse& a, const SaslHandshakeResponse& b) {
  return a.error_code == b.error_code && a.mechanisms == b.mechanisms;
}

bool same(const SaslAuthenticateResponse& a, const SaslAuthenticateResponse& b) {
  return a.error_code == b.error_code && a.error_message == b.error_message && a.auth_bytes == b.auth_bytes &&
         a.session_lifetime_ms == b.session_lifetime_ms;
}

// Every cut of a valid body (the first k bytes, for each k < size) is an
// error of the field the cut falls in, at an offset inside the cut and no
// earlier than that field (or, for an array element, the array's count,
// which a decoder may already find too large for what is left); one or more
// bytes after the body are skipped, counted, and change nothing decoded.
template <class T>
void check_cuts_and_trailing(Decoder<T> decode, const Layout& body, std::int16_t version) {
  INFO("version " << version << ", body " << body.bytes.size() << " bytes");
  auto whole = decode(body.bytes, version);
  REQUIRE(whole.ok());
  CHECK(whole.trailing_bytes_ignored() == 0);
  for (std::size_t k = 0; k < body.bytes.size(); ++k) {
    INFO("cut after " << k << " bytes");
    auto r = decode(Span(body.bytes).first(k), version);
    if (r.ok()) FAIL("decoded from the first " << k << " bytes");
    const DecodeError& e = r.error();
    const auto& f = body.field_at(k);
    INFO("error: " << e.message() << "; the cut falls in " << f.name << " [" << f.start << ", " << f.end << ")");
    CHECK((e.code == codec_errc::truncated || e.code == codec_errc::length_too_large));
    REQUIRE(e.field != nullptr);
    CHECK(std::string_view(e.field) == f.name);
    CHECK(e.offset >= body.first_start(f.name));
    CHECK(e.offset <= k);
  }
  for (std::size_t extra : {1u, 2u, 17u}) {
    INFO(extra << " trailing byte(s)");
    Bytes longer = body.bytes;
    longer.insert(longer.end(), extra, 0xab);
    auto r = decode(longer, version);
    REQUIRE(r.ok());
    CHECK(r.trailing_bytes_ignored() == extra);
    CHECK(same(whole.value(), r.value()));
  }
}

// ---- SaslHandshake bodies (never flexible) ----

Layout handshake_body(std::int16_t error_code, const std::vector<std::string>& mechanisms) {
  Layout l;
  l.add("ErrorCode", [&](BufferWriter& w) { w.int16(error_code); });
  l.add("Mechanisms", [&](BufferWriter& w) { w.array_length(mechanisms.size(), false); });
  for (const auto& m : mechanisms) l.add("Mechanisms", [&](BufferWriter& w) { w.string(m, false); });
  return l;
}

// ---- SaslAuthenticate bodies ----

struct RawTag {
  std::uint32_t tag;
  Bytes data;
};

Layout authenticate_body(std::int16_t version, std::int16_t error_code, std::optional<std::string_view> message,
                         Span auth_bytes, std::int64_t session_lifetime_ms, const std::vector<RawTag>& tags = {}) {
  const bool flex = version >= 2;
  Layout l;
  l.add("ErrorCode", [&](BufferWriter& w) { w.int16(error_code); });
  l.add("ErrorMessage", [&](BufferWriter& w) { w.nullable_string(message, flex); });
  l.add("AuthBytes", [&](BufferWriter& w) { w.bytes(auth_bytes, flex); });
  if (version >= 1) l.add("SessionLifetimeMs", [&](BufferWriter& w) { w.int64(session_lifetime_ms); });
  if (flex) {
    l.add("TaggedFields", [&](BufferWriter& w) {
      w.uvarint(tags.size());
      for (const auto& t : tags) {
        w.uvarint(t.tag);
        w.uvarint(t.data.size());
        w.raw(t.data);
      }
    });
  }
  return l;
}

// 300 bytes, every value 0x00-0xff: a 2-byte compact length at v2.
Bytes binary_token() {
  Bytes t(300);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<std::uint8_t>((i * 37 + 11) & 0xff);
  return t;
}

Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A body whose first bytes are `prefix` and then zeros: for length checks.
Bytes with_prefix(std::initializer_list<std::uint8_t> prefix, std::size_t zeros = 16) {
  Bytes b(prefix);
  b.insert(b.end(), zeros, 0);
  return b;
}

template <class T>
void check_error(const Result<T>& r, codec_errc code, std::string_view field, std::size_t offset) {
  REQUIRE_FALSE(r.ok());
  INFO("error: " << r.error().message());
  CHECK(r.error().code == code);
  CHECK(std::string_view(r.error().field) == field);
  CHECK(r.error().offset == offset);
}

}  // namespace

// ---------------------------------------------------------------------------
// SaslHandshake
// ---------------------------------------------------------------------------

TEST_CASE("SaslHandshake response: every truncation names the field, trailing bytes are skipped and counted") {
  for (std::int16_t v = 0; v <= 1; ++v) {
    SECTION("mechanism list, v" + std::to_string(v)) {
      auto body = handshake_body(0, {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"});
      auto ok = decode_sasl_handshake_response(body.bytes, v);
      REQUIRE(ok.ok());
      CHECK(ok->error_code == 0);
      CHECK(ok->mechanisms == std::vector<std::string>{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"});
      check_cuts_and_trailing(&decode_sasl_handshake_response, body, v);
    }
    SECTION("UNSUPPORTED_SASL_MECHANISM with the list, v" + std::to_string(v)) {
      check_cuts_and_trailing(&decode_sasl_handshake_response, handshake_body(33, {"GSSAPI", "PLAIN"}), v);
    }
    SECTION("empty list, v" + std::to_string(v)) {
      auto body = handshake_body(33, {});
      auto ok = decode_sasl_handshake_response(body.bytes, v);
      REQUIRE(ok.ok());
      CHECK(ok->error_code == 33);
      CHECK(ok->mechanisms.empty());
      check_cuts_and_trailing(&decode_sasl_handshake_response, body, v);
    }
    SECTION("an empty mechanism name, v" + std::to_string(v)) {
      check_cuts_and_trailing(&decode_sasl_handshake_response, handshake_body(0, {"", "PLAIN"}), v);
    }
  }
}

TEST_CASE("SaslHandshake response: bad lengths are errors") {
  for (std::int16_t v = 0; v <= 1; ++v) {
    INFO("v" << v);
    // Mechanisms: a null array (-1) is not allowed, nor below -1.
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0xff, 0xff, 0xff, 0xff}), v),
                codec_errc::negative_length, "Mechanisms", 2);
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0xff, 0xff, 0xff, 0xfe}), v),
                codec_errc::negative_length, "Mechanisms", 2);
    // More mechanisms than bytes could hold (2 bytes each at least).
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0x7f, 0xff, 0xff, 0xff}), v),
                codec_errc::length_too_large, "Mechanisms", 2);
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0, 0, 0, 9}, 16), v), codec_errc::length_too_large,
                "Mechanisms", 2);
    // A null mechanism name (-1) and a name longer than the body.
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0, 0, 0, 1, 0xff, 0xff}, 0), v),
                codec_errc::negative_length, "Mechanisms", 6);
    check_error(decode_sasl_handshake_response(with_prefix({0, 0, 0, 0, 0, 1, 0x00, 0x05, 'P', 'L'}, 0), v),
                codec_errc::length_too_large, "Mechanisms", 6);
    // An empty body.
    check_error(decode_sasl_handshake_response(Span{}, v), codec_errc::truncated, "ErrorCode", 0);
  }
}

TEST_CASE("SaslHandshake: versions outside v0-v1 are errors on encode and decode") {
  REQUIRE(supported_versions(ApiKey::SaslHandshake).min == 0);
  REQUIRE(supported_versions(ApiKey::SaslHandshake).max == 1);
  const auto body = handshake_body(0, {"PLAIN"}).bytes;
  for (std::int16_t v : {std::int16_t{2}, std::int16_t{3}, std::int16_t{-1}, std::int16_t{INT16_MAX}}) {
    INFO("v" << v);
    Bytes out;
    BufferWriter w(out);
    CHECK(encode(SaslHandshakeRequest{"PLAIN"}, w, v) == codec_errc::unsupported_version);
    CHECK(out.empty());  // nothing half-written
    auto r = decode_sasl_handshake_response(body, v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::unsupported_version);
    CHECK(std::string_view(r.error().field) == "SaslHandshakeResponse");
  }
  for (std::int16_t v = 0; v <= 1; ++v) {
    INFO("v" << v);
    Bytes out;
    BufferWriter w(out);
    CHECK_FALSE(encode(SaslHandshakeRequest{"SCRAM-SHA-512"}, w, v));
    CHECK(out == Bytes{0x00, 0x0d, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '5', '1', '2'});
    CHECK(decode_sasl_handshake_response(body, v).ok());
  }
}

// ---------------------------------------------------------------------------
// SaslAuthenticate
// ---------------------------------------------------------------------------

TEST_CASE("SaslAuthenticate response: every truncation names the field, trailing bytes are skipped and counted") {
  const Bytes token = binary_token();
  const Bytes server_final = str("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  for (std::int16_t v = 0; v <= 2; ++v) {
    const std::int64_t lifetime = v >= 1 ? 3'600'000 : 0;
    SECTION("success with server bytes, v" + std::to_string(v)) {
      auto body = authenticate_body(v, 0, std::nullopt, server_final, lifetime);
      auto ok = decode_sasl_authenticate_response(body.bytes, v);
      REQUIRE(ok.ok());
      CHECK(ok->error_code == 0);
      CHECK_FALSE(ok->error_message.has_value());
      CHECK(ok->auth_bytes == server_final);
      CHECK(ok->session_lifetime_ms == lifetime);
      check_cuts_and_trailing(&decode_sasl_authenticate_response, body, v);
    }
    SECTION("success with a 300-byte binary token and an empty error message, v" + std::to_string(v)) {
      auto body = authenticate_body(v, 0, "", token, lifetime);
      auto ok = decode_sasl_authenticate_response(body.bytes, v);
      REQUIRE(ok.ok());
      CHECK(ok->error_message == std::optional<std::string>(""));
      CHECK(ok->auth_bytes == token);
      check_cuts_and_trailing(&decode_sasl_authenticate_response, body, v);
    }
    SECTION("SASL_AUTHENTICATION_FAILED with a message, v" + std::to_string(v)) {
      auto body = authenticate_body(v, 58, "Authentication failed: Invalid username or password", Span{}, 0);
      auto ok = decode_sasl_authenticate_response(body.bytes, v);
      REQUIRE(ok.ok());
      CHECK(ok->error_code == 58);
      CHECK(ok->error_message == std::optional<std::string>("Authentication failed: Invalid username or password"));
      CHECK(ok->auth_bytes.empty());
      check_cuts_and_trailing(&decode_sasl_authenticate_response, body, v);
    }
    if (v >= 2) {
      SECTION("unknown tagged fields, v" + std::to_string(v)) {
        auto body = authenticate_body(v, 0, std::nullopt, server_final, lifetime,
                                      {{1, {}}, {42, {0x01, 0x02, 0x03}}, {200, Bytes(130, 0x5a)}});
        auto ok = decode_sasl_authenticate_response(body.bytes, v);
        REQUIRE(ok.ok());
        CHECK(ok->auth_bytes == server_final);
        CHECK(ok->session_lifetime_ms == lifetime);
        check_cuts_and_trailing(&decode_sasl_authenticate_response, body, v);
      }
    }
  }
}

TEST_CASE("SaslAuthenticate response: bad lengths are errors") {
  SECTION("v0-v1: int16 string and int32 bytes lengths") {
    for (std::int16_t v = 0; v <= 1; ++v) {
      INFO("v" << v);
      // ErrorMessage below -1; longer than the body.
      check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0xff, 0xfe}), v), codec_errc::negative_length,
                  "ErrorMessage", 2);
      check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0x7f, 0xff}), v), codec_errc::length_too_large,
                  "ErrorMessage", 2);
      // AuthBytes null (-1: not nullable), below -1, longer than the body.
      check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), v),
                  codec_errc::negative_length, "AuthBytes", 4);
      check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0xff, 0xff, 0x80, 0, 0, 0}), v),
                  codec_errc::negative_length, "AuthBytes", 4);
      check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}), v),
                  codec_errc::length_too_large, "AuthBytes", 4);
    }
  }
  SECTION("v2: compact lengths") {
    // ErrorMessage longer than the body; a varint that never ends.
    check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0x7f}), 2), codec_errc::length_too_large,
                "ErrorMessage", 2);
    check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), 2),
                codec_errc::varint_too_long, "ErrorMessage", 2);
    // AuthBytes null (compact 0: not nullable) and longer than the body.
    check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0, 0}), 2), codec_errc::negative_length,
                "AuthBytes", 3);
    check_error(decode_sasl_authenticate_response(with_prefix({0, 0, 0, 0x80, 0x02}), 2),
                codec_errc::length_too_large, "AuthBytes", 3);
    // A tagged field longer than what is left.
    Bytes b = authenticate_body(2, 0, std::nullopt, Span{}, 0).bytes;
    b.back() = 1;  // one tagged field...
    b.insert(b.end(), {0x05, 0x09, 0x00});  // tag 5, 9 bytes, only 1 there
    check_error(decode_sasl_authenticate_response(b, 2), codec_errc::length_too_large, "TaggedFields", b.size() - 3);
  }
}

TEST_CASE("SaslAuthenticate: versions outside v0-v2 are errors on encode and decode") {
  REQUIRE(supported_versions(ApiKey::SaslAuthenticate).min == 0);
  REQUIRE(supported_versions(ApiKey::SaslAuthenticate).max == 2);
  const Bytes token = str(std::string_view("\0alice\0secret", 13));
  const auto body = authenticate_body(2, 0, std::nullopt, token, 0).bytes;
  for (std::int16_t v : {std::int16_t{3}, std::int16_t{4}, std::int16_t{-1}, std::int16_t{INT16_MAX}}) {
    INFO("v" << v);
    Bytes out;
    BufferWriter w(out);
    CHECK(encode(SaslAuthenticateRequest{token}, w, v) == codec_errc::unsupported_version);
    CHECK(out.empty());  // nothing half-written
    auto r = decode_sasl_authenticate_response(body, v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == codec_errc::unsupported_version);
    CHECK(std::string_view(r.error().field) == "SaslAuthenticateResponse");
  }
  SECTION("the supported versions encode the token with the right length prefix") {
    for (std::int16_t v = 0; v <= 2; ++v) {
      INFO("v" << v);
      Bytes out;
      BufferWriter w(out);
      REQUIRE_FALSE(encode(SaslAuthenticateRequest{token}, w, v));
      Bytes expected = v >= 2 ? Bytes{14} : Bytes{0, 0, 0, 13};
      expected.insert(expected.end(), token.begin(), token.end());
      if (v >= 2) expected.push_back(0);  // no tagged fields
      CHECK(out == expected);
    }
    CHECK(decode_sasl_authenticate_response(body, 2).ok());
  }
}
