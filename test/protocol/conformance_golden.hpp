#pragma once
// What the conformance tests (conformance_*_test.cpp) share: access to the
// golden files that test/conformance/GoldenGenerator.java writes, the
// fixture values and case lists that mirror the generator, and byte
// comparisons that say where two encodings differ.
//
//   test/conformance/generate DIR && SLUICE_GOLDEN_DIR=DIR ctest -L conformance
//
// Every input mirrors the generator case by case (same names, same values,
// same per-version rules): change both together. The MANIFEST check
// (conformance_requests_test.cpp) fails if either side has a case the other
// lacks. Without SLUICE_GOLDEN_DIR every conformance test fails: none passes
// vacuously.
//
// Include it before anything else from Catch2 (it enables Catch2's optional
// printing).
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/headers.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"
#include "sluice/protocol/sasl.hpp"

namespace Catch {
template <>
struct StringMaker<sluice::protocol::Uuid> {
  static std::string convert(const sluice::protocol::Uuid& u) {
    std::ostringstream os;
    os << std::hex << std::setfill('0');
    for (auto b : u.bytes) os << std::setw(2) << static_cast<int>(b);
    return os.str();
  }
};
}  // namespace Catch

namespace sluice::test::conformance {

using namespace sluice::protocol;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Golden files
// ---------------------------------------------------------------------------

inline constexpr const char* kHowTo =
    "run `test/conformance/generate DIR` (needs Java 17 + Maven), then `SLUICE_GOLDEN_DIR=DIR ctest -L conformance`";

// The golden directory; fails the current test case if it is not usable.
inline fs::path golden_dir() {
  const char* env = std::getenv("SLUICE_GOLDEN_DIR");
  if (env == nullptr || *env == '\0') {
    FAIL("SLUICE_GOLDEN_DIR is not set: the conformance test needs the Java golden files; " << kHowTo);
  }
  fs::path dir(env);
  if (!fs::is_regular_file(dir / "MANIFEST")) {
    FAIL("SLUICE_GOLDEN_DIR=" << dir.string() << " has no MANIFEST; " << kHowTo);
  }
  return dir;
}

// Reads one golden file; nullopt (and a failed check) if it is missing.
inline std::optional<Bytes> golden(const std::string& name) {
  fs::path p = golden_dir() / name;
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    FAIL_CHECK("golden file missing: " << p.string() << " (regenerate: " << kHowTo << ")");
    return std::nullopt;
  }
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string hex(ByteView b, std::size_t from, std::size_t to) {
  std::ostringstream os;
  os << std::hex << std::setfill('0');
  to = std::min(to, b.size());
  for (std::size_t i = from; i < to; ++i) os << (i == from ? "" : " ") << std::setw(2) << static_cast<int>(b[i]);
  return os.str();
}

inline std::string hex_byte(ByteView b, std::size_t at) {
  if (at >= b.size()) return "(end)";
  return "0x" + hex(b, at, at + 1);
}

// Byte-for-byte comparison; on mismatch reports the first differing offset,
// both bytes and the bytes around it.
inline bool check_same_bytes(const std::string& what, ByteView java, ByteView sluice) {
  if (java.size() == sluice.size() && std::equal(java.begin(), java.end(), sluice.begin())) {
    SUCCEED(what << ": " << java.size() << " bytes identical");
    return true;
  }
  std::size_t n = std::min(java.size(), sluice.size());
  std::size_t at = static_cast<std::size_t>(std::mismatch(java.begin(), java.begin() + static_cast<std::ptrdiff_t>(n),
                                                          sluice.begin())
                                                .first -
                                            java.begin());
  std::size_t from = at < 8 ? 0 : at - 8;
  FAIL_CHECK(what << ": Sluice's bytes differ from Java's at offset " << at << ": java " << hex_byte(java, at)
                  << ", sluice " << hex_byte(sluice, at) << " (java " << java.size() << " bytes, sluice "
                  << sluice.size() << " bytes)\n  java   [" << from << "..]: " << hex(java, from, at + 16)
                  << "\n  sluice [" << from << "..]: " << hex(sluice, from, at + 16));
  return false;
}

inline Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline Uuid uuid(std::uint64_t hi, std::uint64_t lo) {
  Uuid u;
  for (int i = 0; i < 8; ++i) {
    u.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    u.bytes[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  return u;
}

// ---------------------------------------------------------------------------
// Shared inputs (mirror GoldenGenerator.java)
// ---------------------------------------------------------------------------

inline constexpr std::int64_t T0 = 1'700'000'000'000LL;
inline constexpr const char* kClientId = "sluice-conformance";
inline const Uuid U_ORDERS = uuid(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
inline const Uuid U_PAYMENTS = uuid(0x1111111111111111ULL, 0x2222222222222222ULL);
inline const Uuid U_METRICS = uuid(0x3333333333333333ULL, 0x4444444444444444ULL);
inline const Uuid U_CONSUMER = uuid(0x0000000000000001ULL, 0x0000000000000002ULL);
inline const Uuid U_GHOST = uuid(0x7fffffffffffffffULL, 0x8000000000000001ULL);
inline const Uuid ZERO{};
inline constexpr std::size_t kBigValueSize = 1u << 20;
inline constexpr std::size_t kSaslBinaryTokenSize = 300;

struct Api {
  const char* name;
  ApiKey key;
  std::int16_t min;
  std::int16_t max;
};
inline constexpr Api kApis[] = {
    {"produce", ApiKey::Produce, 3, 13},
    {"metadata", ApiKey::Metadata, 0, 13},
    {"apiversions", ApiKey::ApiVersions, 0, 4},
    {"initproducerid", ApiKey::InitProducerId, 0, 5},
    {"saslhandshake", ApiKey::SaslHandshake, 0, 1},
    {"saslauthenticate", ApiKey::SaslAuthenticate, 0, 2},
    {"createtopics", ApiKey::CreateTopics, 2, 7},
};
inline const Api& api(ApiKey key) {
  for (const auto& a : kApis) {
    if (a.key == key) return a;
  }
  throw std::logic_error("unknown api");
}

inline std::string vs(std::int16_t v) { return "v" + std::to_string(v); }

inline std::int32_t correlation_id(ApiKey key, std::int16_t v) {
  return 0x5A000000 | (static_cast<std::int32_t>(key) << 8) | v;
}

// Case lists, per version.
inline const std::vector<std::string> kHeaderCases = {"client", "nullclient", "emptyclient"};

inline std::vector<std::string> request_cases(ApiKey key, std::int16_t v) {
  switch (key) {
    case ApiKey::ApiVersions: return {"default", "custom"};
    case ApiKey::Metadata:
      if (v >= 10) return {"all", "empty", "named", "ids", "mixed"};
      return {"all", "empty", "named"};
    case ApiKey::Produce: return {"acks1", "acks0", "txn", "emptyrecords", "notopics"};
    case ApiKey::InitProducerId:
      if (v >= 3) return {"idempotent", "transactional", "bump"};
      return {"idempotent", "transactional"};
    case ApiKey::SaslHandshake: return {"plain", "scram"};
    case ApiKey::SaslAuthenticate: return {"empty", "plain", "binary"};
    case ApiKey::CreateTopics: return {"simple", "configs", "assignments", "notopics"};
    default: return {};
  }
}

inline std::vector<std::string> response_cases(ApiKey key, std::int16_t v) {
  std::vector<std::string> c;
  switch (key) {
    case ApiKey::ApiVersions:
      c = {"full", "error"};
      if (v >= 3) c.push_back("unknowntags");
      break;
    case ApiKey::Metadata:
      c = {"full", "minimal"};
      if (v >= 9) c.push_back("unknowntags");
      break;
    case ApiKey::Produce:
      c = {"full", "empty"};
      if (v >= 9) c.push_back("unknowntags");
      break;
    case ApiKey::InitProducerId:
      c = {"ok", "error"};
      if (v >= 2) c.push_back("unknowntags");
      break;
    case ApiKey::SaslHandshake: c = {"ok", "unsupported", "empty"}; break;
    case ApiKey::SaslAuthenticate:
      c = {"ok", "failed", "nullmessage"};
      if (v >= 2) c.push_back("unknowntags");
      break;
    case ApiKey::CreateTopics:
      c = {"ok", "errors"};
      if (v >= 5) c.push_back("unknowntags");
      break;
    default: break;
  }
  return c;
}

inline const std::vector<std::string> kUncompressedBatches = {"basic",       "nulls",      "empty",
                                                       "headers",     "bigvalue",   "timestamps",
                                                       "manyrecords", "idempotent", "transactional",
                                                       "mixed"};
inline const std::vector<std::pair<std::string, Compression>> kCodecs = {
    {"gzip", Compression::gzip}, {"snappy", Compression::snappy}, {"lz4", Compression::lz4}, {"zstd", Compression::zstd}};
inline const std::vector<std::string> kCompressedBatches = {"mixed", "bigvalue"};

struct BatchCase {
  std::string codec_name;
  Compression codec;
  std::string kase;
  std::string file() const { return "batch-" + codec_name + "-" + kase + ".bin"; }
};
inline std::vector<BatchCase> batch_cases() {
  std::vector<BatchCase> out;
  for (const auto& k : kUncompressedBatches) out.push_back({"none", Compression::none, k});
  for (const auto& [name, codec] : kCodecs) {
    for (const auto& k : kCompressedBatches) out.push_back({name, codec, k});
  }
  return out;
}

// "<kind>-<api>-v<N>[-<case>].bin": GoldenGenerator's file names.
inline std::string golden_file(const std::string& kind, const Api& a, std::int16_t v, const std::string& c = {}) {
  return kind + "-" + std::string(a.name) + "-" + vs(v) + (c.empty() ? "" : "-" + c) + ".bin";
}
inline std::string request_header_file(const Api& a, std::int16_t v, const std::string& c) {
  return golden_file("request-header", a, v, c);
}
inline std::string response_header_file(const Api& a, std::int16_t v) { return golden_file("response-header", a, v); }
inline std::string request_file(const Api& a, std::int16_t v, const std::string& c) {
  return golden_file("request", a, v, c);
}
inline std::string response_file(const Api& a, std::int16_t v, const std::string& c) {
  return golden_file("response", a, v, c);
}

// Every golden file the conformance tests read.
inline std::set<std::string> expected_files() {
  std::set<std::string> s;
  for (const auto& b : batch_cases()) s.insert(b.file());
  for (const auto& a : kApis) {
    for (std::int16_t v = a.min; v <= a.max; ++v) {
      for (const auto& c : kHeaderCases) s.insert(request_header_file(a, v, c));
      s.insert(response_header_file(a, v));
      for (const auto& c : request_cases(a.key, v)) s.insert(request_file(a, v, c));
      for (const auto& c : response_cases(a.key, v)) s.insert(response_file(a, v, c));
    }
  }
  return s;
}

// Compares optional byte strings without printing megabytes on mismatch.
inline void check_opt_bytes(const std::string& what, const std::optional<Bytes>& expected,
                            const std::optional<Bytes>& actual) {
  if (expected.has_value() != actual.has_value()) {
    FAIL_CHECK(what << ": expected " << (expected ? "non-null" : "null") << ", decoded "
                    << (actual ? "non-null" : "null"));
    return;
  }
  if (!expected) return;
  if (*expected == *actual) return;
  std::size_t n = std::min(expected->size(), actual->size());
  std::size_t at = 0;
  while (at < n && (*expected)[at] == (*actual)[at]) ++at;
  FAIL_CHECK(what << ": differs at byte " << at << " (expected " << expected->size() << " bytes: "
                  << hex(*expected, at, at + 16) << "; decoded " << actual->size() << " bytes: "
                  << hex(*actual, at, at + 16) << ")");
}

}  // namespace sluice::test::conformance
