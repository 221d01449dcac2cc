#include "sluice/protocol/produce.hpp"

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"
#include "sluice/protocol/record_batch.hpp"

namespace sluice::protocol {

namespace {

// The request body, with each partition's records handed to `records`
// (after their length prefix is written): copied into `w`, or spliced.
template <class Records>
std::error_code encode_body(const ProduceRequest& m, BufferWriter& w, std::int16_t version, Records&& records) {
  if (!supported_versions(ApiKey::Produce).contains(version)) return codec_errc::unsupported_version;
  // zstd batches need Produce v7+ (KIP-110). Checked before writing, so a
  // failed encode leaves the buffer as it was.
  if (version < 7) {
    for (const auto& t : m.topics) {
      for (const auto& p : t.partitions) {
        if (p.records.size() > batch::kAttributes + 1 &&
            (p.records[batch::kAttributes + 1] & batch::kCompressionMask) == static_cast<int>(Compression::zstd)) {
          return codec_errc::unsupported_codec;
        }
      }
    }
  }
  const bool flex = version >= 9;
  w.nullable_string(m.transactional_id, flex);
  w.int16(m.acks);
  w.int32(m.timeout_ms);
  w.array_length(m.topics.size(), flex);
  for (const auto& t : m.topics) {
    if (version >= 13) {
      w.uuid(t.topic_id);
    } else {
      w.string(t.name, flex);
    }
    w.array_length(t.partitions.size(), flex);
    for (const auto& p : t.partitions) {
      w.int32(p.index);
      // Records are never null here: the length prefix as bytes() writes it.
      if (flex) {
        w.uvarint(p.records.size() + 1);
      } else {
        w.int32(static_cast<std::int32_t>(p.records.size()));
      }
      records(p.records);
      if (flex) w.empty_tagged_fields();
    }
    if (flex) w.empty_tagged_fields();
  }
  if (flex) w.empty_tagged_fields();
  return {};
}

}  // namespace

std::error_code encode(const ProduceRequest& m, BufferWriter& w, std::int16_t version) {
  return encode_body(m, w, version, [&w](std::span<const std::uint8_t> records) { w.raw(records); });
}

std::error_code encode_gathered(const ProduceRequest& m, BufferWriter& w, std::int16_t version, Splices& splices) {
  const std::size_t first_new = splices.size();
  auto ec = encode_body(m, w, version, [&w, &splices](std::span<const std::uint8_t> records) {
    if (!records.empty()) splices.push_back(Splice{w.size(), records});
  });
  if (ec) splices.resize(first_new);  // nothing was written; nothing to splice
  return ec;
}

Result<ProduceResponse> decode_produce_response(std::span<const std::uint8_t> body, std::int16_t version) {
  if (auto bad = check_version(ApiKey::Produce, "ProduceResponse", version)) return *bad;
  const bool flex = version >= 9;
  BufferReader r(body);
  ProduceResponse m;
  std::size_t nt = r.array_length("Responses", flex, 2);
  m.topics.reserve(nt);
  for (std::size_t i = 0; i < nt && r.ok(); ++i) {
    auto& t = m.topics.emplace_back();
    if (version >= 13) {
      t.topic_id = r.uuid("Responses.TopicId");
    } else {
      t.name = r.string("Responses.Name", flex);
    }
    std::size_t np = r.array_length("Responses.PartitionResponses", flex, 14);
    t.partitions.reserve(np);
    for (std::size_t j = 0; j < np && r.ok(); ++j) {
      auto& p = t.partitions.emplace_back();
      p.index = r.int32("Responses.PartitionResponses.Index");
      p.error_code = r.int16("Responses.PartitionResponses.ErrorCode");
      p.base_offset = r.int64("Responses.PartitionResponses.BaseOffset");
      if (version >= 2) p.log_append_time_ms = r.int64("Responses.PartitionResponses.LogAppendTimeMs");
      if (version >= 5) p.log_start_offset = r.int64("Responses.PartitionResponses.LogStartOffset");
      if (version >= 8) {
        std::size_t ne = r.array_length("Responses.PartitionResponses.RecordErrors", flex, 5);
        p.record_errors.reserve(ne);
        for (std::size_t k = 0; k < ne && r.ok(); ++k) {
          auto& e = p.record_errors.emplace_back();
          e.batch_index = r.int32("RecordErrors.BatchIndex");
          e.batch_index_error_message = r.nullable_string("RecordErrors.BatchIndexErrorMessage", flex);
          if (flex) r.skip_tagged_fields("RecordErrors.TaggedFields");
        }
        p.error_message = r.nullable_string("Responses.PartitionResponses.ErrorMessage", flex);
      }
      if (flex) {
        r.tagged_fields("Responses.PartitionResponses.TaggedFields", [&](std::uint32_t tag, BufferReader& f) {
          if (tag != 0 || version < 10) return;
          ProduceResponse::LeaderIdAndEpoch l;
          l.leader_id = f.int32("CurrentLeader.LeaderId");
          l.leader_epoch = f.int32("CurrentLeader.LeaderEpoch");
          f.skip_tagged_fields("CurrentLeader.TaggedFields");
          if (f.ok() && !f.at_end()) f.fail(codec_errc::trailing_bytes, "CurrentLeader");
          p.current_leader = l;
        });
      }
    }
    if (flex) r.skip_tagged_fields("Responses.TaggedFields");
  }
  m.throttle_time_ms = r.int32("ThrottleTimeMs");
  if (flex) {
    r.tagged_fields("TaggedFields", [&](std::uint32_t tag, BufferReader& f) {
      if (tag != 0 || version < 10) return;
      std::size_t n = f.array_length("NodeEndpoints", true, 11);
      for (std::size_t i = 0; i < n && f.ok(); ++i) {
        auto& e = m.node_endpoints.emplace_back();
        e.node_id = f.int32("NodeEndpoints.NodeId");
        e.host = f.string("NodeEndpoints.Host", true);
        e.port = f.int32("NodeEndpoints.Port");
        e.rack = f.nullable_string("NodeEndpoints.Rack", true);
        f.skip_tagged_fields("NodeEndpoints.TaggedFields");
      }
      if (f.ok() && !f.at_end()) f.fail(codec_errc::trailing_bytes, "NodeEndpoints");
    });
  }
  return finish_response(r, std::move(m));
}

}  // namespace sluice::protocol
