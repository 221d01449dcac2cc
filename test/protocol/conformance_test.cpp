// Conformance with the Java client (kafka-clients, the version in
// test/conformance/pom.xml): Sluice must encode requests and record batches
// byte for byte as Java does, and decode what Java writes.
//
// The golden files are written by test/conformance/GoldenGenerator.java:
//   test/conformance/generate DIR && SLUICE_GOLDEN_DIR=DIR ctest -L conformance
// Every input below mirrors that generator case by case (same names, same
// values, same per-version rules): change both together. The MANIFEST check
// fails if either side has a case the other lacks.
//
// Without SLUICE_GOLDEN_DIR every test here fails: it never passes vacuously.
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
#include "sluice/protocol/headers.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"
#include "sluice/protocol/sasl.hpp"

using namespace sluice::protocol;
namespace fs = std::filesystem;

namespace Catch {
template <>
struct StringMaker<Uuid> {
  static std::string convert(const Uuid& u) {
    std::ostringstream os;
    os << std::hex << std::setfill('0');
    for (auto b : u.bytes) os << std::setw(2) << static_cast<int>(b);
    return os.str();
  }
};
}  // namespace Catch

namespace {

// ---------------------------------------------------------------------------
// Golden files
// ---------------------------------------------------------------------------

constexpr const char* kHowTo =
    "run `test/conformance/generate DIR` (needs Java 17 + Maven), then `SLUICE_GOLDEN_DIR=DIR ctest -L conformance`";

// The golden directory; fails the current test case if it is not usable.
fs::path golden_dir() {
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
std::optional<Bytes> golden(const std::string& name) {
  fs::path p = golden_dir() / name;
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    FAIL_CHECK("golden file missing: " << p.string() << " (regenerate: " << kHowTo << ")");
    return std::nullopt;
  }
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string hex(ByteView b, std::size_t from, std::size_t to) {
  std::ostringstream os;
  os << std::hex << std::setfill('0');
  to = std::min(to, b.size());
  for (std::size_t i = from; i < to; ++i) os << (i == from ? "" : " ") << std::setw(2) << static_cast<int>(b[i]);
  return os.str();
}

std::string hex_byte(ByteView b, std::size_t at) {
  if (at >= b.size()) return "(end)";
  return "0x" + hex(b, at, at + 1);
}

// Byte-for-byte comparison; on mismatch reports the first differing offset,
// both bytes and the bytes around it.
bool check_same_bytes(const std::string& what, ByteView java, ByteView sluice) {
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

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

Uuid uuid(std::uint64_t hi, std::uint64_t lo) {
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

constexpr std::int64_t T0 = 1'700'000'000'000LL;
constexpr const char* kClientId = "sluice-conformance";
const Uuid U_ORDERS = uuid(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
const Uuid U_PAYMENTS = uuid(0x1111111111111111ULL, 0x2222222222222222ULL);
const Uuid U_METRICS = uuid(0x3333333333333333ULL, 0x4444444444444444ULL);
const Uuid U_CONSUMER = uuid(0x0000000000000001ULL, 0x0000000000000002ULL);
const Uuid U_GHOST = uuid(0x7fffffffffffffffULL, 0x8000000000000001ULL);
const Uuid ZERO{};
constexpr std::size_t kBigValueSize = 1u << 20;
constexpr std::size_t kSaslBinaryTokenSize = 300;

struct Api {
  const char* name;
  ApiKey key;
  std::int16_t min;
  std::int16_t max;
};
constexpr Api kApis[] = {
    {"produce", ApiKey::Produce, 3, 13},
    {"metadata", ApiKey::Metadata, 0, 13},
    {"apiversions", ApiKey::ApiVersions, 0, 4},
    {"initproducerid", ApiKey::InitProducerId, 0, 5},
    {"saslhandshake", ApiKey::SaslHandshake, 0, 1},
    {"saslauthenticate", ApiKey::SaslAuthenticate, 0, 2},
};
const Api& api(ApiKey key) {
  for (const auto& a : kApis) {
    if (a.key == key) return a;
  }
  throw std::logic_error("unknown api");
}

std::string vs(std::int16_t v) { return "v" + std::to_string(v); }

std::int32_t correlation_id(ApiKey key, std::int16_t v) {
  return 0x5A000000 | (static_cast<std::int32_t>(key) << 8) | v;
}

// Case lists, per version.
const std::vector<std::string> kHeaderCases = {"client", "nullclient", "emptyclient"};

std::vector<std::string> request_cases(ApiKey key, std::int16_t v) {
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
    default: return {};
  }
}

std::vector<std::string> response_cases(ApiKey key, std::int16_t v) {
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
    default: break;
  }
  return c;
}

const std::vector<std::string> kUncompressedBatches = {"basic",       "nulls",      "empty",
                                                       "headers",     "bigvalue",   "timestamps",
                                                       "manyrecords", "idempotent", "transactional",
                                                       "mixed"};
const std::vector<std::pair<std::string, Compression>> kCodecs = {
    {"gzip", Compression::gzip}, {"snappy", Compression::snappy}, {"lz4", Compression::lz4}, {"zstd", Compression::zstd}};
const std::vector<std::string> kCompressedBatches = {"mixed", "bigvalue"};

struct BatchCase {
  std::string codec_name;
  Compression codec;
  std::string kase;
  std::string file() const { return "batch-" + codec_name + "-" + kase + ".bin"; }
};
std::vector<BatchCase> batch_cases() {
  std::vector<BatchCase> out;
  for (const auto& k : kUncompressedBatches) out.push_back({"none", Compression::none, k});
  for (const auto& [name, codec] : kCodecs) {
    for (const auto& k : kCompressedBatches) out.push_back({name, codec, k});
  }
  return out;
}

std::string request_header_file(const Api& a, std::int16_t v, const std::string& c) {
  return "request-header-" + std::string(a.name) + "-" + vs(v) + "-" + c + ".bin";
}
std::string response_header_file(const Api& a, std::int16_t v) {
  return "response-header-" + std::string(a.name) + "-" + vs(v) + ".bin";
}
std::string request_file(const Api& a, std::int16_t v, const std::string& c) {
  return "request-" + std::string(a.name) + "-" + vs(v) + "-" + c + ".bin";
}
std::string response_file(const Api& a, std::int16_t v, const std::string& c) {
  return "response-" + std::string(a.name) + "-" + vs(v) + "-" + c + ".bin";
}

// Every golden file this test reads.
std::set<std::string> expected_files() {
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

// ---- Record batches ----

struct Hdr {
  std::string key;
  std::optional<Bytes> value;
};
struct Rec {
  std::int64_t ts;
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  std::vector<Hdr> headers;
};

std::optional<Bytes> ob(const char* s) {
  if (s == nullptr) return std::nullopt;
  return bytes_of(s);
}
Rec rec(std::int64_t ts, const char* key, const char* value, std::vector<Hdr> headers = {}) {
  return Rec{ts, ob(key), ob(value), std::move(headers)};
}

Bytes big_value() {
  Bytes v(kBigValueSize);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>((i * 31 + 7) & 0xff);
  return v;
}

std::vector<Rec> batch_records(const std::string& kase) {
  std::vector<Rec> r;
  if (kase == "basic" || kase == "idempotent") {
    r.push_back(rec(T0, "k0", "v0"));
    r.push_back(rec(T0 + 1, "k1", "v1"));
    r.push_back(rec(T0 + 2, "k2", "value-2"));
  } else if (kase == "nulls") {
    r.push_back(rec(T0, nullptr, "value-without-key"));
    r.push_back(rec(T0, "tombstone-key", nullptr));
    r.push_back(rec(T0, nullptr, nullptr));
  } else if (kase == "empty") {
    r.push_back(rec(T0, "", ""));
  } else if (kase == "headers") {
    r.push_back(rec(T0, "k0", "v0"));
    r.push_back(rec(T0 + 10, "k1", "v1",
                    {{"trace-id", bytes_of("abc123")},
                     {"null-header", std::nullopt},
                     {"", bytes_of("empty-key")},
                     {"bin", Bytes{0x00, 0xff, 0x80, 0x7f}}}));
    r.push_back(rec(T0 + 20, nullptr, "v2", {{"dup", bytes_of("1")}, {"dup", bytes_of("2")}}));
  } else if (kase == "bigvalue") {
    r.push_back(Rec{T0, bytes_of("big"), big_value(), {}});
  } else if (kase == "timestamps") {
    r.push_back(rec(T0, "a", "1"));
    r.push_back(rec(T0 - 5000, "b", "2"));
    r.push_back(rec(T0 + 3'000'000'000LL, "c", "3"));
    r.push_back(rec(0, "d", "4"));
  } else if (kase == "manyrecords") {
    for (int i = 0; i < 200; ++i) {
      r.push_back(Rec{T0 + i * 1000LL, bytes_of("key-" + std::to_string(i)), bytes_of("value-" + std::to_string(i)), {}});
    }
  } else if (kase == "transactional") {
    r.push_back(rec(T0, "tk", "tv"));
  } else if (kase == "mixed") {
    for (int i = 0; i < 50; ++i) {
      std::optional<Bytes> key;
      if (i % 5 != 0) key = bytes_of("key-" + std::to_string(i));
      std::string value = "value-" + std::to_string(i) + "-";
      for (int k = 0; k < i % 4; ++k) value += "abcdefgh";
      std::vector<Hdr> hs;
      if (i % 7 == 0) hs = {{"h", bytes_of("x" + std::to_string(i))}, {"n", std::nullopt}};
      r.push_back(Rec{T0 + i, key, bytes_of(value), hs});
    }
  }
  return r;
}

struct ProducerState {
  std::int64_t id;
  std::int16_t epoch;
  std::int32_t base_sequence;
  bool transactional;
};
std::optional<ProducerState> producer_state(const std::string& codec, const std::string& kase) {
  if (kase == "idempotent") return ProducerState{123456789, 5, 42, false};
  if (kase == "transactional") return ProducerState{987654321, 0, 0, true};
  if (kase == "mixed" && codec != "none") return ProducerState{555, 1, 100, false};
  return std::nullopt;
}

// Builds the batch with Sluice's RecordBatchBuilder (compressed with `codec`
// unless none); nullopt if finish(codec) fails.
std::optional<Bytes> build_batch(const std::vector<Rec>& recs, const std::optional<ProducerState>& ps,
                                 Compression codec, std::error_code* error = nullptr) {
  RecordBatchBuilder b;
  if (ps && ps->transactional) b.set_transactional(true);
  auto view = [](const std::optional<Bytes>& v) -> std::optional<ByteView> {
    if (!v) return std::nullopt;
    return ByteView(*v);
  };
  for (const auto& r : recs) {
    std::vector<RecordHeaderView> hv;
    for (const auto& h : r.headers) hv.push_back({h.key, view(h.value)});
    b.append(r.ts, view(r.key), view(r.value), hv);
  }
  if (codec == Compression::none) {
    b.finish();
  } else if (auto ec = b.finish(codec)) {
    if (error != nullptr) *error = ec;
    return std::nullopt;
  }
  if (ps) b.set_producer_state(ps->id, ps->epoch, ps->base_sequence);
  auto bytes = b.bytes();
  return Bytes(bytes.begin(), bytes.end());
}

// Compares optional byte strings without printing megabytes on mismatch.
void check_opt_bytes(const std::string& what, const std::optional<Bytes>& expected, const std::optional<Bytes>& actual) {
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

// ---- Request inputs ----

RequestHeader request_header(ApiKey key, std::int16_t v, const std::string& c) {
  RequestHeader h;
  h.api_key = key;
  h.api_version = v;
  if (c == "client") {
    h.correlation_id = correlation_id(key, v);
    h.client_id = kClientId;
  } else if (c == "nullclient") {
    h.correlation_id = 0;
    h.client_id = std::nullopt;
  } else {
    h.correlation_id = INT32_MAX;
    h.client_id = "";
  }
  return h;
}

ApiVersionsRequest api_versions_request(const std::string& c) {
  ApiVersionsRequest m;
  if (c == "default") {
    m.client_software_name = "sluice";
    m.client_software_version = "0.1.0";
  } else {
    m.client_software_name = "apache-kafka-java";
    m.client_software_version = "4.3.1-SNAPSHOT.x";
  }
  return m;
}

MetadataRequest::Topic mt(Uuid id, std::optional<std::string> name) { return {id, std::move(name)}; }

MetadataRequest metadata_request(const std::string& c, std::int16_t v) {
  MetadataRequest m;
  if (c == "all") {
    m.topics = std::nullopt;  // Sluice sends an empty array at v0, as Java's v0 "all"
    m.allow_auto_topic_creation = true;
  } else if (c == "empty") {
    m.topics = std::vector<MetadataRequest::Topic>{};
    m.allow_auto_topic_creation = true;
  } else if (c == "named") {
    m.topics = std::vector{mt(ZERO, "orders"), mt(ZERO, "payments.v2"), mt(ZERO, "x_y-z")};
    m.allow_auto_topic_creation = v < 4;
    m.include_cluster_authorized_operations = v >= 8 && v <= 10;
    m.include_topic_authorized_operations = v >= 8;
  } else if (c == "ids") {
    m.topics = std::vector{mt(U_ORDERS, std::nullopt), mt(U_PAYMENTS, std::nullopt)};
    m.allow_auto_topic_creation = false;
  } else if (c == "mixed") {
    m.topics = std::vector{mt(ZERO, "orders"), mt(U_PAYMENTS, std::nullopt), mt(U_METRICS, "metrics")};
    m.allow_auto_topic_creation = true;
    m.include_topic_authorized_operations = true;
  }
  return m;
}

// The batches a Produce request carries: Java's own bytes, so that these
// cases test the request framing alone (batch encoding is tested below).
struct BatchBytes {
  std::map<std::string, Bytes> by_name;
  ByteView get(const std::string& name) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      auto b = golden("batch-" + name + ".bin");
      it = by_name.emplace(name, b ? std::move(*b) : Bytes{}).first;
    }
    return it->second;
  }
};

ProduceRequest produce_request(const std::string& c, BatchBytes& batches) {
  ProduceRequest m;
  using P = ProduceRequest::Partition;
  using T = ProduceRequest::Topic;
  if (c == "acks1") {
    m.transactional_id = std::nullopt;
    m.acks = 1;
    m.timeout_ms = 30000;
    m.topics.push_back(T{"orders", U_ORDERS, {P{0, batches.get("none-basic")}, P{3, batches.get("none-headers")}}});
    m.topics.push_back(T{"payments", U_PAYMENTS, {P{1, batches.get("none-idempotent")}}});
    m.topics.push_back(T{"metrics", U_METRICS, {P{0, batches.get("gzip-mixed")}}});
  } else if (c == "acks0") {
    m.acks = 0;
    m.timeout_ms = 1500;
    m.topics.push_back(T{"orders", U_ORDERS, {P{0, batches.get("none-nulls")}}});
  } else if (c == "txn") {
    m.transactional_id = "txn-conformance-1";
    m.acks = -1;
    m.timeout_ms = 60000;
    m.topics.push_back(T{"payments", U_PAYMENTS, {P{2, batches.get("none-transactional")}}});
  } else if (c == "emptyrecords") {
    m.acks = -1;
    m.timeout_ms = 30000;
    m.topics.push_back(T{"orders", U_ORDERS, {P{5, ByteView{}}}});
  } else if (c == "notopics") {
    m.acks = -1;
    m.timeout_ms = 0;
  }
  return m;
}

InitProducerIdRequest init_producer_id_request(const std::string& c) {
  InitProducerIdRequest m;
  if (c == "idempotent") {
    m.transactional_id = std::nullopt;
    m.transaction_timeout_ms = INT32_MAX;
  } else {
    m.transactional_id = "txn-conformance-1";
    m.transaction_timeout_ms = 60000;
    if (c == "bump") {
      m.producer_id = 123456789012LL;
      m.producer_epoch = 7;
    }
  }
  return m;
}

SaslHandshakeRequest sasl_handshake_request(const std::string& c) {
  return {c == "plain" ? "PLAIN" : "SCRAM-SHA-512"};
}

// A binary token with every byte value 0x00-0xff (and a 2-byte compact length at v2).
Bytes sasl_binary_token() {
  Bytes t(kSaslBinaryTokenSize);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<std::uint8_t>((i * 37 + 11) & 0xff);
  return t;
}

// The token a SaslAuthenticate request carries (the request only views it).
Bytes sasl_auth_bytes(const std::string& c) {
  using namespace std::string_literals;
  if (c == "plain") return bytes_of("\0alice\0secret"s);  // RFC 4616: authzid NUL authcid NUL passwd
  if (c == "binary") return sasl_binary_token();
  return {};  // empty
}

// ---- Expected responses ----

ApiVersionsResponse api_versions_response(const std::string& c, std::int16_t v) {
  ApiVersionsResponse m;
  if (c == "full") {
    m.error_code = 0;
    m.api_keys = {{0, 3, 13}, {3, 0, 13}, {18, 0, 4}, {22, 0, 6}};
    m.throttle_time_ms = v >= 1 ? 25 : 0;
    if (v >= 3) {
      m.supported_features = {{"metadata.version", 7, 27}, {"transaction.version", 0, 2}};
      m.finalized_features_epoch = 42;
      m.finalized_features = {{"metadata.version", 27, 7}};
      m.zk_migration_ready = true;
    }
  } else {  // error, unknowntags
    m.error_code = 35;
    m.api_keys = {{18, 0, 4}};
  }
  return m;
}

MetadataResponse::Partition mp(std::int16_t err, std::int32_t idx, std::int32_t leader, std::int32_t epoch,
                               std::vector<std::int32_t> replicas, std::vector<std::int32_t> isr,
                               std::vector<std::int32_t> offline) {
  return {err, idx, leader, epoch, std::move(replicas), std::move(isr), std::move(offline)};
}

MetadataResponse metadata_response(const std::string& c, std::int16_t v) {
  MetadataResponse m;
  using T = MetadataResponse::Topic;
  if (c == "full") {
    m.throttle_time_ms = v >= 3 ? 11 : 0;
    m.brokers = {{1, "broker-1.example.com", 9092, v >= 1 ? std::optional<std::string>("rack-a") : std::nullopt},
                 {2, "b2", 19092, std::nullopt}};
    if (v >= 2) m.cluster_id = "cluster-Xyz_123";
    m.controller_id = v >= 1 ? 2 : -1;
    m.topics.push_back(T{0, "orders", v >= 10 ? U_ORDERS : ZERO, false,
                         {mp(0, 0, 1, v >= 7 ? 5 : -1, {1, 2}, {1, 2}, {}),
                          mp(9, 1, 2, v >= 7 ? 7 : -1, {2, 1, 3}, {2}, v >= 5 ? std::vector{3} : std::vector<int>{})},
                         v >= 8 ? 0x00000BF8 : INT32_MIN});
    m.topics.push_back(T{0, "__consumer_offsets", v >= 10 ? U_CONSUMER : ZERO, v >= 1,
                         {mp(5, 0, -1, v >= 7 ? 0 : -1, {3}, {}, v >= 5 ? std::vector{3} : std::vector<int>{})},
                         v >= 8 ? 0 : INT32_MIN});
    m.topics.push_back(T{3, "missing-topic", ZERO, false, {}, INT32_MIN});
    if (v >= 12) m.topics.push_back(T{100, std::nullopt, U_GHOST, false, {}, INT32_MIN});
    m.cluster_authorized_operations = v >= 8 && v <= 10 ? 0x00001FF8 : INT32_MIN;
    m.error_code = 0;
  } else if (c == "minimal") {
    m.controller_id = -1;
    m.error_code = v >= 13 ? 129 : 0;
  } else if (c == "unknowntags") {
    m.brokers = {{1, "h", 9092, std::nullopt}};
    m.cluster_id = "c";
    m.controller_id = 1;
    m.topics.push_back(T{0, "orders", v >= 10 ? U_ORDERS : ZERO, false, {mp(0, 0, 1, 3, {1}, {1}, {})}, INT32_MIN});
  }
  return m;
}

ProduceResponse::Partition pr(std::int32_t index, std::int16_t err, std::int64_t base, std::int64_t append_time,
                              std::int64_t log_start) {
  ProduceResponse::Partition p;
  p.index = index;
  p.error_code = err;
  p.base_offset = base;
  p.log_append_time_ms = append_time;
  p.log_start_offset = log_start;
  return p;
}

ProduceResponse::Topic tr(const char* name, Uuid id, std::int16_t v, std::vector<ProduceResponse::Partition> ps) {
  ProduceResponse::Topic t;
  t.name = v < 13 ? name : "";
  t.topic_id = v >= 13 ? id : ZERO;
  t.partitions = std::move(ps);
  return t;
}

ProduceResponse produce_response(const std::string& c, std::int16_t v) {
  ProduceResponse m;
  if (c == "full") {
    auto p0 = pr(0, 0, 1234567890123LL, 1700000000123LL, v >= 5 ? 100 : -1);
    auto p3 = pr(3, 87, -1, -1, -1);
    if (v >= 8) {
      p3.record_errors = {{0, "bad key"}, {4, std::nullopt}};
      p3.error_message = "2 records invalid";
    }
    auto p1 = pr(1, 6, -1, -1, -1);
    if (v >= 8) p1.error_message = "Not leader";
    if (v >= 10) p1.current_leader = ProduceResponse::LeaderIdAndEpoch{3, 12};
    m.topics.push_back(tr("orders", U_ORDERS, v, {p0, p3}));
    m.topics.push_back(tr("payments", U_PAYMENTS, v, {p1}));
    m.throttle_time_ms = 7;
    if (v >= 10) {
      m.node_endpoints = {{3, "broker-3.example.com", 9093, "rack-c"}, {4, "b4", 9094, std::nullopt}};
    }
  } else if (c == "empty") {
    m.throttle_time_ms = 0;
  } else if (c == "unknowntags") {
    m.topics.push_back(tr("orders", U_ORDERS, v, {pr(0, 0, 42, -1, 0)}));
    m.throttle_time_ms = 1;
  }
  return m;
}

InitProducerIdResponse init_producer_id_response(const std::string& c) {
  if (c == "error") return {100, 53, -1, -1};
  return {0, 0, 4000000000123LL, 3};  // ok, unknowntags
}

SaslHandshakeResponse sasl_handshake_response(const std::string& c) {
  if (c == "ok") return {0, {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}};
  if (c == "unsupported") return {33, {"GSSAPI", "PLAIN"}};  // UNSUPPORTED_SASL_MECHANISM
  return {33, {}};                                          // empty
}

constexpr const char* kScramServerFinal = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
constexpr const char* kSaslFailedMessage =
    "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512";
constexpr std::int64_t kSessionLifetimeMs = 3'600'000;

SaslAuthenticateResponse sasl_authenticate_response(const std::string& c, std::int16_t v) {
  SaslAuthenticateResponse m;
  if (c == "ok" || c == "unknowntags") {
    m.error_code = 0;
    m.error_message = "";  // Java's default: empty, not null
    m.auth_bytes = bytes_of(kScramServerFinal);
    m.session_lifetime_ms = v >= 1 ? kSessionLifetimeMs : 0;
  } else if (c == "failed") {
    m.error_code = 58;  // SASL_AUTHENTICATION_FAILED
    m.error_message = kSaslFailedMessage;
  } else if (c == "nullmessage") {
    m.error_code = 58;
    m.error_message = std::nullopt;
  }
  return m;
}

// ---- Field-by-field comparisons (expected = our input, actual = decoded) ----

void compare(const ApiVersionsResponse& e, const ApiVersionsResponse& a) {
  CHECK(a.error_code == e.error_code);
  CHECK(a.throttle_time_ms == e.throttle_time_ms);
  REQUIRE(a.api_keys.size() == e.api_keys.size());
  for (std::size_t i = 0; i < e.api_keys.size(); ++i) {
    INFO("ApiKeys[" << i << "]");
    CHECK(a.api_keys[i].api_key == e.api_keys[i].api_key);
    CHECK(a.api_keys[i].min_version == e.api_keys[i].min_version);
    CHECK(a.api_keys[i].max_version == e.api_keys[i].max_version);
  }
  REQUIRE(a.supported_features.size() == e.supported_features.size());
  for (std::size_t i = 0; i < e.supported_features.size(); ++i) {
    INFO("SupportedFeatures[" << i << "]");
    CHECK(a.supported_features[i].name == e.supported_features[i].name);
    CHECK(a.supported_features[i].min_version == e.supported_features[i].min_version);
    CHECK(a.supported_features[i].max_version == e.supported_features[i].max_version);
  }
  CHECK(a.finalized_features_epoch == e.finalized_features_epoch);
  REQUIRE(a.finalized_features.size() == e.finalized_features.size());
  for (std::size_t i = 0; i < e.finalized_features.size(); ++i) {
    INFO("FinalizedFeatures[" << i << "]");
    CHECK(a.finalized_features[i].name == e.finalized_features[i].name);
    CHECK(a.finalized_features[i].max_version_level == e.finalized_features[i].max_version_level);
    CHECK(a.finalized_features[i].min_version_level == e.finalized_features[i].min_version_level);
  }
  CHECK(a.zk_migration_ready == e.zk_migration_ready);
}

void compare(const MetadataResponse& e, const MetadataResponse& a) {
  CHECK(a.throttle_time_ms == e.throttle_time_ms);
  REQUIRE(a.brokers.size() == e.brokers.size());
  for (std::size_t i = 0; i < e.brokers.size(); ++i) {
    INFO("Brokers[" << i << "]");
    CHECK(a.brokers[i].node_id == e.brokers[i].node_id);
    CHECK(a.brokers[i].host == e.brokers[i].host);
    CHECK(a.brokers[i].port == e.brokers[i].port);
    CHECK(a.brokers[i].rack == e.brokers[i].rack);
  }
  CHECK(a.cluster_id == e.cluster_id);
  CHECK(a.controller_id == e.controller_id);
  REQUIRE(a.topics.size() == e.topics.size());
  for (std::size_t i = 0; i < e.topics.size(); ++i) {
    INFO("Topics[" << i << "]");
    const auto& et = e.topics[i];
    const auto& at = a.topics[i];
    CHECK(at.error_code == et.error_code);
    CHECK(at.name == et.name);
    CHECK(at.topic_id == et.topic_id);
    CHECK(at.is_internal == et.is_internal);
    CHECK(at.topic_authorized_operations == et.topic_authorized_operations);
    REQUIRE(at.partitions.size() == et.partitions.size());
    for (std::size_t j = 0; j < et.partitions.size(); ++j) {
      INFO("Partitions[" << j << "]");
      const auto& ep = et.partitions[j];
      const auto& ap = at.partitions[j];
      CHECK(ap.error_code == ep.error_code);
      CHECK(ap.partition_index == ep.partition_index);
      CHECK(ap.leader_id == ep.leader_id);
      CHECK(ap.leader_epoch == ep.leader_epoch);
      CHECK(ap.replica_nodes == ep.replica_nodes);
      CHECK(ap.isr_nodes == ep.isr_nodes);
      CHECK(ap.offline_replicas == ep.offline_replicas);
    }
  }
  CHECK(a.cluster_authorized_operations == e.cluster_authorized_operations);
  CHECK(a.error_code == e.error_code);
}

void compare(const ProduceResponse& e, const ProduceResponse& a) {
  REQUIRE(a.topics.size() == e.topics.size());
  for (std::size_t i = 0; i < e.topics.size(); ++i) {
    INFO("Responses[" << i << "]");
    const auto& et = e.topics[i];
    const auto& at = a.topics[i];
    CHECK(at.name == et.name);
    CHECK(at.topic_id == et.topic_id);
    REQUIRE(at.partitions.size() == et.partitions.size());
    for (std::size_t j = 0; j < et.partitions.size(); ++j) {
      INFO("PartitionResponses[" << j << "]");
      const auto& ep = et.partitions[j];
      const auto& ap = at.partitions[j];
      CHECK(ap.index == ep.index);
      CHECK(ap.error_code == ep.error_code);
      CHECK(ap.base_offset == ep.base_offset);
      CHECK(ap.log_append_time_ms == ep.log_append_time_ms);
      CHECK(ap.log_start_offset == ep.log_start_offset);
      REQUIRE(ap.record_errors.size() == ep.record_errors.size());
      for (std::size_t k = 0; k < ep.record_errors.size(); ++k) {
        INFO("RecordErrors[" << k << "]");
        CHECK(ap.record_errors[k].batch_index == ep.record_errors[k].batch_index);
        CHECK(ap.record_errors[k].batch_index_error_message == ep.record_errors[k].batch_index_error_message);
      }
      CHECK(ap.error_message == ep.error_message);
      REQUIRE(ap.current_leader.has_value() == ep.current_leader.has_value());
      if (ep.current_leader) {
        CHECK(ap.current_leader->leader_id == ep.current_leader->leader_id);
        CHECK(ap.current_leader->leader_epoch == ep.current_leader->leader_epoch);
      }
    }
  }
  CHECK(a.throttle_time_ms == e.throttle_time_ms);
  REQUIRE(a.node_endpoints.size() == e.node_endpoints.size());
  for (std::size_t i = 0; i < e.node_endpoints.size(); ++i) {
    INFO("NodeEndpoints[" << i << "]");
    CHECK(a.node_endpoints[i].node_id == e.node_endpoints[i].node_id);
    CHECK(a.node_endpoints[i].host == e.node_endpoints[i].host);
    CHECK(a.node_endpoints[i].port == e.node_endpoints[i].port);
    CHECK(a.node_endpoints[i].rack == e.node_endpoints[i].rack);
  }
}

void compare(const InitProducerIdResponse& e, const InitProducerIdResponse& a) {
  CHECK(a.throttle_time_ms == e.throttle_time_ms);
  CHECK(a.error_code == e.error_code);
  CHECK(a.producer_id == e.producer_id);
  CHECK(a.producer_epoch == e.producer_epoch);
}

void compare(const SaslHandshakeResponse& e, const SaslHandshakeResponse& a) {
  CHECK(a.error_code == e.error_code);
  CHECK(a.mechanisms == e.mechanisms);
}

void compare(const SaslAuthenticateResponse& e, const SaslAuthenticateResponse& a) {
  CHECK(a.error_code == e.error_code);
  CHECK(a.error_message == e.error_message);
  check_opt_bytes("AuthBytes", e.auth_bytes, a.auth_bytes);
  CHECK(a.session_lifetime_ms == e.session_lifetime_ms);
}

// Encodes with Sluice and compares with Java's golden file.
template <class Encode>
void check_request(const std::string& file, Encode&& encode) {
  INFO("golden " << file);
  auto java = golden(file);
  if (!java) return;
  Bytes ours;
  BufferWriter w(ours);
  std::error_code ec = encode(w);
  if (ec) {
    FAIL_CHECK(file << ": Sluice's encoder failed: " << ec.message());
    return;
  }
  check_same_bytes(file, *java, ours);
}

// Decodes Java's golden file with Sluice's decoder and compares every field.
template <class Decode, class Expected>
void check_response(const std::string& file, Decode&& decode, const Expected& expected) {
  INFO("golden " << file);
  auto java = golden(file);
  if (!java) return;
  auto decoded = decode(ByteView(*java));
  if (!decoded) {
    FAIL_CHECK(file << ": Sluice's decoder rejected Java's bytes: " << decoded.error().message());
    return;
  }
  compare(expected, decoded.value());
}

}  // namespace

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

TEST_CASE("conformance: the golden files are exactly the cases this test checks", "[conformance]") {
  fs::path dir = golden_dir();
  std::ifstream in(dir / "MANIFEST");
  std::string line;
  std::set<std::string> listed;
  std::string version_line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      version_line = line;
      continue;
    }
    std::istringstream ls(line);
    std::string name;
    std::uintmax_t size = 0;
    ls >> name >> size;
    listed.insert(name);
    INFO("MANIFEST entry " << name);
    std::error_code ec;
    auto actual = fs::file_size(dir / name, ec);
    CHECK_FALSE(ec);
    if (!ec) CHECK(actual == size);
  }
  INFO("MANIFEST: " << version_line);
  auto expected = expected_files();
  for (const auto& n : expected) {
    if (!listed.count(n)) FAIL_CHECK("the generator wrote no " << n << " (C++ side checks it; regenerate?)");
  }
  for (const auto& n : listed) {
    if (!expected.count(n)) FAIL_CHECK("golden " << n << " is not checked by conformance_test.cpp (mirror the new case)");
  }
  CHECK(listed.size() == expected.size());
  // The goldens cover every version Sluice claims to support.
  for (const auto& a : kApis) {
    INFO(a.name);
    CHECK(supported_versions(a.key).min == a.min);
    CHECK(supported_versions(a.key).max == a.max);
  }
}

TEST_CASE("conformance: request headers encode as Java's", "[conformance]") {
  golden_dir();
  int n = 0;
  for (const auto& a : kApis) {
    for (std::int16_t v = a.min; v <= a.max; ++v) {
      for (const auto& c : kHeaderCases) {
        check_request(request_header_file(a, v, c), [&](BufferWriter& w) {
          encode_request_header(request_header(a.key, v, c), w);
          return std::error_code{};
        });
        ++n;
      }
    }
  }
  CHECK(n > 0);
}

TEST_CASE("conformance: response headers decode as Java writes them", "[conformance]") {
  golden_dir();
  for (const auto& a : kApis) {
    for (std::int16_t v = a.min; v <= a.max; ++v) {
      std::string file = response_header_file(a, v);
      INFO("golden " << file);
      auto java = golden(file);
      if (!java) continue;
      BufferReader r(*java);
      ResponseHeader h = decode_response_header(r, a.key, v);
      CHECK(r.ok());
      CHECK(r.at_end());
      CHECK(h.correlation_id == correlation_id(a.key, v));
      CHECK(peek_correlation_id(*java) == correlation_id(a.key, v));
    }
  }
}

TEST_CASE("conformance: ApiVersions requests encode as Java's", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::ApiVersions);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      check_request(request_file(a, v, c), [&](BufferWriter& w) { return encode(api_versions_request(c), w, v); });
    }
  }
}

