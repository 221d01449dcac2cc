#pragma once
// The fuzz targets' bodies, shared by the libFuzzer executables
// (fuzz_entry.cpp) and the Catch2 replay of test/fuzz/regressions
// (test/protocol/fuzz_regressions_test.cpp).
//
// Input layout (the leading selector bytes let one target cover every
// version; seeds in corpus/<target>/ follow it):
//   response_header   [api index % known_apis][version int16 BE] frame
//   api_versions,
//   metadata, produce,
//   init_producer_id  [version selector] body; version = b % (max + 3) - 1,
//                     so one unsupported version on each side is covered
//   record_batch      [flags] batches; bit 0 set = verify the CRC, bits 1-2
//                     pick max_decompressed_bytes (64 KiB, 4 KiB, 256, 16)
//   decompress        [codec id % 8][max_out / 64 - 1] compressed bytes
//
// Besides "no crash / no sanitizer report", each target checks invariants:
// an error has a code, names a field and points inside the input; a
// response that decodes ends where its fields end: bytes after it are
// skipped and counted (ApiVersions: refused as trailing_bytes), one byte
// added is one more skipped (refused at the same offset), and cutting its
// last field's last byte fails; re-encodable results re-encode; a
// RecordBatch that decodes re-encodes through RecordBatchBuilder to the same
// records; decompress appends at most max_out bytes and round-trips.
// A broken invariant calls the failure hook (default: print and abort, which
// libFuzzer reports as a crash).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/codec_error.hpp"
#include "sluice/protocol/compression.hpp"
#include "sluice/protocol/create_topics.hpp"
#include "sluice/protocol/crc32c.hpp"
#include "sluice/protocol/headers.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/sasl.hpp"
#include "sluice/protocol/record_batch.hpp"
#include "sluice/protocol/record_batch_builder.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

