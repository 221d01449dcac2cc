// Conformance with the Java client (kafka-clients, the version in
// test/conformance/pom.xml), record batches: Java's batches, uncompressed
// and with every codec, decode with Sluice's reader, and Sluice's
// RecordBatchBuilder writes Java's bytes. The inputs mirror
// GoldenGenerator.java (conformance_golden.hpp says how to run these).
#include "conformance_golden.hpp"  // first: it configures Catch2

using namespace sluice::test::conformance;

namespace {

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
