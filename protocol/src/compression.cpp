// Compression codecs for the records section of a RecordBatch, framed as the
// Java client (clients/src/main/java/org/apache/kafka/common/compress/*) writes them:
//   gzip   : one plain gzip member (RFC 1952), as java.util.zip.GZIPOutputStream
//            writes it (MTIME 0, no name/comment, XFL 0, OS 255 as JDK >= 16).
//   snappy : the xerial snappy-java SnappyOutputStream stream: 16-byte header
//            (0x82 "SNAPPY" 0x00, int32 BE version 1, int32 BE compatible 1), then
//            per 32 KiB of input one [int32 BE length][raw snappy block].
//   lz4    : an LZ4 frame as Kafka's Lz4BlockOutputStream writes it: magic
//            0x184D2204, FLG 0x60 (version 01, independent blocks, no block or
//            content checksum, no content size), BD 0x40 (64 KiB blocks), correct
//            header checksum (KIP-57), blocks stored raw (high bit) when they do
//            not shrink, end mark 0.
//   zstd   : one plain zstd frame (content size declared, no checksum).
// Decompression never allocates from a length read from the input beyond
// `max_out`, stops with decompressed_too_large once the output passes it, and
// fails with decompression_failed on corrupt, truncated or trailing input.
#include "sluice/protocol/compression.hpp"

#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
// ZSTD_decompressBound is in zstd's "static" API section (exported by the
// shared library since 1.4.0).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <limits>
#include <memory>

#include "sluice/protocol/codec_error.hpp"