namespace sluice::fuzz {

using Input = std::span<const std::uint8_t>;
namespace p = sluice::protocol;

// What a run did (for the replay test's statistics).
enum class Outcome { skipped, decoded, rejected };

// ---- failure reporting ------------------------------------------------------

using FailureHook = void (*)(const std::string& message);

[[noreturn]] inline void abort_hook(const std::string& message) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

inline FailureHook& failure_hook() {
  static FailureHook hook = nullptr;
  return hook;
}

[[noreturn]] inline void fail(const char* target, const std::string& what) {
  std::string m = std::string(target) + ": " + what;
  if (failure_hook() != nullptr) failure_hook()(m);
  abort_hook(m);  // the hook must not return; if it does, abort anyway
}

inline void check(bool cond, const char* target, const char* what) {
  if (!cond) fail(target, what);
}

// An error from decoding `size` bytes: has a code, names a field, points
// inside the input (offset == size: at the end), and formats.
inline void check_error(const p::DecodeError& e, std::size_t size, const char* target,
                        bool offset_may_exceed = false) {
  check(e.code != p::codec_errc::ok, target, "decode failed with codec_errc::ok");
  check(e.field != nullptr && e.field[0] != '\0', target, "decode error names no field");
  if (!offset_may_exceed && e.offset > size) {
    fail(target, "error offset past the input: " + e.message() + " (input " + std::to_string(size) + " bytes)");
  }
  check(!e.message().empty(), target, "empty error message");
  check(!e.error_code().message().empty(), target, "empty error_code message");
}

inline std::int16_t pick_version(std::uint8_t selector, std::int16_t max) {
  return static_cast<std::int16_t>(selector % (max + 3) - 1);
}

// ---- message bodies -----------------------------------------------------------

// Decodes `body` at `version` and checks the generic invariants. Returns the
// decoded message if any.
template <class T, class Decode>
std::optional<T> decode_checked(const char* target, p::ApiKey key, Input body, std::int16_t version,
                                Decode&& decode) {
  p::Result<T> r = decode(body, version);
  const bool supported = p::supported_versions(key).contains(version);
  if (!r) {
    check_error(r.error(), body.size(), target);
    if (!supported) check(r.error().code == p::codec_errc::unsupported_version, target,
                          "unsupported version not reported as unsupported_version");
    return std::nullopt;
  }
  check(supported, target, "decoded a body at an unsupported version");
  // Responses skip what follows their last field (finish_response);
  // ApiVersions refuses it (finish_exact: its layouts are told apart by it).
  const bool skips_trailing = key != p::ApiKey::ApiVersions;
  const std::size_t ignored = r.trailing_bytes_ignored();
  check(ignored <= body.size(), target, "more bytes ignored than the input holds");
  if (!skips_trailing) check(ignored == 0, target, "ApiVersions ignored bytes after its end");
  const std::size_t end = body.size() - ignored;
  // One more byte: skipped as well (or refused at the message's end).
  std::vector<std::uint8_t> longer(body.begin(), body.end());
  longer.push_back(0);
  p::Result<T> r2 = decode(Input(longer), version);
  if (skips_trailing) {
    if (!r2) fail(target, "a byte after a decoded response made it fail: " + r2.error().message());
    check(r2.trailing_bytes_ignored() == ignored + 1, target, "a byte after a decoded response was not counted");
  } else {
    if (r2) fail(target, "a trailing byte after a valid body was accepted");
    check(r2.error().code == p::codec_errc::trailing_bytes && r2.error().offset == body.size(), target,
          "a trailing byte was not reported as trailing_bytes at the end of the body");
  }
  if (ignored > 0) {
    // The message alone decodes, with nothing left over.
    p::Result<T> alone = decode(body.first(end), version);
    if (!alone) fail(target, "a response without its skipped bytes failed: " + alone.error().message());
    check(alone.trailing_bytes_ignored() == 0, target, "a response without its skipped bytes still skipped some");
  }
  // One byte fewer than the message: some read runs out.
  if (end > 0) {
    p::Result<T> r3 = decode(body.first(end - 1), version);
    if (r3) fail(target, "a valid body cut by one byte still decoded");
    check_error(r3.error(), end - 1, target);
  }
  return std::move(r).value();
}

inline void reencode_api_versions(const p::ApiVersionsResponse& m) {
  for (auto key : p::known_apis()) {
    auto range = m.range_of(key);
    (void)range;
  }
}

inline void reencode_metadata(const p::MetadataResponse& m, std::int16_t version) {
  // The topics of a response, asked for again (as the producer does).
  p::MetadataRequest req;
  req.topics.emplace();
  for (const auto& t : m.topics) req.topics->push_back({t.topic_id, t.name});
  p::Bytes out;
  p::BufferWriter w(out);
  check(!p::encode(req, w, version), "metadata", "re-encoding the topics as a request failed");
}

inline void reencode_produce(const p::ProduceResponse& m, std::int16_t version) {
  p::ProduceRequest req;
  for (const auto& t : m.topics) {
    auto& rt = req.topics.emplace_back();
    rt.name = t.name;
    rt.topic_id = t.topic_id;
    for (const auto& part : t.partitions) rt.partitions.push_back({part.index, {}});
  }
  p::Bytes out;
  p::BufferWriter w(out);
  check(!p::encode(req, w, version), "produce", "re-encoding the topics as a request failed");
}

inline Outcome decode_body(const char* target, p::ApiKey key, Input body, std::int16_t version) {
  switch (key) {
    case p::ApiKey::ApiVersions: {
      auto m = decode_checked<p::ApiVersionsResponse>(target, key, body, version, p::decode_api_versions_response);
      if (!m) return Outcome::rejected;
      reencode_api_versions(*m);
      return Outcome::decoded;
    }
    case p::ApiKey::Metadata: {
      auto m = decode_checked<p::MetadataResponse>(target, key, body, version, p::decode_metadata_response);
      if (!m) return Outcome::rejected;
      reencode_metadata(*m, version);
      return Outcome::decoded;
    }
    case p::ApiKey::Produce: {
      auto m = decode_checked<p::ProduceResponse>(target, key, body, version, p::decode_produce_response);
      if (!m) return Outcome::rejected;
      reencode_produce(*m, version);
      return Outcome::decoded;
    }
    case p::ApiKey::InitProducerId: {
      auto m = decode_checked<p::InitProducerIdResponse>(target, key, body, version,
                                                         p::decode_init_producer_id_response);
      return m ? Outcome::decoded : Outcome::rejected;
    }
    case p::ApiKey::SaslHandshake: {
      auto m = decode_checked<p::SaslHandshakeResponse>(target, key, body, version,
                                                        p::decode_sasl_handshake_response);
      return m ? Outcome::decoded : Outcome::rejected;
    }
    case p::ApiKey::SaslAuthenticate: {
      auto m = decode_checked<p::SaslAuthenticateResponse>(target, key, body, version,
                                                           p::decode_sasl_authenticate_response);
      return m ? Outcome::decoded : Outcome::rejected;
    }
    case p::ApiKey::CreateTopics: {  // through response_header only (no target of its own)
      auto m = decode_checked<p::CreateTopicsResponse>(target, key, body, version, p::decode_create_topics_response);
      return m ? Outcome::decoded : Outcome::rejected;
    }
    default: return Outcome::skipped;  // no body decoder
  }
}

inline Outcome run_message(const char* target, p::ApiKey key, Input data) {
  if (data.empty()) return Outcome::skipped;
  const std::int16_t version = pick_version(data[0], p::supported_versions(key).max);
  return decode_body(target, key, data.subspan(1), version);
}

inline Outcome run_api_versions(Input data) { return run_message("api_versions", p::ApiKey::ApiVersions, data); }
inline Outcome run_metadata(Input data) { return run_message("metadata", p::ApiKey::Metadata, data); }
inline Outcome run_produce(Input data) { return run_message("produce", p::ApiKey::Produce, data); }
inline Outcome run_init_producer_id(Input data) {
  return run_message("init_producer_id", p::ApiKey::InitProducerId, data);
}
inline Outcome run_sasl(Input data) {
  // First byte: which SASL API (even: SaslHandshake, odd: SaslAuthenticate).
  if (data.empty()) return Outcome::skipped;
  const p::ApiKey key = (data[0] & 1) == 0 ? p::ApiKey::SaslHandshake : p::ApiKey::SaslAuthenticate;
  return run_message("sasl", key, data.subspan(1));
}

// ---- response header (+ body) -------------------------------------------------

inline Outcome run_response_header(Input data) {
  constexpr const char* target = "response_header";
  if (data.size() < 3) return Outcome::skipped;
  const auto apis = p::known_apis();
  const p::ApiKey key = apis[data[0] % apis.size()];
  const auto version = static_cast<std::int16_t>((data[1] << 8) | data[2]);
  const Input frame = data.subspan(3);

  const auto peeked = p::peek_correlation_id(frame);
  check(peeked.has_value() == (frame.size() >= 4), target, "peek_correlation_id disagrees with the frame size");
  p::BufferReader r(frame);
  const p::ResponseHeader h = p::decode_response_header(r, key, version);
  if (!r.ok()) {
    check_error(r.error(), frame.size(), target);
    return Outcome::rejected;
  }
  check(peeked && *peeked == h.correlation_id, target, "header and peek_correlation_id disagree");
  if (p::response_header_version(key, version) == 0) {
    check(r.position() == 4, target, "header v0 is not exactly 4 bytes");
  } else {
    check(r.position() >= 5, target, "header v1 shorter than 5 bytes");
  }
  const Outcome body = decode_body(target, key, frame.subspan(r.position()), version);
  return body == Outcome::skipped ? Outcome::decoded : body;
}

// ---- RecordBatch ----------------------------------------------------------------

inline p::BatchDecodeOptions batch_options(std::uint8_t flags) {
  p::BatchDecodeOptions o;
  o.verify_crc = (flags & 1) != 0;
  o.max_decompressed_bytes = std::size_t{65536} >> (4 * ((flags >> 1) & 3));
  return o;
}

inline bool same_records(const p::DecodedBatch& a, const p::DecodedBatch& b) {
  if (a.records.size() != b.records.size()) return false;
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    const auto& x = a.records[i];
    const auto& y = b.records[i];
    if (x.timestamp != y.timestamp || x.key != y.key || x.value != y.value || x.headers != y.headers) return false;
  }
  return true;
}

