#pragma once
// Test-only encoders for the responses Sluice decodes (the codec itself only
// encodes requests). Written from Kafka's message schemas
// (clients/src/main/resources/common/message/*Response.json), independently
// of the decoders, and used by the seed generator and the unit tests to make
// valid response bodies at any version.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/api_versions.hpp"
#include "sluice/protocol/buffer_writer.hpp"
#include "sluice/protocol/init_producer_id.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"

namespace sluice::fuzz {

using protocol::BufferWriter;
using protocol::Bytes;

namespace detail {
inline std::optional<std::string_view> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}
// A tagged field: tag, size, then the bytes `body` wrote.
template <class Body>
void tagged_field(BufferWriter& w, std::uint32_t tag, Body&& body) {
  Bytes tmp;
  BufferWriter t(tmp);
  body(t);
  w.uvarint(tag);
  w.uvarint(tmp.size());
  w.raw(tmp);
}
}  // namespace detail

// ApiVersions response body, v0-v4 (flexible from v3). Tagged fields (v3+)
// are written only when they differ from their defaults, as brokers do.
inline Bytes write_api_versions_response(const protocol::ApiVersionsResponse& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  const bool flex = version >= 3;
  w.int16(m.error_code);
  w.array_length(m.api_keys.size(), flex);
  for (const auto& a : m.api_keys) {
    w.int16(a.api_key);
    w.int16(a.min_version);
    w.int16(a.max_version);
    if (flex) w.empty_tagged_fields();
  }
  if (version >= 1) w.int32(m.throttle_time_ms);
  if (flex) {
    std::uint32_t n = 0;
    if (!m.supported_features.empty()) ++n;
    if (m.finalized_features_epoch != -1) ++n;
    if (!m.finalized_features.empty()) ++n;
    if (m.zk_migration_ready) ++n;
    w.uvarint(n);
    if (!m.supported_features.empty()) {
      detail::tagged_field(w, 0, [&](BufferWriter& t) {
        t.array_length(m.supported_features.size(), true);
        for (const auto& f : m.supported_features) {
          t.string(f.name, true);
          t.int16(f.min_version);
          t.int16(f.max_version);
          t.empty_tagged_fields();
        }
      });
    }
    if (m.finalized_features_epoch != -1) {
      detail::tagged_field(w, 1, [&](BufferWriter& t) { t.int64(m.finalized_features_epoch); });
    }
    if (!m.finalized_features.empty()) {
      detail::tagged_field(w, 2, [&](BufferWriter& t) {
        t.array_length(m.finalized_features.size(), true);
        for (const auto& f : m.finalized_features) {
          t.string(f.name, true);
          t.int16(f.max_version_level);
          t.int16(f.min_version_level);
          t.empty_tagged_fields();
        }
      });
    }
    if (m.zk_migration_ready) {
      detail::tagged_field(w, 3, [&](BufferWriter& t) { t.boolean(true); });
    }
  }
  return out;
}

