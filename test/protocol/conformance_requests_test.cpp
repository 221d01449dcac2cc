// Conformance with the Java client (kafka-clients, the version in
// test/conformance/pom.xml), requests: Sluice must encode every request and
// request header byte for byte as Java does, at every version it supports.
// Also checks that the golden files are exactly the cases the conformance
// tests check (MANIFEST). The inputs mirror GoldenGenerator.java
// (conformance_golden.hpp says how to run these).
#include "conformance_golden.hpp"  // first: it configures Catch2

using namespace sluice::test::conformance;

namespace {

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
    // The fixed values ApiVersionsAndMetadataGoldens.java wrote the golden
    // bytes with, not the project's version (which changes).
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

CreateTopicsRequest create_topics_request(const std::string& c) {
  CreateTopicsRequest m;
  if (c == "simple") {
    m.topics.push_back({"orders", 3, -1, {}, {}});
    m.timeout_ms = 30000;
  } else if (c == "configs") {
    m.topics.push_back({"payments.v2", -1, 2, {},
                        {{"cleanup.policy", std::string("compact")}, {"retention.ms", std::string("60000")},
                         {"segment.bytes", std::nullopt}}});
    m.topics.push_back({"x_y-z", 1, 1, {}, {}});
    m.timeout_ms = 5000;
    m.validate_only = true;
  } else if (c == "assignments") {
    m.topics.push_back({"metrics", -1, -1, {{0, {1, 2}}, {1, {2, 3}}}, {}});
    m.timeout_ms = INT32_MAX;
  } else {  // notopics
    m.timeout_ms = 0;
  }
  return m;
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


// Encodes every request case of `key`, at every version, with
// `encode_case(writer, case, version)` and compares with Java's golden file.
template <class EncodeCase>
void check_requests(ApiKey key, EncodeCase&& encode_case) {
  golden_dir();
  const Api& a = api(key);
  for (std::int16_t v = a.min; v <= a.max; ++v) {
    for (const auto& c : request_cases(a.key, v)) {
      check_request(request_file(a, v, c), [&](BufferWriter& w) { return encode_case(w, c, v); });
    }
  }
}

}  // namespace

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
    if (!expected.count(n)) FAIL_CHECK("golden " << n << " is not checked by conformance_*_test.cpp (mirror the new case)");
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

TEST_CASE("conformance: ApiVersions requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::ApiVersions, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(api_versions_request(c), w, v);
  });
}

TEST_CASE("conformance: Metadata requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::Metadata, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(metadata_request(c, v), w, v);
  });
}

TEST_CASE("conformance: Produce requests encode as Java's", "[conformance]") {
  BatchBytes batches;  // Java's batches, read once for every version
  check_requests(ApiKey::Produce, [&batches](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(produce_request(c, batches), w, v);
  });
}

TEST_CASE("conformance: InitProducerId requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::InitProducerId, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(init_producer_id_request(c), w, v);
  });
}

TEST_CASE("conformance: SaslHandshake requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::SaslHandshake, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(sasl_handshake_request(c), w, v);
  });
}

TEST_CASE("conformance: SaslAuthenticate requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::SaslAuthenticate, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    const Bytes token = sasl_auth_bytes(c);
    return encode(SaslAuthenticateRequest{token}, w, v);
  });
}

TEST_CASE("conformance: CreateTopics requests encode as Java's", "[conformance]") {
  check_requests(ApiKey::CreateTopics, [](BufferWriter& w, const std::string& c, std::int16_t v) {
    return encode(create_topics_request(c), w, v);
  });
}