TEST_CASE("conformance: ApiVersions responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::ApiVersions);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_api_versions_response(b, v); },
          api_versions_response(c, v));
    }
  }
}

TEST_CASE("conformance: Metadata requests encode as Java's", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::Metadata);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      check_request(request_file(a, v, c), [&](BufferWriter& w) { return encode(metadata_request(c, v), w, v); });
    }
  }
}

TEST_CASE("conformance: Metadata responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::Metadata);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_metadata_response(b, v); },
          metadata_response(c, v));
    }
  }
}

TEST_CASE("conformance: Produce requests encode as Java's", "[conformance]") {
  golden_dir();
  BatchBytes batches;
  const Api& a = api(ApiKey::Produce);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      ProduceRequest m = produce_request(c, batches);
      check_request(request_file(a, v, c), [&](BufferWriter& w) { return encode(m, w, v); });
    }
  }
}

TEST_CASE("conformance: Produce responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::Produce);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_produce_response(b, v); }, produce_response(c, v));
    }
  }
}

TEST_CASE("conformance: InitProducerId requests encode as Java's", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::InitProducerId);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      check_request(request_file(a, v, c),
                    [&](BufferWriter& w) { return encode(init_producer_id_request(c), w, v); });
    }
  }
}

TEST_CASE("conformance: InitProducerId responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::InitProducerId);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_init_producer_id_response(b, v); },
          init_producer_id_response(c));
    }
  }
}