namespace sluice::protocol {
namespace {

// ---------------------------------------------------------------------------
// Levels, as Kafka's CompressionType defines them (KIP-390).

// gzip: Deflater.BEST_SPEED..BEST_COMPRESSION, default Deflater.DEFAULT_COMPRESSION
// (-1, which zlib maps to 6). Kafka also accepts -1 explicitly.
constexpr int kGzipMinLevel = 1;
constexpr int kGzipMaxLevel = 9;
constexpr int kGzipDefaultLevel = Z_DEFAULT_COMPRESSION;
// lz4: lz4-java's LZ4Constants; Kafka's default 9 selects the fast compressor,
// any other level the HC compressor at that level (Lz4BlockOutputStream).
constexpr int kLz4MinLevel = 1;
constexpr int kLz4MaxLevel = 17;
constexpr int kLz4DefaultLevel = 9;
// zstd: ZSTD_minCLevel() (-ZSTD_TARGETLENGTH_MAX), ZSTD_MAX_CLEVEL, ZSTD_CLEVEL_DEFAULT.
constexpr int kZstdMinLevel = -131072;
constexpr int kZstdMaxLevel = 22;
constexpr int kZstdDefaultLevel = 3;

std::optional<int> resolve_level(Compression codec, std::optional<int> level) {
  switch (codec) {
    case Compression::gzip: {
      int l = level.value_or(kGzipDefaultLevel);
      if (l == Z_DEFAULT_COMPRESSION || (l >= kGzipMinLevel && l <= kGzipMaxLevel)) return l;
      return std::nullopt;
    }
    case Compression::lz4: {
      int l = level.value_or(kLz4DefaultLevel);
      if (l >= kLz4MinLevel && l <= kLz4MaxLevel) return l;
      return std::nullopt;
    }
    case Compression::zstd: {
      int l = level.value_or(kZstdDefaultLevel);
      if (l >= kZstdMinLevel && l <= kZstdMaxLevel) return l;
      return std::nullopt;
    }
    case Compression::none:
    case Compression::snappy:
      return 0;  // no levels: ignored
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Byte helpers.

void put_be32(Bytes& out, std::uint32_t v) {
  std::size_t at = out.size();
  out.resize(at + 4);
  BufferWriter::store_be(out.data() + at, v);
}
void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}
const char* as_chars(const std::uint8_t* p) noexcept { return reinterpret_cast<const char*>(p); }
char* as_chars(std::uint8_t* p) noexcept { return reinterpret_cast<char*>(p); }

// ---------------------------------------------------------------------------
// Bounded output for the streaming decoders. The decoder may write up to
// max_out + 1 bytes; the extra byte proves the output would pass max_out.
// The buffer grows geometrically (at least 64 KiB at a time), never past that.
class BoundedSink {
 public:
  BoundedSink(Bytes& out, std::size_t max_out) noexcept
      : out_(out), start_(out.size()), max_out_(max_out),
        cap_(max_out == std::numeric_limits<std::size_t>::max() ? max_out : max_out + 1) {}

  // Writable space after the produced bytes (empty only if cap is reached).
  std::span<std::uint8_t> space() {
    std::size_t have = out_.size() - start_;
    if (have == produced_) {
      std::size_t grow = std::max<std::size_t>(std::size_t{64} << 10, produced_);
      std::size_t target = cap_ - produced_ < grow ? cap_ : produced_ + grow;
      out_.resize(start_ + target);
      have = target;
    }
    return {out_.data() + start_ + produced_, have - produced_};
  }
  void commit(std::size_t n) noexcept { produced_ += n; }
  bool too_large() const noexcept { return produced_ > max_out_; }
  std::size_t budget() const noexcept { return max_out_ - std::min(max_out_, produced_); }
  // Appends n bytes to be filled by the caller (n must fit the budget).
  std::uint8_t* append_exact(std::size_t n) {
    out_.resize(start_ + produced_ + n);
    std::uint8_t* p = out_.data() + start_ + produced_;
    produced_ += n;
    return p;
  }
  // Gives back the last n bytes of append_exact that were not written.
  void shrink(std::size_t n) noexcept { produced_ -= n; }
  void finish() { out_.resize(start_ + produced_); }
  void rollback() { out_.resize(start_); }

 private:
  Bytes& out_;
  std::size_t start_;
  std::size_t max_out_;
  std::size_t cap_;
  std::size_t produced_ = 0;
};

std::error_code fail(BoundedSink& sink, codec_errc e) {
  sink.rollback();
  return e;
}

// ---------------------------------------------------------------------------
// gzip (zlib).

constexpr unsigned kZChunk = UINT_MAX;  // zlib's avail_* are uInt

std::error_code gzip_compress(std::span<const std::uint8_t> in, Bytes& out, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper; memLevel 8 as java.util.zip.Deflater.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return codec_errc::invalid_value;
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  gz_header header{};
  header.os = 255;  // "unknown", as GZIPOutputStream writes since JDK 16 (JDK-8244706)
  if (deflateSetHeader(&zs, &header) != Z_OK) return codec_errc::invalid_value;

  const std::size_t start = out.size();
  std::size_t produced = 0;
  std::size_t pos = 0;
  int flush = Z_NO_FLUSH;
  // deflateBound covers the gzip wrapper; one pass for inputs under 4 GiB.
  out.resize(start + deflateBound(&zs, static_cast<uLong>(std::min<std::size_t>(in.size(), kZChunk))));
  for (;;) {
    if (zs.avail_in == 0 && flush != Z_FINISH) {
      std::size_t n = std::min<std::size_t>(in.size() - pos, kZChunk);
      zs.next_in = const_cast<Bytef*>(in.data() + pos);
      zs.avail_in = static_cast<uInt>(n);
      pos += n;
      if (pos == in.size()) flush = Z_FINISH;
    }
    if (out.size() - start == produced) out.resize(out.size() + std::max<std::size_t>(produced / 2, 4096));
    std::size_t room = std::min<std::size_t>(out.size() - start - produced, kZChunk);
    zs.next_out = out.data() + start + produced;
    zs.avail_out = static_cast<uInt>(room);
    int r = deflate(&zs, flush);
    produced += room - zs.avail_out;
    if (r == Z_STREAM_END) break;
    if (r != Z_OK && r != Z_BUF_ERROR) {
      out.resize(start);
      return codec_errc::invalid_value;
    }
  }
  out.resize(start + produced);
  // XFL: zlib writes 2 at level 9 and 4 at level 1; GZIPOutputStream always
  // writes 0. Informational only, and not covered by any checksum (no FHCRC).
  out[start + 8] = 0;
  return {};
}

std::error_code gzip_decompress(std::span<const std::uint8_t> in, BoundedSink& sink) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return fail(sink, codec_errc::decompression_failed);  // gzip only
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  std::size_t pos = 0;
  for (;;) {
    if (zs.avail_in == 0 && pos < in.size()) {
      std::size_t n = std::min<std::size_t>(in.size() - pos, kZChunk);
      zs.next_in = const_cast<Bytef*>(in.data() + pos);
      zs.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    auto space = sink.space();
    const std::size_t room = std::min<std::size_t>(space.size(), kZChunk);
    zs.next_out = space.data();
    zs.avail_out = static_cast<uInt>(room);
    const uInt avail_in_before = zs.avail_in;
    const int r = inflate(&zs, Z_NO_FLUSH);
    const std::size_t wrote = room - zs.avail_out;
    sink.commit(wrote);
    if (sink.too_large()) return fail(sink, codec_errc::decompressed_too_large);
    const std::size_t left = zs.avail_in + (in.size() - pos);
    if (r == Z_STREAM_END) {
      if (left == 0) break;
      // Another gzip member (GZIPInputStream reads concatenated members); any
      // other trailing bytes are corrupt input.
      const std::uint8_t* next = zs.avail_in != 0 ? zs.next_in : in.data() + pos;
      if (left < 2 || next[0] != 0x1f || next[1] != 0x8b) return fail(sink, codec_errc::decompression_failed);
      if (inflateReset(&zs) != Z_OK) return fail(sink, codec_errc::decompression_failed);
      continue;
    }
    // Z_DATA_ERROR (corrupt data or trailer CRC/size), Z_NEED_DICT, Z_MEM_ERROR, ...
    if (r != Z_OK && r != Z_BUF_ERROR) return fail(sink, codec_errc::decompression_failed);
    // No progress although there is output room: the input ended mid-stream
    // (or zlib is stuck); never loop on it. Input is refilled above whenever
    // zlib has consumed all it was given.
    if (wrote == 0 && zs.avail_in == avail_in_before && (zs.avail_in != 0 || pos == in.size())) {
      return fail(sink, codec_errc::decompression_failed);
    }
  }
  sink.finish();
  return {};
}

// ---------------------------------------------------------------------------
// snappy (xerial snappy-java framing).

constexpr std::array<std::uint8_t, 8> kSnappyMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kSnappyHeaderSize = 16;  // magic, int32 version, int32 compatible version
constexpr std::uint32_t kSnappyVersion = 1;
constexpr std::uint32_t kSnappyCompatibleVersion = 1;
constexpr std::size_t kSnappyBlockSize = 32 * 1024;  // SnappyOutputStream.DEFAULT_BLOCK_SIZE
// A snappy element expands at most 64 output bytes from 3 input bytes (copy
// with a 2-byte offset); literals never expand. So a valid block of n bytes
// decompresses to less than 22 * n bytes.
constexpr std::size_t kSnappyMaxRatio = 22;

std::error_code snappy_compress(std::span<const std::uint8_t> in, Bytes& out) {
  out.insert(out.end(), kSnappyMagic.begin(), kSnappyMagic.end());
  put_be32(out, kSnappyVersion);
  put_be32(out, kSnappyCompatibleVersion);
  for (std::size_t pos = 0; pos < in.size(); pos += kSnappyBlockSize) {
    const std::size_t n = std::min(kSnappyBlockSize, in.size() - pos);
    const std::size_t at = out.size();
    out.resize(at + 4 + snappy::MaxCompressedLength(n));
    std::size_t written = 0;
    snappy::RawCompress(as_chars(in.data() + pos), n, as_chars(out.data() + at + 4), &written);
    BufferWriter::store_be(out.data() + at, static_cast<std::uint32_t>(written));
    out.resize(at + 4 + written);
  }
  return {};
}

// One raw snappy block, length checked against the budget before allocating.
codec_errc snappy_block(std::span<const std::uint8_t> block, BoundedSink& sink) {
  std::size_t ulen = 0;
  if (block.empty() || !snappy::GetUncompressedLength(as_chars(block.data()), block.size(), &ulen)) {
    return codec_errc::decompression_failed;
  }
  if (ulen / kSnappyMaxRatio > block.size()) return codec_errc::decompression_failed;
  if (ulen > sink.budget()) return codec_errc::decompressed_too_large;
  std::uint8_t* dst = sink.append_exact(ulen);
  if (!snappy::RawUncompress(as_chars(block.data()), block.size(), as_chars(dst))) {
    return codec_errc::decompression_failed;
  }
  return codec_errc::ok;
}

bool has_snappy_magic(std::span<const std::uint8_t> in) {
  return in.size() >= kSnappyMagic.size() && std::equal(kSnappyMagic.begin(), kSnappyMagic.end(), in.begin());
}

std::error_code snappy_decompress(std::span<const std::uint8_t> in, BoundedSink& sink) {
  // As SnappyInputStream (snappy-java 1.1.10.5, Kafka's dependency): empty input
  // is an error; input shorter than the 16-byte header or without the magic
  // is one raw snappy block (Snappy.compress output).
  if (in.empty()) return fail(sink, codec_errc::decompression_failed);
  if (in.size() < kSnappyHeaderSize || !has_snappy_magic(in)) {
    if (auto e = snappy_block(in, sink); e != codec_errc::ok) return fail(sink, e);
    sink.finish();
    return {};
  }
  // The first header's version fields are not checked (neither does snappy-java).
  std::size_t pos = kSnappyHeaderSize;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return fail(sink, codec_errc::decompression_failed);
    auto rest = in.subspan(pos);
    const std::uint32_t chunk = load_be32(rest.data());
    if (has_snappy_magic(rest)) {
      // A concatenated stream: another header, its version >= 1 (as snappy-java).
      if (rest.size() < kSnappyHeaderSize || load_be32(rest.data() + 8) < kSnappyCompatibleVersion) {
        return fail(sink, codec_errc::decompression_failed);
      }
      pos += kSnappyHeaderSize;
      continue;
    }
    if (chunk == 0 || chunk > 0x7fffffffu || chunk > rest.size() - 4) {
      return fail(sink, codec_errc::decompression_failed);
    }
    if (auto e = snappy_block(rest.subspan(4, chunk), sink); e != codec_errc::ok) return fail(sink, e);
    pos += 4 + std::size_t{chunk};
  }
  sink.finish();
  return {};
}

// ---------------------------------------------------------------------------
// lz4 (LZ4 frame as Kafka's Lz4BlockOutputStream).

constexpr std::uint32_t kLz4Magic = 0x184D2204;
constexpr std::uint8_t kLz4Flg = 0x60;  // version 01, block independence, nothing else
constexpr std::uint8_t kLz4Bd = 0x40;   // block max size id 4 = 64 KiB
constexpr std::size_t kLz4BlockSize = 64 * 1024;
constexpr std::uint32_t kLz4Uncompressed = 0x80000000u;

// The frame descriptor's header checksum: second byte of XXH32(FLG..BD, seed 0).
constexpr std::uint32_t rotl32(std::uint32_t x, int r) noexcept { return (x << r) | (x >> (32 - r)); }
constexpr std::uint8_t lz4_header_checksum(std::uint8_t flg, std::uint8_t bd) noexcept {
  constexpr std::uint32_t p1 = 2654435761u, p2 = 2246822519u, p3 = 3266489917u, p5 = 374761393u;
  std::uint32_t h = p5 + 2;  // seed 0 + PRIME32_5 + length (2 bytes, under 16: no stripes)
  for (std::uint8_t b : {flg, bd}) {
    h += b * p5;
    h = rotl32(h, 11) * p1;
  }
  h ^= h >> 15;
  h *= p2;
  h ^= h >> 13;
  h *= p3;
  h ^= h >> 16;
  return static_cast<std::uint8_t>((h >> 8) & 0xff);
}
// 0x82 is also what liblz4's LZ4F_compressFrame writes for these flags.
static_assert(lz4_header_checksum(kLz4Flg, kLz4Bd) == 0x82);

struct Lz4State {
  std::unique_ptr<std::uint64_t[]> fast;  // 8-byte aligned, as LZ4 requires
  std::unique_ptr<std::uint64_t[]> hc;
};

std::error_code lz4_compress(std::span<const std::uint8_t> in, Bytes& out, int level) {
  thread_local Lz4State state;
  const bool fast = level == kLz4DefaultLevel;  // Kafka: default level = fastCompressor
  void* st = nullptr;
  if (fast) {
    if (!state.fast) state.fast.reset(new std::uint64_t[(static_cast<std::size_t>(LZ4_sizeofState()) + 7) / 8]);
    st = state.fast.get();
  } else {
    if (!state.hc) state.hc.reset(new std::uint64_t[(static_cast<std::size_t>(LZ4_sizeofStateHC()) + 7) / 8]);
    st = state.hc.get();
  }
  const std::size_t start = out.size();
  out.resize(start + 7);
  store_le32(out.data() + start, kLz4Magic);
  out[start + 4] = kLz4Flg;
  out[start + 5] = kLz4Bd;
  out[start + 6] = lz4_header_checksum(kLz4Flg, kLz4Bd);
  const int bound = LZ4_compressBound(static_cast<int>(kLz4BlockSize));
  for (std::size_t pos = 0; pos < in.size(); pos += kLz4BlockSize) {
    const std::size_t n = std::min(kLz4BlockSize, in.size() - pos);
    const std::size_t at = out.size();
    out.resize(at + 4 + static_cast<std::size_t>(bound));
    const char* src = as_chars(in.data() + pos);
    char* dst = as_chars(out.data() + at + 4);
    const int c = fast ? LZ4_compress_fast_extState(st, src, dst, static_cast<int>(n), bound, 1)
                       : LZ4_compress_HC_extStateHC(st, src, dst, static_cast<int>(n), bound, level);
    if (c > 0 && static_cast<std::size_t>(c) < n) {
      store_le32(out.data() + at, static_cast<std::uint32_t>(c));
      out.resize(at + 4 + static_cast<std::size_t>(c));
    } else {  // incompressible (or failed): stored as is, as Kafka does
      store_le32(out.data() + at, static_cast<std::uint32_t>(n) | kLz4Uncompressed);
      std::memcpy(out.data() + at + 4, in.data() + pos, n);
      out.resize(at + 4 + n);
    }
  }
  const std::size_t end = out.size();
  out.resize(end + 4);
  store_le32(out.data() + end, 0);  // end mark; no content checksum
  return {};
}

std::error_code lz4_decompress(std::span<const std::uint8_t> in, BoundedSink& sink) {
  // Kafka's Lz4BlockInputStream takes only this magic (no skippable or legacy frames).
  if (in.size() < 4 || load_le32(in.data()) != kLz4Magic) return fail(sink, codec_errc::decompression_failed);
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return fail(sink, codec_errc::decompression_failed);
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> dctx(raw, LZ4F_freeDecompressionContext);
  // LZ4F checks the header checksum, version and reserved bits, block sizes
  // against the declared maximum, and block/content checksums when present.
  // Its own buffers are bounded by the block maximum size (4 MiB at most).
  std::size_t pos = 0;
  for (;;) {
    auto space = sink.space();
    std::size_t dst_size = space.size();
    std::size_t src_size = in.size() - pos;
    const std::size_t hint = LZ4F_decompress(dctx.get(), space.data(), &dst_size, in.data() + pos, &src_size, nullptr);
    if (LZ4F_isError(hint)) return fail(sink, codec_errc::decompression_failed);
    pos += src_size;
    sink.commit(dst_size);
    if (sink.too_large()) return fail(sink, codec_errc::decompressed_too_large);
    if (hint == 0) {  // frame complete and flushed
      if (pos != in.size()) return fail(sink, codec_errc::decompression_failed);  // trailing bytes
      break;
    }
    if (src_size == 0 && dst_size == 0) {
      if (pos == in.size()) return fail(sink, codec_errc::decompression_failed);  // truncated
      if (space.empty()) return fail(sink, codec_errc::decompressed_too_large);
      return fail(sink, codec_errc::decompression_failed);  // no progress: never loop forever
    }
  }
  sink.finish();
  return {};
}

// ---------------------------------------------------------------------------
// zstd.

struct ZstdDeleter {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
  void operator()(ZSTD_DCtx* d) const noexcept { ZSTD_freeDCtx(d); }
};

std::error_code zstd_compress(std::span<const std::uint8_t> in, Bytes& out, int level) {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) return codec_errc::invalid_value;
  const std::size_t start = out.size();
  out.resize(start + ZSTD_compressBound(in.size()));
  // Compresses at `level`, ignoring any other parameter; no checksum, content size in the header.
  const std::size_t n = ZSTD_compressCCtx(cctx.get(), out.data() + start, out.size() - start, in.data(), in.size(), level);
  if (ZSTD_isError(n)) {
    out.resize(start);
    return codec_errc::invalid_value;
  }
  out.resize(start + n);
  return {};
}

// One-shot decompression straight into `out`: the output itself is the
// history, so the decoder allocates no window, whatever window the frame
// declares (the Java client's streaming frames declare 2 MiB at level 3,
// 128 MiB at level 22, even for one byte). The buffer is sized by
// ZSTD_decompressBound (exact when the frames declare their content size,
// else blocks x min(128 KiB, window)), never more than max_out + 1 bytes.
// Kafka writes standard zstd frames only. libzstd may also be built to read
// legacy formats (v0.1-v0.7), whose size bounds it does not report
// reliably: accept standard and skippable frames, nothing else.
bool only_standard_zstd_frames(std::span<const std::uint8_t> in) {
  std::size_t pos = 0;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return false;
    const std::uint32_t magic = static_cast<std::uint32_t>(in[pos]) | static_cast<std::uint32_t>(in[pos + 1]) << 8 |
                                static_cast<std::uint32_t>(in[pos + 2]) << 16 |
                                static_cast<std::uint32_t>(in[pos + 3]) << 24;
    const bool standard = magic == 0xFD2FB528u;
    const bool skippable = (magic & 0xFFFFFFF0u) == 0x184D2A50u;
    if (!standard && !skippable) return false;
    const std::size_t n = ZSTD_findFrameCompressedSize(in.data() + pos, in.size() - pos);
    if (ZSTD_isError(n) || n == 0) return false;
    pos += n;
  }
  return true;
}