// Re-encodes a decoded batch's records with the builder and decodes them
// again (only for what the builder can express).
inline void reencode_batch(const p::DecodedBatch& b) {
  constexpr const char* target = "record_batch";
  if (b.records.empty() || b.compression() != p::Compression::none || b.is_control()) return;
  const std::int64_t base = b.records.front().timestamp;
  for (const auto& rec : b.records) {
    std::int64_t d = 0;
    if (__builtin_sub_overflow(rec.timestamp, base, &d)) return;  // delta not representable
  }
  p::RecordBatchBuilder builder;
  builder.set_transactional(b.is_transactional());
  for (const auto& rec : b.records) {
    std::vector<p::RecordHeaderView> headers;
    for (const auto& h : rec.headers) {
      p::RecordHeaderView v;
      v.key = h.key;
      if (h.value) v.value = p::ByteView(*h.value);
      headers.push_back(v);
    }
    std::optional<p::ByteView> key, value;
    if (rec.key) key = p::ByteView(*rec.key);
    if (rec.value) value = p::ByteView(*rec.value);
    const std::size_t predicted = builder.record_size(rec.timestamp, key, value, headers);
    const std::size_t written = builder.append(rec.timestamp, key, value, headers);
    check(predicted == written, target, "record_size() disagrees with append()");
  }
  builder.finish();
  builder.set_producer_state(b.producer_id, b.producer_epoch, b.base_sequence);
  const p::ByteView bytes = builder.bytes();
  std::size_t used = 0;
  auto again = p::decode_record_batch(bytes, &used);
  if (!again) fail(target, "re-encoded batch does not decode: " + again.error().message());
  check(used == bytes.size(), target, "re-encoded batch not consumed whole");
  check(same_records(b, *again), target, "re-encoded batch decodes to different records");
  check(again->producer_id == b.producer_id && again->producer_epoch == b.producer_epoch &&
            again->base_sequence == b.base_sequence && again->is_transactional() == b.is_transactional(),
        target, "re-encoded batch has different producer state");
}

