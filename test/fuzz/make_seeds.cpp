// Writes the fuzz seed corpora: small, deterministic, valid (mostly)
// inputs for each target in fuzz_targets.hpp, in that target's input layout.
//
//   sluice_fuzz_make_seeds DIR     writes DIR/<target>/<name> (DIR is usually
//                                  test/fuzz/corpus; run by `tools/fuzz --seeds`)
//
// Responses come from response_writers.hpp (written from Kafka's schemas),
// batches from RecordBatchBuilder. Compressed data uses our compress() where
// it supports the codec and, always, hand-assembled frames in each codec's
// format (gzip via zlib; snappy raw and xerial-framed; LZ4 frame; zstd raw,
// RLE blocks), so the seeds do not depend on compress() being complete.
// Only files named here are written; other files in DIR (broker captures)
// are left alone.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"
#include "response_writers.hpp"

namespace fs = std::filesystem;
namespace p = sluice::protocol;
using p::Bytes;
using sluice::fuzz::Input;

namespace {

fs::path g_root;
std::size_t g_files = 0;
std::size_t g_bytes = 0;

void put(const std::string& target, const std::string& name, const Bytes& data) {
  fs::create_directories(g_root / target);
  std::ofstream f(g_root / target / name, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!f) {
    std::fprintf(stderr, "cannot write %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
  ++g_files;
  g_bytes += data.size();
}

Bytes cat(std::initializer_list<std::uint8_t> head, const Bytes& tail) {
  Bytes out(head);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// ---- hand-assembled compressed frames ---------------------------------------

void le32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void be32(Bytes& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Bytes gzip(const Bytes& in) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) std::exit(1);
  Bytes out(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::exit(1);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Snappy raw format: uncompressed length, then literals (no copies).
Bytes snappy_raw(const Bytes& in) {
  Bytes out;
  p::BufferWriter w(out);
  w.uvarint(in.size());
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t n = std::min<std::size_t>(in.size() - pos, 60);
    out.push_back(static_cast<std::uint8_t>((n - 1) << 2));
    out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(pos),
               in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  }
  return out;
}
// `n` bytes of 'a' from one literal and 2-byte-offset copies of 64.
Bytes snappy_run(std::size_t n) {
  Bytes out;
  p::BufferWriter w(out);
  w.uvarint(n);
  out.push_back(0x00);  // literal of 1
  out.push_back('a');
  std::size_t have = 1;
  while (have < n) {
    std::size_t len = std::min<std::size_t>(64, n - have);
    out.push_back(static_cast<std::uint8_t>(((len - 1) << 2) | 2));
    out.push_back(1);  // offset 1, little-endian
    out.push_back(0);
    have += len;
  }
  return out;
}
// The xerial snappy-java stream format Kafka's Java client writes.
Bytes snappy_xerial(const Bytes& block) {
  Bytes out{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  be32(out, 1);  // version
  be32(out, 1);  // compatible version
  be32(out, static_cast<std::uint32_t>(block.size()));
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

std::uint32_t rotl(std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
// xxHash32 of fewer than 16 bytes (an LZ4 frame descriptor).
std::uint32_t xxh32_small(const Bytes& in, std::uint32_t seed) {
  constexpr std::uint32_t P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u, P4 = 668265263u, P5 = 374761393u;
  std::uint32_t h = seed + P5 + static_cast<std::uint32_t>(in.size());
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4) {
    std::uint32_t v = in[i] | in[i + 1] << 8 | in[i + 2] << 16 | static_cast<std::uint32_t>(in[i + 3]) << 24;
    h = rotl(h + v * P3, 17) * P4;
  }
  for (; i < in.size(); ++i) h = rotl(h + in[i] * P5, 11) * P1;
  h ^= h >> 15;
  h *= P2;
  h ^= h >> 13;
  h *= P3;
  h ^= h >> 16;
  return h;
}
Bytes lz4_frame_header() {
  Bytes out{0x04, 0x22, 0x4d, 0x18};
  Bytes desc{0x60, 0x40};  // v01, independent blocks; 64 KiB max block
  out.insert(out.end(), desc.begin(), desc.end());
  out.push_back(static_cast<std::uint8_t>((xxh32_small(desc, 0) >> 8) & 0xff));
  return out;
}
// LZ4 frame with one stored (uncompressed) block.
Bytes lz4_stored(const Bytes& in) {
  Bytes out = lz4_frame_header();
  if (!in.empty()) {
    le32(out, static_cast<std::uint32_t>(in.size()) | 0x80000000u);
    out.insert(out.end(), in.begin(), in.end());
  }
  le32(out, 0);  // end mark
  return out;
}
// LZ4 frame with one compressed block: 'a' then a match of `match` bytes at
// offset 1, then five literal 'b's (the format's end-of-block rule).
Bytes lz4_run(std::size_t match) {
  Bytes block;
  block.push_back(0x1f);  // 1 literal, match length 15 + 4 + extension
  block.push_back('a');
  block.push_back(1);
  block.push_back(0);
  std::size_t rest = match - 19;
  while (rest >= 255) {
    block.push_back(255);
    rest -= 255;
  }
  block.push_back(static_cast<std::uint8_t>(rest));
  block.push_back(0x50);  // last sequence: 5 literals
  for (int i = 0; i < 5; ++i) block.push_back('b');
  Bytes out = lz4_frame_header();
  le32(out, static_cast<std::uint32_t>(block.size()));
  out.insert(out.end(), block.begin(), block.end());
  le32(out, 0);
  return out;
}

// zstd frame, single segment with a 1-byte content size, one raw block.
Bytes zstd_raw(const Bytes& in) {
  Bytes out{0x28, 0xb5, 0x2f, 0xfd, 0x20, static_cast<std::uint8_t>(in.size())};
  std::uint32_t bh = static_cast<std::uint32_t>(in.size()) << 3 | 1;  // raw, last
  for (int i = 0; i < 3; ++i) out.push_back(static_cast<std::uint8_t>(bh >> (8 * i)));
  out.insert(out.end(), in.begin(), in.end());
  return out;
}
// zstd frame without content size, one RLE block; window descriptor
// `window` (0x10: 4 KiB, 0x38: 128 KiB).
Bytes zstd_rle(std::uint8_t byte, std::uint32_t n, std::uint8_t window) {
  Bytes out{0x28, 0xb5, 0x2f, 0xfd, 0x00, window};
  std::uint32_t bh = n << 3 | 1u << 1 | 1;  // RLE, last
  for (int i = 0; i < 3; ++i) out.push_back(static_cast<std::uint8_t>(bh >> (8 * i)));
  out.push_back(byte);
  return out;
}

// Our compress() if it handles the codec.
std::optional<Bytes> lib_compress(p::Compression c, const Bytes& in) {
  Bytes out;
  if (p::compress(c, in, out)) return std::nullopt;
  return out;
}

// Compressed with the hand-made format (always available).
Bytes hand_compress(p::Compression c, const Bytes& in) {
  switch (c) {
    case p::Compression::none: return in;
    case p::Compression::gzip: return gzip(in);
    case p::Compression::snappy: return snappy_xerial(snappy_raw(in));
    case p::Compression::lz4: return lz4_stored(in);
    case p::Compression::zstd: return zstd_raw(in);
  }
  return in;
}

// ---- record batches --------------------------------------------------------------

Bytes batch_of(int records, bool headers, std::int64_t ts0 = 1700000000000) {
  p::RecordBatchBuilder b;
  for (int i = 0; i < records; ++i) {
    std::string key = "key-" + std::to_string(i);
    std::string value = "value-" + std::to_string(i * 7);
    std::vector<p::RecordHeaderView> hs;
    if (headers) {
      hs.push_back({"trace", p::as_bytes("abc")});
      hs.push_back({"null", std::nullopt});
    }
    std::optional<p::ByteView> k;
    if (i % 3 != 1) k = p::as_bytes(key);
    b.append(ts0 + i * 5 - (i == 2 ? 20 : 0), k, p::as_bytes(value), hs);
  }
  b.finish();
  auto out = b.bytes();
  return Bytes(out.begin(), out.end());
}

// Re-packs an uncompressed batch with `codec` (attributes, length, CRC).
Bytes compress_batch(const Bytes& plain, p::Compression codec, const Bytes& records) {
  Bytes out(plain.begin(), plain.begin() + p::batch::kHeaderSize);
  out.insert(out.end(), records.begin(), records.end());
  p::BufferWriter::store_be(out.data() + p::batch::kBatchLength,
                            static_cast<std::uint32_t>(out.size() - p::batch::kLogOverhead));
  std::uint16_t attrs = static_cast<std::uint16_t>(out[p::batch::kAttributes] << 8 | out[p::batch::kAttributes + 1]);
  attrs = static_cast<std::uint16_t>((attrs & ~0x7) | static_cast<std::uint16_t>(codec));
  p::BufferWriter::store_be(out.data() + p::batch::kAttributes, attrs);
  std::uint32_t crc = p::crc32c(Input(out).subspan(p::batch::kAttributes));
  p::BufferWriter::store_be(out.data() + p::batch::kCrc, crc);
  return out;
}

Bytes records_of(const Bytes& batch) { return Bytes(batch.begin() + p::batch::kHeaderSize, batch.end()); }

// A transaction marker: a control batch with one COMMIT record.
Bytes control_batch() {
  Bytes key{0, 0, 0, 1};            // version 0, type 1 (COMMIT)
  Bytes value{0, 0, 0, 0, 0, 5};    // version 0, coordinator epoch 5
  p::RecordBatchBuilder b;
  b.set_transactional(true);
  b.append(1700000000000, p::ByteView(key), p::ByteView(value));
  b.finish();
  b.set_producer_state(77, 1, -1);
  Bytes out(b.bytes().begin(), b.bytes().end());
  out[p::batch::kAttributes + 1] = static_cast<std::uint8_t>(out[p::batch::kAttributes + 1] | p::batch::kControl);
  std::uint32_t crc = p::crc32c(Input(out).subspan(p::batch::kAttributes));
  p::BufferWriter::store_be(out.data() + p::batch::kCrc, crc);
  return out;
}

void record_batch_seeds() {
  const std::string t = "record_batch";
  const Bytes one = batch_of(1, false);
  const Bytes five = batch_of(5, true);
  put(t, "one-record", cat({0x01}, one));
  put(t, "one-record-nocrc", cat({0x00}, one));
  put(t, "five-records-headers", cat({0x01}, five));
  Bytes two = one;
  two.insert(two.end(), five.begin(), five.end());
  put(t, "two-batches", cat({0x01}, two));
  {
    p::RecordBatchBuilder b;
    b.set_transactional(true);
    b.append(-5, std::nullopt, std::nullopt);
    b.append(-10, p::as_bytes(""), p::as_bytes(""));
    b.finish();
    b.set_producer_state(4001, 2, 17);
    put(t, "idempotent-nulls-negative-ts", cat({0x01}, Bytes(b.bytes().begin(), b.bytes().end())));
  }
  put(t, "control-commit", cat({0x01}, control_batch()));
  Bytes bad_crc = one;
  bad_crc.back() ^= 0xff;
  put(t, "bad-crc", cat({0x01}, bad_crc));
  put(t, "empty", Bytes{0x01});
  const p::Compression codecs[] = {p::Compression::gzip, p::Compression::snappy, p::Compression::lz4,
                                   p::Compression::zstd};
  for (auto c : codecs) {
    std::string name = p::compression_name(c);
    put(t, name + "-hand", cat({0x00}, compress_batch(five, c, hand_compress(c, records_of(five)))));
    if (auto lib = lib_compress(c, records_of(five))) {
      put(t, name + "-lib", cat({0x01}, compress_batch(five, c, *lib)));
    }
  }
  // A small limit (flags bits 1-2 = 3: 16 bytes) on a gzip batch.
  put(t, "gzip-over-limit", cat({0x06}, compress_batch(five, p::Compression::gzip, gzip(records_of(five)))));
}

void decompress_seeds() {
  const std::string t = "decompress";
  const Bytes hello = text("hello, hello, hello kafka");
  Bytes sentence;
  for (int i = 0; i < 8; ++i) {
    auto s = text("the quick brown fox jumps over the lazy dog. ");
    sentence.insert(sentence.end(), s.begin(), s.end());
  }
  const std::uint8_t k4k = 63;  // max_out = 64 * 64 = 4096
  put(t, "none", cat({0, k4k}, hello));
  put(t, "none-over", cat({0, 0}, sentence));  // max_out 64
  put(t, "gzip", cat({1, k4k}, gzip(sentence)));
  put(t, "gzip-empty", cat({1, k4k}, gzip({})));
  put(t, "gzip-bomb", cat({1, k4k}, gzip(Bytes(100000, 0))));
  put(t, "snappy-raw", cat({2, k4k}, snappy_raw(hello)));
  put(t, "snappy-xerial", cat({2, k4k}, snappy_xerial(snappy_raw(sentence))));
  put(t, "snappy-copies", cat({2, k4k}, snappy_run(3000)));
  put(t, "snappy-bomb", cat({2, k4k}, snappy_xerial(snappy_run(20000))));
  put(t, "lz4-stored", cat({3, k4k}, lz4_stored(sentence)));
  put(t, "lz4-empty", cat({3, k4k}, lz4_stored({})));
  put(t, "lz4-match", cat({3, k4k}, lz4_run(1000)));
  put(t, "lz4-bomb", cat({3, k4k}, lz4_run(60000)));
  put(t, "zstd-raw", cat({4, k4k}, zstd_raw(hello)));
  put(t, "zstd-rle", cat({4, k4k}, zstd_rle('z', 2000, 0x10)));
  put(t, "zstd-bomb", cat({4, k4k}, zstd_rle(0, 100000, 0x38)));
  put(t, "unknown-codec", cat({5, k4k}, hello));
  const p::Compression codecs[] = {p::Compression::gzip, p::Compression::snappy, p::Compression::lz4,
                                   p::Compression::zstd};
  for (auto c : codecs) {
    if (auto lib = lib_compress(c, sentence)) {
      put(t, std::string(p::compression_name(c)) + "-lib",
          cat({static_cast<std::uint8_t>(c), k4k}, *lib));
    }
  }
}

// ---- responses --------------------------------------------------------------------

std::uint8_t selector(std::int16_t version) { return static_cast<std::uint8_t>(version + 1); }

void message_seeds() {
  using namespace sluice::fuzz;
  for (std::int16_t v = 0; v <= 4; ++v) {
    put("api_versions", "v" + two(v), cat({selector(v)}, write_api_versions_response(sample_api_versions_response(), v)));
  }
  {
    p::ApiVersionsResponse unsupported;  // what a broker answers to a too-new version (body v0)
    unsupported.error_code = 35;
    unsupported.api_keys = {{18, 0, 3}};
    put("api_versions", "v00-unsupported-version", cat({selector(0)}, write_api_versions_response(unsupported, 0)));
    p::ApiVersionsResponse plain;
    plain.api_keys = {{0, 0, 9}};
    put("api_versions", "v03-no-tags", cat({selector(3)}, write_api_versions_response(plain, 3)));
  }
  for (std::int16_t v = 0; v <= 13; ++v) {
    put("metadata", "v" + two(v), cat({selector(v)}, write_metadata_response(sample_metadata_response(v), v)));
  }
  put("metadata", "v01-empty", cat({selector(1)}, write_metadata_response(p::MetadataResponse{}, 1)));
  put("metadata", "v12-empty", cat({selector(12)}, write_metadata_response(p::MetadataResponse{}, 12)));
  for (std::int16_t v = 3; v <= 13; ++v) {
    put("produce", "v" + two(v), cat({selector(v)}, write_produce_response(sample_produce_response(v), v)));
  }
  put("produce", "v09-empty", cat({selector(9)}, write_produce_response(p::ProduceResponse{}, 9)));
  for (std::int16_t v = 0; v <= 5; ++v) {
    put("init_producer_id", "v" + two(v),
        cat({selector(v)}, write_init_producer_id_response(sample_init_producer_id_response(), v)));
  }
  {
    p::InitProducerIdResponse err;
    err.error_code = 53;  // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    put("init_producer_id", "v04-error", cat({selector(4)}, write_init_producer_id_response(err, 4)));
  }
}

// metadata_cache: messages [kind][length int16 BE] body, kind = selector << 1
// (| 1 for Produce); see metadata_cache_target.hpp.
void cache_message(Bytes& out, bool produce, std::int16_t v, const Bytes& body) {
  out.push_back(static_cast<std::uint8_t>(selector(v) << 1 | (produce ? 1 : 0)));
  out.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(body.size() & 0xff));
  out.insert(out.end(), body.begin(), body.end());
}

void metadata_cache_seeds() {
  using namespace sluice::fuzz;
  const std::string t = "metadata_cache";
  for (std::int16_t v : std::initializer_list<std::int16_t>{5, 12, 13}) {
    // An answer, a Produce answer with a leader hint (v10+), the answer again.
    Bytes in;
    cache_message(in, false, v, write_metadata_response(sample_metadata_response(v), v));
    const std::int16_t pv = v >= 10 ? v : 9;
    cache_message(in, true, pv, write_produce_response(sample_produce_response(pv), pv));
    cache_message(in, false, v, write_metadata_response(sample_metadata_response(v), v));
    put(t, "metadata-produce-v" + two(v), in);
  }
  // The topic deleted (an error without an id) and created again with
  // another id and fewer partitions.
  Bytes in;
  p::MetadataResponse m = sample_metadata_response(12);
  cache_message(in, false, 12, write_metadata_response(m, 12));
  p::MetadataResponse gone = m;
  gone.topics.resize(1);
  gone.topics[0].error_code = 3;  // UNKNOWN_TOPIC_OR_PARTITION
  gone.topics[0].topic_id = {};
  gone.topics[0].partitions.clear();
  cache_message(in, false, 12, write_metadata_response(gone, 12));
  p::MetadataResponse again = m;
  again.topics.resize(1);
  again.topics[0].topic_id.bytes = {9, 9, 9};
  again.topics[0].partitions.resize(1);
  again.topics[0].partitions[0].leader_epoch = 0;
  cache_message(in, false, 12, write_metadata_response(again, 12));
  put(t, "recreated-v12", in);
}

void response_header_seeds() {
  using namespace sluice::fuzz;
  const auto apis = p::known_apis();
  auto index_of = [&](p::ApiKey k) {
    for (std::size_t i = 0; i < apis.size(); ++i) {
      if (apis[i] == k) return static_cast<std::uint8_t>(i);
    }
    return std::uint8_t{0};
  };
  auto frame = [&](p::ApiKey k, std::int16_t v, const Bytes& body) {
    Bytes out{index_of(k), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xff)};
    Bytes f = write_response_frame(k, v, 0x01020304 + v, body);
    out.insert(out.end(), f.begin(), f.end());
    return out;
  };
  const std::string t = "response_header";
  for (std::int16_t v : std::initializer_list<std::int16_t>{0, 3, 4}) {
    put(t, "api_versions-v" + two(v), frame(p::ApiKey::ApiVersions, v,
                                          write_api_versions_response(sample_api_versions_response(), v)));
  }
  for (std::int16_t v : std::initializer_list<std::int16_t>{0, 8, 9, 12}) {
    p::MetadataResponse m;
    m.brokers = {{1, "b1", 9092, std::nullopt}};
    put(t, "metadata-v" + two(v), frame(p::ApiKey::Metadata, v, write_metadata_response(m, v)));
  }
  for (std::int16_t v : std::initializer_list<std::int16_t>{3, 9, 10}) {
    put(t, "produce-v" + two(v), frame(p::ApiKey::Produce, v, write_produce_response(sample_produce_response(v), v)));
  }
  for (std::int16_t v : std::initializer_list<std::int16_t>{1, 2}) {
    put(t, "init_producer_id-v" + two(v),
        frame(p::ApiKey::InitProducerId, v, write_init_producer_id_response(sample_init_producer_id_response(), v)));
  }
  // SASL bodies: error, (v2) null message, empty auth bytes, lifetime, tags.
  put(t, "sasl_handshake-v1", frame(p::ApiKey::SaslHandshake, 1, Bytes{0, 0, 0, 0, 0, 1, 0, 5, 'P', 'L', 'A', 'I', 'N'}));
  put(t, "sasl_authenticate-v2", frame(p::ApiKey::SaslAuthenticate, 2, Bytes{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  // A header v1 with an unknown tagged field.
  Bytes tagged{index_of(p::ApiKey::Produce), 0, 9, 0, 0, 0, 9, 1, 5, 2, 0xab, 0xcd};
  Bytes body = write_produce_response(p::ProduceResponse{}, 9);
  tagged.insert(tagged.end(), body.begin(), body.end());
  put(t, "produce-v09-header-tag", tagged);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  message_seeds();
  metadata_cache_seeds();
  response_header_seeds();
  record_batch_seeds();
  decompress_seeds();
  std::printf("wrote %zu seed files, %zu bytes, under %s\n", g_files, g_bytes, g_root.c_str());
  return 0;
}