std::error_code zstd_decompress(std::span<const std::uint8_t> in, BoundedSink& sink, std::size_t max_out) {
  if (!only_standard_zstd_frames(in)) return fail(sink, codec_errc::decompression_failed);
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return fail(sink, codec_errc::decompression_failed);
  ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_and_parameters);
  // Walks the frame and block headers only; fails on malformed or truncated frames.
  const unsigned long long bound = ZSTD_decompressBound(in.data(), in.size());
  if (in.empty() || bound == ZSTD_CONTENTSIZE_ERROR) return fail(sink, codec_errc::decompression_failed);
  // A first frame declaring more than max_out fails before allocating anything.
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR && declared > max_out) {
    return fail(sink, codec_errc::decompressed_too_large);
  }
  const std::size_t cap = max_out == std::numeric_limits<std::size_t>::max() ? max_out : max_out + 1;
  const std::size_t room = bound < cap ? static_cast<std::size_t>(bound) : cap;
  std::uint8_t* dst = sink.append_exact(room);
  const std::size_t n = ZSTD_decompressDCtx(dctx.get(), dst, room, in.data(), in.size());
  if (ZSTD_isError(n)) {
    // Out of room with max_out + 1 bytes: the output would pass max_out.
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall && room == cap) {
      return fail(sink, codec_errc::decompressed_too_large);
    }
    return fail(sink, codec_errc::decompression_failed);  // corrupt, truncated, trailing bytes
  }
  if (n > max_out) return fail(sink, codec_errc::decompressed_too_large);
  sink.shrink(room - n);
  sink.finish();
  return {};
}

}  // namespace