TEST_CASE("conformance: SaslHandshake requests encode as Java's", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::SaslHandshake);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      check_request(request_file(a, v, c), [&](BufferWriter& w) { return encode(sasl_handshake_request(c), w, v); });
    }
  }
}

TEST_CASE("conformance: SaslHandshake responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::SaslHandshake);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_sasl_handshake_response(b, v); },
          sasl_handshake_response(c));
    }
  }
}

TEST_CASE("conformance: SaslAuthenticate requests encode as Java's", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::SaslAuthenticate);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      const Bytes token = sasl_auth_bytes(c);
      check_request(request_file(a, v, c),
                    [&](BufferWriter& w) { return encode(SaslAuthenticateRequest{token}, w, v); });
    }
  }
}

TEST_CASE("conformance: SaslAuthenticate responses written by Java decode", "[conformance]") {
  golden_dir();
  const Api& a = api(ApiKey::SaslAuthenticate);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : response_cases(a.key, v)) {
      check_response(
          response_file(a, v, c), [v](ByteView b) { return decode_sasl_authenticate_response(b, v); },
          sasl_authenticate_response(c, v));
    }
  }
}

namespace {

// Decodes a batch (Java's, or Sluice's own compressed one: `whose`) with
// Sluice's reader and checks the header and every record against the inputs.
void check_decoded_batch(const BatchCase& bc, ByteView data, const char* whose) {
  INFO("decoding " << whose << " batch");
  auto recs = batch_records(bc.kase);
  auto ps = producer_state(bc.codec_name, bc.kase);
  std::size_t consumed = 0;
  auto decoded = decode_record_batch(data, &consumed);
  if (!decoded) {
    if (decoded.error().code == codec_errc::unsupported_codec) {
      FAIL_CHECK(bc.file() << ": Sluice cannot decompress " << bc.codec_name
                           << " yet (decompress() returns unsupported_codec): " << whose << " batch is unchecked");
    } else {
      FAIL_CHECK(bc.file() << ": Sluice's decode_record_batch rejected " << whose
                           << " batch: " << decoded.error().message());
    }
    return;
  }
  const DecodedBatch& b = decoded.value();
  CHECK(consumed == data.size());
  CHECK(b.base_offset == 0);
  CHECK(b.partition_leader_epoch == -1);
  CHECK(b.magic == 2);
  CHECK(b.compression() == bc.codec);
  CHECK(b.is_transactional() == (ps && ps->transactional));
  CHECK_FALSE(b.is_control());
  CHECK((b.attributes & batch::kTimestampTypeLogAppend) == 0);
  CHECK(b.last_offset_delta == static_cast<std::int32_t>(recs.size()) - 1);
  CHECK(b.base_timestamp == recs.front().ts);
  std::int64_t max_ts = recs.front().ts;
  for (const auto& r : recs) max_ts = std::max(max_ts, r.ts);
  CHECK(b.max_timestamp == max_ts);
  CHECK(b.producer_id == (ps ? ps->id : -1));
  CHECK(b.producer_epoch == (ps ? ps->epoch : -1));
  CHECK(b.base_sequence == (ps ? ps->base_sequence : -1));
  REQUIRE(b.records.size() == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    INFO("record " << i);
    const auto& d = b.records[i];
    const auto& r = recs[i];
    CHECK(d.offset == static_cast<std::int64_t>(i));
    CHECK(d.timestamp == r.ts);
    check_opt_bytes(bc.file() + " record " + std::to_string(i) + " key", r.key, d.key);
    check_opt_bytes(bc.file() + " record " + std::to_string(i) + " value", r.value, d.value);
    REQUIRE(d.headers.size() == r.headers.size());
    for (std::size_t h = 0; h < r.headers.size(); ++h) {
      INFO("header " << h);
      CHECK(d.headers[h].key == r.headers[h].key);
      check_opt_bytes(bc.file() + " record " + std::to_string(i) + " header " + std::to_string(h) + " value",
                      r.headers[h].value, d.headers[h].value);
    }
  }
}

}  // namespace

