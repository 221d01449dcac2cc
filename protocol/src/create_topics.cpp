#include "sluice/protocol/create_topics.hpp"

#include "sluice/protocol/api.hpp"
#include "sluice/protocol/buffer_reader.hpp"
#include "sluice/protocol/decode_support.hpp"

namespace sluice::protocol {

std::error_code encode(const CreateTopicsRequest& m, BufferWriter& w, std::int16_t version) {
  if (!supported_versions(ApiKey::CreateTopics).contains(version)) return codec_errc::unsupported_version;
  const bool flex = version >= 5;
  w.array_length(m.topics.size(), flex);
  for (const auto& t : m.topics) {
    w.string(t.name, flex);
    w.int32(t.num_partitions);
    w.int16(t.replication_factor);
    w.array_length(t.assignments.size(), flex);
    for (const auto& a : t.assignments) {
      w.int32(a.partition_index);
      w.array_length(a.broker_ids.size(), flex);
      for (std::int32_t id : a.broker_ids) w.int32(id);
      if (flex) w.empty_tagged_fields();
    }
    w.array_length(t.configs.size(), flex);
    for (const auto& c : t.configs) {
      w.string(c.name, flex);
      w.nullable_string(c.value, flex);
      if (flex) w.empty_tagged_fields();
    }
    if (flex) w.empty_tagged_fields();
  }
  w.int32(m.timeout_ms);
  w.boolean(m.validate_only);  // v1+: every version we speak
  if (flex) w.empty_tagged_fields();
  return {};
}

namespace {

// Topic-level tagged fields: tag 0 is TopicConfigErrorCode (int16), the
// rest are skipped.
void read_topic_tags(BufferReader& r, CreateTopicsResponse::Topic& t) {
  r.tagged_fields("Topics.TaggedFields", [&t](std::uint32_t tag, BufferReader& field) {
    if (tag != 0) return;
    t.topic_config_error_code = field.int16("Topics.TopicConfigErrorCode");
    if (field.ok() && !field.at_end()) field.fail(codec_errc::invalid_value, "Topics.TopicConfigErrorCode");
  });
}

void read_configs(BufferReader& r, CreateTopicsResponse::Topic& t) {
  // Each config: name (>= 1), value (>= 1), three one-byte fields, tags (1).
  auto n = r.nullable_array_length("Topics.Configs", true, 6);
  if (!n) return;
  auto& configs = t.configs.emplace();
  configs.reserve(*n);
  for (std::size_t i = 0; i < *n && r.ok(); ++i) {
    auto& c = configs.emplace_back();
    c.name = r.string("Topics.Configs.Name", true);
    c.value = r.nullable_string("Topics.Configs.Value", true);
    c.read_only = r.boolean("Topics.Configs.ReadOnly");
    c.config_source = r.int8("Topics.Configs.ConfigSource");
    c.is_sensitive = r.boolean("Topics.Configs.IsSensitive");
    r.skip_tagged_fields("Topics.Configs.TaggedFields");
  }
}

}  // namespace

Result<CreateTopicsResponse> decode_create_topics_response(std::span<const std::uint8_t> body,
                                                           std::int16_t version) {
  if (auto bad = check_version(ApiKey::CreateTopics, "CreateTopicsResponse", version)) return *bad;
  const bool flex = version >= 5;
  BufferReader r(body);
  CreateTopicsResponse m;
  m.throttle_time_ms = r.int32("ThrottleTimeMs");
  // Smallest topic: name (1 flexible, 2 classic) + error code (2) + message (1 / 2).
  std::size_t nt = r.array_length("Topics", flex, 4);
  m.topics.reserve(nt);
  for (std::size_t i = 0; i < nt && r.ok(); ++i) {
    auto& t = m.topics.emplace_back();
    t.name = r.string("Topics.Name", flex);
    if (version >= 7) t.topic_id = r.uuid("Topics.TopicId");
    t.error_code = r.int16("Topics.ErrorCode");
    t.error_message = r.nullable_string("Topics.ErrorMessage", flex);
    if (version >= 5) {
      t.num_partitions = r.int32("Topics.NumPartitions");
      t.replication_factor = r.int16("Topics.ReplicationFactor");
      read_configs(r, t);
    }
    if (flex) read_topic_tags(r, t);
  }
  if (flex) r.skip_tagged_fields("TaggedFields");
  return finish_response(r, std::move(m));
}

}  // namespace sluice::protocol