std::error_code compress(Compression codec, std::span<const std::uint8_t> in, Bytes& out, std::optional<int> level) {
  const auto resolved = resolve_level(codec, level);
  if (!resolved) {
    switch (codec) {
      case Compression::gzip:
      case Compression::lz4:
      case Compression::zstd: return codec_errc::invalid_value;
      default: return codec_errc::unsupported_codec;
    }
  }
  switch (codec) {
    case Compression::none:
      out.insert(out.end(), in.begin(), in.end());
      return {};
    case Compression::gzip: return gzip_compress(in, out, *resolved);
    case Compression::snappy: return snappy_compress(in, out);
    case Compression::lz4: return lz4_compress(in, out, *resolved);
    case Compression::zstd: return zstd_compress(in, out, *resolved);
  }
  return codec_errc::unsupported_codec;
}

std::error_code decompress(Compression codec, std::span<const std::uint8_t> in, Bytes& out, std::size_t max_out) {
  BoundedSink sink(out, max_out);
  switch (codec) {
    case Compression::none:
      if (in.size() > max_out) return codec_errc::decompressed_too_large;
      out.insert(out.end(), in.begin(), in.end());
      return {};
    case Compression::gzip: return gzip_decompress(in, sink);
    case Compression::snappy: return snappy_decompress(in, sink);
    case Compression::lz4: return lz4_decompress(in, sink);
    case Compression::zstd: return zstd_decompress(in, sink, max_out);
  }
  return codec_errc::unsupported_codec;
}

}  // namespace sluice::protocol