// Metadata response body, v0-v13 (flexible from v9).
inline Bytes write_metadata_response(const protocol::MetadataResponse& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  const bool flex = version >= 9;
  if (version >= 3) w.int32(m.throttle_time_ms);
  w.array_length(m.brokers.size(), flex);
  for (const auto& b : m.brokers) {
    w.int32(b.node_id);
    w.string(b.host, flex);
    w.int32(b.port);
    if (version >= 1) w.nullable_string(detail::view(b.rack), flex);
    if (flex) w.empty_tagged_fields();
  }
  if (version >= 2) w.nullable_string(detail::view(m.cluster_id), flex);
  if (version >= 1) w.int32(m.controller_id);
  w.array_length(m.topics.size(), flex);
  for (const auto& t : m.topics) {
    w.int16(t.error_code);
    if (version >= 12) {
      w.nullable_string(detail::view(t.name), flex);
    } else {
      w.string(t.name.value_or(""), flex);
    }
    if (version >= 10) w.uuid(t.topic_id);
    if (version >= 1) w.boolean(t.is_internal);
    w.array_length(t.partitions.size(), flex);
    for (const auto& p : t.partitions) {
      w.int16(p.error_code);
      w.int32(p.partition_index);
      w.int32(p.leader_id);
      if (version >= 7) w.int32(p.leader_epoch);
      auto ints = [&](const std::vector<std::int32_t>& v) {
        w.array_length(v.size(), flex);
        for (auto x : v) w.int32(x);
      };
      ints(p.replica_nodes);
      ints(p.isr_nodes);
      if (version >= 5) ints(p.offline_replicas);
      if (flex) w.empty_tagged_fields();
    }
    if (version >= 8) w.int32(t.topic_authorized_operations);
    if (flex) w.empty_tagged_fields();
  }
  if (version >= 8 && version <= 10) w.int32(m.cluster_authorized_operations);
  if (version >= 13) w.int16(m.error_code);
  if (flex) w.empty_tagged_fields();
  return out;
}

// Produce response body, v3-v13 (flexible from v9; topic ids from v13).
inline Bytes write_produce_response(const protocol::ProduceResponse& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  const bool flex = version >= 9;
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
      w.int16(p.error_code);
      w.int64(p.base_offset);
      if (version >= 2) w.int64(p.log_append_time_ms);
      if (version >= 5) w.int64(p.log_start_offset);
      if (version >= 8) {
        w.array_length(p.record_errors.size(), flex);
        for (const auto& e : p.record_errors) {
          w.int32(e.batch_index);
          w.nullable_string(detail::view(e.batch_index_error_message), flex);
          if (flex) w.empty_tagged_fields();
        }
        w.nullable_string(detail::view(p.error_message), flex);
      }
      if (flex) {
        if (version >= 10 && p.current_leader) {
          w.uvarint(1);
          detail::tagged_field(w, 0, [&](BufferWriter& f) {
            f.int32(p.current_leader->leader_id);
            f.int32(p.current_leader->leader_epoch);
            f.empty_tagged_fields();
          });
        } else {
          w.empty_tagged_fields();
        }
      }
    }
    if (flex) w.empty_tagged_fields();
  }
  w.int32(m.throttle_time_ms);
  if (flex) {
    if (version >= 10 && !m.node_endpoints.empty()) {
      w.uvarint(1);
      detail::tagged_field(w, 0, [&](BufferWriter& f) {
        f.array_length(m.node_endpoints.size(), true);
        for (const auto& e : m.node_endpoints) {
          f.int32(e.node_id);
          f.string(e.host, true);
          f.int32(e.port);
          f.nullable_string(detail::view(e.rack), true);
          f.empty_tagged_fields();
        }
      });
    } else {
      w.empty_tagged_fields();
    }
  }
  return out;
}

// InitProducerId response body, v0-v5 (flexible from v2).
inline Bytes write_init_producer_id_response(const protocol::InitProducerIdResponse& m, std::int16_t version) {
  Bytes out;
  BufferWriter w(out);
  w.int32(m.throttle_time_ms);
  w.int16(m.error_code);
  w.int64(m.producer_id);
  w.int16(m.producer_epoch);
  if (version >= 2) w.empty_tagged_fields();
  return out;
}

// Response header (v0, or v1 with an empty tagged section) for `key` at body
// version `version`, followed by `body`.
inline Bytes write_response_frame(protocol::ApiKey key, std::int16_t version, std::int32_t correlation_id,
                                  const Bytes& body) {
  Bytes out;
  BufferWriter w(out);
  w.int32(correlation_id);
  if (protocol::response_header_version(key, version) >= 1) w.empty_tagged_fields();
  w.raw(body);
  return out;
}