inline Outcome run_record_batch(Input data) {
  constexpr const char* target = "record_batch";
  if (data.empty()) return Outcome::skipped;
  const p::BatchDecodeOptions opt = batch_options(data[0]);
  const Input in = data.subspan(1);

  auto all = p::decode_record_batches(in, opt);

  // The same, one batch at a time: must agree with decode_record_batches.
  std::size_t pos = 0;
  std::size_t count = 0;
  std::optional<p::DecodeError> err;
  std::size_t err_batch = 0;
  while (pos < in.size()) {
    std::size_t used = 0;
    auto b = p::decode_record_batch(in.subspan(pos), &used, opt);
    if (!b) {
      err = b.error();
      err_batch = pos;
      break;
    }
    check(used >= p::batch::kHeaderSize && used <= in.size() - pos, target, "consumed size out of range");
    check(b->magic == p::batch::kMagicV2, target, "decoded a batch whose magic is not 2");
    if (!opt.verify_crc) {
      // Decoding with the CRC checked gives the same batch or a CRC mismatch.
      p::BatchDecodeOptions strict = opt;
      strict.verify_crc = true;
      auto s = p::decode_record_batch(in.subspan(pos, used), nullptr, strict);
      if (!s) {
        check(s.error().code == p::codec_errc::crc_mismatch && s.error().offset == p::batch::kCrc, target,
              "verify_crc changed the outcome other than by crc_mismatch at the Crc field");
      } else {
        check(s->crc == p::crc32c(in.subspan(pos + p::batch::kAttributes, used - p::batch::kAttributes)), target,
              "CRC accepted but does not match");
      }
    }
    reencode_batch(*b);
    pos += used;
    ++count;
  }

  if (all) {
    check(!err && all->size() == count, target, "decode_record_batches and decode_record_batch disagree");
    return Outcome::decoded;
  }
  check(err.has_value(), target, "decode_record_batches failed where every batch decoded");
  const p::DecodeError& e = all.error();
  check(e.code == err->code && std::string_view(e.field) == err->field && e.offset == err_batch + err->offset,
        target, "decode_record_batches reports a different error than decode_record_batch");
  check_error(e, in.size(), target, false);
  return Outcome::rejected;
}

// ---- decompression ----------------------------------------------------------------