TEST_CASE("conformance: Java's record batches decode with Sluice's reader", "[conformance]") {
  golden_dir();
  int n = 0;
  for (const auto& bc : batch_cases()) {
    INFO("golden " << bc.file());
    auto java = golden(bc.file());
    if (!java) continue;
    check_decoded_batch(bc, *java, "Java's");
    ++n;
  }
  CHECK(n == static_cast<int>(batch_cases().size()));
}

TEST_CASE("conformance: Sluice's RecordBatchBuilder writes Java's bytes", "[conformance]") {
  golden_dir();
  for (const auto& bc : batch_cases()) {
    INFO("golden " << bc.file());
    auto java = golden(bc.file());
    if (!java) continue;
    const auto recs = batch_records(bc.kase);
    const auto ps = producer_state(bc.codec_name, bc.kase);
    if (bc.codec == Compression::none) {
      auto ours = build_batch(recs, ps, Compression::none);
      REQUIRE(ours);
      check_same_bytes(bc.file() + " (whole batch)", *java, *ours);
      continue;
    }
    // Compressed: compressor output may legitimately differ from Java's, so
    // compare (1) the records section of Sluice's uncompressed build with
    // Java's records section decompressed, (2) every header field of Sluice's
    // compressed build but BatchLength and CRC, (3) Sluice's compressed build
    // read back by Sluice's reader.
    REQUIRE(java->size() >= batch::kHeaderSize);
    const ByteView j(*java);
    auto plain_build = build_batch(recs, ps, Compression::none);
    REQUIRE(plain_build);
    Bytes plain;
    auto ec = decompress(bc.codec, j.subspan(batch::kHeaderSize), plain, 64u << 20);
    if (ec == codec_errc::unsupported_codec) {
      FAIL_CHECK(bc.file() << ": Sluice cannot decompress " << bc.codec_name
                           << " yet (decompress() returns unsupported_codec): records section unchecked");
    } else if (ec) {
      FAIL_CHECK(bc.file() << ": Sluice's decompress(" << bc.codec_name << ") failed on Java's data: " << ec.message());
    } else {
      check_same_bytes(bc.file() + " (records section: Java's decompressed vs Sluice's uncompressed)", plain,
                       ByteView(*plain_build).subspan(batch::kHeaderSize));
    }

    std::error_code build_error;
    auto ours = build_batch(recs, ps, bc.codec, &build_error);
    if (!ours) {
      FAIL_CHECK(bc.file() << ": Sluice's RecordBatchBuilder::finish(" << bc.codec_name
                           << ") failed: " << build_error.message());
      continue;
    }
    const ByteView o(*ours);
    REQUIRE(o.size() >= batch::kHeaderSize);
    check_same_bytes(bc.file() + " (BaseOffset)", j.subspan(0, 8), o.subspan(0, 8));
    check_same_bytes(bc.file() + " (PartitionLeaderEpoch, Magic)", j.subspan(batch::kPartitionLeaderEpoch, 5),
                     o.subspan(batch::kPartitionLeaderEpoch, 5));
    check_same_bytes(bc.file() + " (Attributes..RecordsCount)",
                     j.subspan(batch::kAttributes, batch::kHeaderSize - batch::kAttributes),
                     o.subspan(batch::kAttributes, batch::kHeaderSize - batch::kAttributes));
    const bool identical = std::equal(j.begin(), j.end(), o.begin(), o.end());
    WARN(bc.file() << ": Sluice's " << bc.codec_name << " batch is " << o.size() << " bytes, Java's " << j.size()
                   << (identical ? " (identical bytes)" : " (compressed bytes differ, as they may)"));
    check_decoded_batch(bc, o, "Sluice's compressed");
  }
}
