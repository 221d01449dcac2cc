#pragma once
// Kafka's own error codes (the int16 error_code fields of responses), a
// std::error_code category of their own, separate from the codec's errors
// (codec_error.hpp): a kafka_errc never compares equal to a codec_errc.
//
// The table covers every code Kafka defines, -1 .. 136: -1 .. 128 from
// Errors.java as of Oct 2024, 129 .. 133 added since (all in Kafka 4.3), and
// 134 .. 136 added on Kafka trunk for 4.4. `retriable` is true exactly when Java's
// exception class for the code extends RetriableException, and
// `needs_metadata_refresh` exactly when it extends InvalidMetadataException
// (Java's Sender asks for a metadata update on those).
#include "sluice/export.hpp"
#include <cstdint>
#include <system_error>

namespace sluice::protocol {

enum class kafka_errc : std::int16_t {
  unknown_server_error = -1,
  none = 0,
  offset_out_of_range = 1,
  corrupt_message = 2,
  unknown_topic_or_partition = 3,
  invalid_fetch_size = 4,
  leader_not_available = 5,
  not_leader_or_follower = 6,
  request_timed_out = 7,
  broker_not_available = 8,
  replica_not_available = 9,
  message_too_large = 10,
  stale_controller_epoch = 11,
  offset_metadata_too_large = 12,
  network_exception = 13,
  coordinator_load_in_progress = 14,
  coordinator_not_available = 15,
  not_coordinator = 16,
  invalid_topic_exception = 17,
  record_list_too_large = 18,
  not_enough_replicas = 19,
  not_enough_replicas_after_append = 20,
  invalid_required_acks = 21,
  illegal_generation = 22,
  inconsistent_group_protocol = 23,
  invalid_group_id = 24,
  unknown_member_id = 25,
  invalid_session_timeout = 26,
  rebalance_in_progress = 27,
  invalid_commit_offset_size = 28,
  topic_authorization_failed = 29,
  group_authorization_failed = 30,
  cluster_authorization_failed = 31,
  invalid_timestamp = 32,
  unsupported_sasl_mechanism = 33,
  illegal_sasl_state = 34,
  unsupported_version = 35,
  topic_already_exists = 36,
  invalid_partitions = 37,
  invalid_replication_factor = 38,
  invalid_replica_assignment = 39,
  invalid_config = 40,
  not_controller = 41,
  invalid_request = 42,
  unsupported_for_message_format = 43,
  policy_violation = 44,
  out_of_order_sequence_number = 45,
  duplicate_sequence_number = 46,
  invalid_producer_epoch = 47,
  invalid_txn_state = 48,
  invalid_producer_id_mapping = 49,
  invalid_transaction_timeout = 50,
  concurrent_transactions = 51,
  transaction_coordinator_fenced = 52,
  transactional_id_authorization_failed = 53,
  security_disabled = 54,
  operation_not_attempted = 55,
  kafka_storage_error = 56,
  log_dir_not_found = 57,
  sasl_authentication_failed = 58,
  unknown_producer_id = 59,
  reassignment_in_progress = 60,
  delegation_token_auth_disabled = 61,
  delegation_token_not_found = 62,
  delegation_token_owner_mismatch = 63,
  delegation_token_request_not_allowed = 64,
  delegation_token_authorization_failed = 65,
  delegation_token_expired = 66,
  invalid_principal_type = 67,
  non_empty_group = 68,
  group_id_not_found = 69,
  fetch_session_id_not_found = 70,
  invalid_fetch_session_epoch = 71,
  listener_not_found = 72,
  topic_deletion_disabled = 73,
  fenced_leader_epoch = 74,
  unknown_leader_epoch = 75,
  unsupported_compression_type = 76,
  stale_broker_epoch = 77,
  offset_not_available = 78,
  member_id_required = 79,
  preferred_leader_not_available = 80,
  group_max_size_reached = 81,
  fenced_instance_id = 82,
  eligible_leaders_not_available = 83,
  election_not_needed = 84,
  no_reassignment_in_progress = 85,
  group_subscribed_to_topic = 86,
  invalid_record = 87,
  unstable_offset_commit = 88,
  throttling_quota_exceeded = 89,
  producer_fenced = 90,
  resource_not_found = 91,
  duplicate_resource = 92,
  unacceptable_credential = 93,
  inconsistent_voter_set = 94,
  invalid_update_version = 95,
  feature_update_failed = 96,
  principal_deserialization_failure = 97,
  snapshot_not_found = 98,
  position_out_of_range = 99,
  unknown_topic_id = 100,
  duplicate_broker_registration = 101,
  broker_id_not_registered = 102,
  inconsistent_topic_id = 103,
  inconsistent_cluster_id = 104,
  transactional_id_not_found = 105,
  fetch_session_topic_id_error = 106,
  ineligible_replica = 107,
  new_leader_elected = 108,
  offset_moved_to_tiered_storage = 109,
  fenced_member_epoch = 110,
  unreleased_instance_id = 111,
  unsupported_assignor = 112,
  stale_member_epoch = 113,
  mismatched_endpoint_type = 114,
  unsupported_endpoint_type = 115,
  unknown_controller_id = 116,
  unknown_subscription_id = 117,
  telemetry_too_large = 118,
  invalid_registration = 119,
  transaction_abortable = 120,
  invalid_record_state = 121,
  share_session_not_found = 122,
  invalid_share_session_epoch = 123,
  fenced_state_epoch = 124,
  invalid_voter_key = 125,
  duplicate_voter = 126,
  voter_not_found = 127,
  invalid_regular_expression = 128,
  rebootstrap_required = 129,
  streams_invalid_topology = 130,
  streams_invalid_topology_epoch = 131,
  streams_topology_fenced = 132,
  share_session_limit_reached = 133,
  group_deletion_failed = 134,
  streams_topology_description_update_failed = 135,
  controller_id_not_registered = 136,
};

// The lowest and highest code in the table; every code in between is known.
inline constexpr std::int16_t kafka_errc_first = -1;
inline constexpr std::int16_t kafka_errc_last = 136;

// name() is "kafka"; message(ev) is "NAME: what it means", e.g.
// "NOT_LEADER_OR_FOLLOWER: this broker is not the partition's leader; ...".
SLUICE_API const std::error_category& kafka_category() noexcept;

inline std::error_code make_error_code(kafka_errc e) noexcept {
  return {static_cast<int>(e), kafka_category()};
}

struct KafkaErrorInfo {
  kafka_errc code;
  const char* name;     // Kafka's name, e.g. "NOT_LEADER_OR_FOLLOWER" (static string)
  const char* message;  // one sentence in our words (static string)
  bool retriable;
  bool needs_metadata_refresh;
};

// The entry for a raw code from the wire, O(1), no allocation. A code outside
// the table gets one shared entry named "UNKNOWN_ERROR_CODE", neither retriable
// nor asking for a refresh; since it is shared, its `code` field is
// unknown_server_error (what Java's Errors.forCode falls back to), not the raw
// code: keep the raw code with kafka_error(wire_code) instead.
SLUICE_API const KafkaErrorInfo& kafka_error_info(std::int16_t code) noexcept;

inline bool is_retriable(kafka_errc e) noexcept {
  return kafka_error_info(static_cast<std::int16_t>(e)).retriable;
}

inline bool needs_metadata_refresh(kafka_errc e) noexcept {
  return kafka_error_info(static_cast<std::int16_t>(e)).needs_metadata_refresh;
}

// The error_code for a wire code: 0 gives an empty error_code; any other code,
// known or not, keeps its raw value in the kafka category.
std::error_code kafka_error(std::int16_t wire_code) noexcept;

}  // namespace sluice::protocol

template <>
struct std::is_error_code_enum<sluice::protocol::kafka_errc> : std::true_type {};