inline Outcome run_decompress(Input data) {
  constexpr const char* target = "decompress";
  if (data.size() < 2) return Outcome::skipped;
  const auto codec = static_cast<p::Compression>(data[0] % 8);
  const std::size_t max_out = 64 * (std::size_t{data[1]} + 1);
  const Input in = data.subspan(2);

  // Output is appended: a prefix already in `out` must survive.
  static constexpr std::uint8_t kPrefix[3] = {0xde, 0xad, 0x01};
  p::Bytes out(std::begin(kPrefix), std::end(kPrefix));
  const std::error_code ec = p::decompress(codec, in, out, max_out);
  check(out.size() >= 3 && std::memcmp(out.data(), kPrefix, 3) == 0, target, "decompress clobbered the output prefix");
  const bool known = data[0] % 8 <= 4;
  if (ec) {
    check(ec.category() == p::codec_category(), target, "decompress error not in the codec category");
    const auto c = static_cast<p::codec_errc>(ec.value());
    check(c == p::codec_errc::decompression_failed || c == p::codec_errc::decompressed_too_large ||
              c == p::codec_errc::unsupported_codec,
          target, "decompress failed with an unexpected error code");
    if (!known) {
      check(c == p::codec_errc::unsupported_codec, target, "an unknown codec id not reported as unsupported_codec");
      return Outcome::rejected;
    }
    if (codec == p::Compression::none) {
      check(c == p::codec_errc::decompressed_too_large && in.size() > max_out, target,
            "codec none failed other than by the size limit");
    }
    return Outcome::rejected;
  }
  check(known, target, "an unknown codec id decompressed");
  const std::size_t produced = out.size() - 3;
  check(produced <= max_out, target, "decompress produced more than max_out");
  const Input plain(out.data() + 3, produced);
  if (codec == p::Compression::none) {
    check(produced == in.size() && (produced == 0 || std::memcmp(plain.data(), in.data(), produced) == 0), target,
          "codec none did not copy its input");
  }
  // The limit is exact: max_out = produced succeeds with the same bytes;
  // produced - 1 fails with decompressed_too_large.
  p::Bytes exact;
  const std::error_code eec = p::decompress(codec, in, exact, produced);
  check(!eec, target, "decompress with max_out = its output size failed");
  check(exact.size() == produced && (produced == 0 || std::memcmp(exact.data(), plain.data(), produced) == 0),
        target, "decompress is not deterministic");
  if (produced > 0) {
    p::Bytes smaller;
    check(p::decompress(codec, in, smaller, produced - 1) == p::codec_errc::decompressed_too_large, target,
          "output one byte over max_out not reported as decompressed_too_large");
  }
  // compress() round trip of what came out, when the codec can compress.
  p::Bytes packed;
  if (!p::compress(codec, plain, packed)) {
    p::Bytes back;
    const std::error_code bec = p::decompress(codec, packed, back, produced);
    check(!bec, target, "compress() output does not decompress");
    check(back.size() == produced && (produced == 0 || std::memcmp(back.data(), plain.data(), produced) == 0), target,
          "compress/decompress round trip changed the data");
  }
  return Outcome::decoded;
}

// ---- table -----------------------------------------------------------------------

struct Target {
  const char* name;
  Outcome (*run)(Input);
};

inline constexpr Target kTargets[] = {
    {"response_header", run_response_header},
    {"api_versions", run_api_versions},
    {"metadata", run_metadata},
    {"produce", run_produce},
    {"init_producer_id", run_init_producer_id},
    {"sasl", run_sasl},
    {"record_batch", run_record_batch},
    {"decompress", run_decompress},
};

// Targets whose bodies need more than protocol/ (their own headers, their
// own executables, replayed by the test of what they feed):
//   metadata_cache  metadata_cache_target.hpp, test/net/metadata_cache_test.cpp
inline constexpr std::string_view kOtherTargets[] = {"metadata_cache"};

inline bool is_other_target(std::string_view name) {
  for (auto t : kOtherTargets) {
    if (name == t) return true;
  }
  return false;
}

inline const Target* find_target(std::string_view name) {
  for (const auto& t : kTargets) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace sluice::fuzz