// Sample responses with every optional part present (for seeds and tests).
inline protocol::ApiVersionsResponse sample_api_versions_response() {
  protocol::ApiVersionsResponse m;
  m.api_keys = {{0, 3, 13}, {3, 0, 13}, {18, 0, 4}, {22, 0, 5}, {17, 0, 1}, {36, 0, 2}};
  m.throttle_time_ms = 7;
  m.supported_features = {{"metadata.version", 1, 27}, {"kraft.version", 0, 1}};
  m.finalized_features_epoch = 42;
  m.finalized_features = {{"metadata.version", 27, 27}};
  m.zk_migration_ready = true;
  return m;
}

inline protocol::MetadataResponse sample_metadata_response(std::int16_t version) {
  protocol::MetadataResponse m;
  m.throttle_time_ms = version >= 3 ? 5 : 0;
  m.brokers = {{1, "broker-1.example", 9092, std::nullopt}, {2, "b2", 9093, std::string("rack-a")}};
  if (version < 1) m.brokers[1].rack.reset();
  if (version >= 2) m.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
  m.controller_id = version >= 1 ? 1 : -1;
  protocol::MetadataResponse::Topic t;
  t.name = "events";
  if (version >= 10) t.topic_id.bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  protocol::MetadataResponse::Partition p0;
  p0.partition_index = 0;
  p0.leader_id = 1;
  p0.leader_epoch = version >= 7 ? 3 : -1;
  p0.replica_nodes = {1, 2};
  p0.isr_nodes = {1};
  if (version >= 5) p0.offline_replicas = {2};
  protocol::MetadataResponse::Partition p1;
  p1.error_code = 5;  // LEADER_NOT_AVAILABLE
  p1.partition_index = 1;
  p1.leader_id = -1;
  t.partitions = {p0, p1};
  if (version >= 8) t.topic_authorized_operations = 0x0df8;
  protocol::MetadataResponse::Topic internal;
  internal.name = "__consumer_offsets";
  internal.is_internal = version >= 1;
  m.topics = {t, internal};
  if (version >= 12) {
    protocol::MetadataResponse::Topic unknown;
    unknown.error_code = 100;  // UNKNOWN_TOPIC_ID
    unknown.name = std::nullopt;
    unknown.topic_id.bytes = {0xaa, 0xbb};
    m.topics.push_back(unknown);
  }
  if (version >= 8 && version <= 10) m.cluster_authorized_operations = 0x0ff8;
  if (version >= 13) m.error_code = 0;
  return m;
}

inline protocol::ProduceResponse sample_produce_response(std::int16_t version) {
  protocol::ProduceResponse m;
  protocol::ProduceResponse::Topic t;
  if (version >= 13) {
    t.topic_id.bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  } else {
    t.name = "events";
  }
  protocol::ProduceResponse::Partition ok;
  ok.index = 0;
  ok.base_offset = 1234;
  ok.log_append_time_ms = -1;
  if (version >= 5) ok.log_start_offset = 17;
  protocol::ProduceResponse::Partition bad;
  bad.index = 1;
  bad.error_code = 6;  // NOT_LEADER_OR_FOLLOWER
  if (version >= 8) {
    bad.record_errors = {{0, std::string("bad record")}, {2, std::nullopt}};
    bad.error_message = "not the leader";
  }
  if (version >= 10) bad.current_leader = protocol::ProduceResponse::LeaderIdAndEpoch{2, 9};
  t.partitions = {ok, bad};
  m.topics = {t};
  m.throttle_time_ms = 3;
  if (version >= 10) m.node_endpoints = {{2, "b2", 9093, std::string("rack-a")}, {3, "b3", 9094, std::nullopt}};
  return m;
}

inline protocol::InitProducerIdResponse sample_init_producer_id_response() {
  protocol::InitProducerIdResponse m;
  m.throttle_time_ms = 1;
  m.producer_id = 4001;
  m.producer_epoch = 2;
  return m;
}

}  // namespace sluice::fuzz
