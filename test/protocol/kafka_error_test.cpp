#include "sluice/protocol/kafka_error.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include "sluice/protocol/codec_error.hpp"

using namespace sluice::protocol;

static_assert(std::is_same_v<std::underlying_type_t<kafka_errc>, std::int16_t>);
static_assert(std::is_error_code_enum_v<kafka_errc>);

namespace {

struct Expected {
  std::int16_t code;
  kafka_errc errc;
  const char* name;
  bool retriable;
  bool refresh;
};

// Every code named in kafka-notes.md, "Errors a producer meets".
const Expected kProducerErrors[] = {
    // Retriable, * = asks for a metadata refresh.
    {2, kafka_errc::corrupt_message, "CORRUPT_MESSAGE", true, false},
    {3, kafka_errc::unknown_topic_or_partition, "UNKNOWN_TOPIC_OR_PARTITION", true, true},
    {5, kafka_errc::leader_not_available, "LEADER_NOT_AVAILABLE", true, true},
    {6, kafka_errc::not_leader_or_follower, "NOT_LEADER_OR_FOLLOWER", true, true},
    {7, kafka_errc::request_timed_out, "REQUEST_TIMED_OUT", true, false},
    {13, kafka_errc::network_exception, "NETWORK_EXCEPTION", true, true},
    {19, kafka_errc::not_enough_replicas, "NOT_ENOUGH_REPLICAS", true, false},
    {20, kafka_errc::not_enough_replicas_after_append, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true, false},
    {56, kafka_errc::kafka_storage_error, "KAFKA_STORAGE_ERROR", true, true},
    {74, kafka_errc::fenced_leader_epoch, "FENCED_LEADER_EPOCH", true, true},
    {100, kafka_errc::unknown_topic_id, "UNKNOWN_TOPIC_ID", true, true},
    // Not retriable.
    {10, kafka_errc::message_too_large, "MESSAGE_TOO_LARGE", false, false},
    {17, kafka_errc::invalid_topic_exception, "INVALID_TOPIC_EXCEPTION", false, false},
    {18, kafka_errc::record_list_too_large, "RECORD_LIST_TOO_LARGE", false, false},
    {21, kafka_errc::invalid_required_acks, "INVALID_REQUIRED_ACKS", false, false},
    {29, kafka_errc::topic_authorization_failed, "TOPIC_AUTHORIZATION_FAILED", false, false},
    {31, kafka_errc::cluster_authorization_failed, "CLUSTER_AUTHORIZATION_FAILED", false, false},
    {32, kafka_errc::invalid_timestamp, "INVALID_TIMESTAMP", false, false},
    {35, kafka_errc::unsupported_version, "UNSUPPORTED_VERSION", false, false},
    {42, kafka_errc::invalid_request, "INVALID_REQUEST", false, false},
    {76, kafka_errc::unsupported_compression_type, "UNSUPPORTED_COMPRESSION_TYPE", false, false},
    {87, kafka_errc::invalid_record, "INVALID_RECORD", false, false},
    {90, kafka_errc::producer_fenced, "PRODUCER_FENCED", false, false},
    // Idempotence.
    {45, kafka_errc::out_of_order_sequence_number, "OUT_OF_ORDER_SEQUENCE_NUMBER", false, false},
    {46, kafka_errc::duplicate_sequence_number, "DUPLICATE_SEQUENCE_NUMBER", false, false},
    {47, kafka_errc::invalid_producer_epoch, "INVALID_PRODUCER_EPOCH", false, false},
    {59, kafka_errc::unknown_producer_id, "UNKNOWN_PRODUCER_ID", false, false},
    // SASL.
    {33, kafka_errc::unsupported_sasl_mechanism, "UNSUPPORTED_SASL_MECHANISM", false, false},
    {34, kafka_errc::illegal_sasl_state, "ILLEGAL_SASL_STATE", false, false},
    {58, kafka_errc::sasl_authentication_failed, "SASL_AUTHENTICATION_FAILED", false, false},
    // Others.
    {14, kafka_errc::coordinator_load_in_progress, "COORDINATOR_LOAD_IN_PROGRESS", true, false},
    {129, kafka_errc::rebootstrap_required, "REBOOTSTRAP_REQUIRED", false, false},
};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TEST_CASE("the codes a producer meets have Kafka's numbers, names and flags") {
  for (const Expected& e : kProducerErrors) {
    INFO("code " << e.code << " " << e.name);
    CHECK(static_cast<std::int16_t>(e.errc) == e.code);
    const KafkaErrorInfo& info = kafka_error_info(e.code);
    CHECK(info.code == e.errc);
    CHECK(std::string(info.name) == e.name);
    CHECK(info.retriable == e.retriable);
    CHECK(info.needs_metadata_refresh == e.refresh);
    CHECK(is_retriable(e.errc) == e.retriable);
    CHECK(needs_metadata_refresh(e.errc) == e.refresh);
    CHECK(kafka_error(e.code) == e.errc);
    CHECK(kafka_error(e.code).message() == std::string(e.name) + ": " + info.message);
  }
}

TEST_CASE("the ends of the table") {
  CHECK(kafka_errc_first == -1);
  CHECK(kafka_errc_last == 136);
  CHECK(std::string(kafka_error_info(-1).name) == "UNKNOWN_SERVER_ERROR");
  CHECK(kafka_error_info(-1).code == kafka_errc::unknown_server_error);
  CHECK_FALSE(is_retriable(kafka_errc::unknown_server_error));
  CHECK(std::string(kafka_error_info(0).name) == "NONE");
  CHECK(std::string(kafka_error_info(1).name) == "OFFSET_OUT_OF_RANGE");
  CHECK(std::string(kafka_error_info(128).name) == "INVALID_REGULAR_EXPRESSION");
  CHECK(std::string(kafka_error_info(133).name) == "SHARE_SESSION_LIMIT_REACHED");
  CHECK(is_retriable(kafka_errc::share_session_limit_reached));
  CHECK(std::string(kafka_error_info(134).name) == "GROUP_DELETION_FAILED");
  CHECK(std::string(kafka_error_info(135).name) == "STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED");
  CHECK(std::string(kafka_error_info(136).name) == "CONTROLLER_ID_NOT_REGISTERED");
  CHECK(kafka_error_info(136).code == kafka_errc::controller_id_not_registered);
}

TEST_CASE("every code in the table has a distinct name, a message and a consistent entry") {
  std::set<std::string> names;
  for (int c = kafka_errc_first; c <= kafka_errc_last; ++c) {
    const auto code = static_cast<std::int16_t>(c);
    INFO("code " << c);
    const KafkaErrorInfo& info = kafka_error_info(code);
    CHECK(static_cast<int>(info.code) == c);
    REQUIRE(info.name != nullptr);
    REQUIRE(info.message != nullptr);
    CHECK(std::string(info.name) != "UNKNOWN_ERROR_CODE");
    CHECK(std::string(info.message).size() > 5);
    CHECK(names.insert(info.name).second);
    CHECK((!info.needs_metadata_refresh || info.retriable));  // InvalidMetadataException is retriable
    CHECK(kafka_category().message(c) == std::string(info.name) + ": " + info.message);
  }
  CHECK(names.size() == static_cast<std::size_t>(kafka_errc_last - kafka_errc_first + 1));
}

TEST_CASE("the retriable and refresh sets are those of Java's exception classes") {
  // RetriableException subclasses; InvalidMetadataException subclasses (refresh).
  const std::set<int> retriable = {2,  3,  5,  6,  7,  9,  13, 14, 15, 16, 19,  20,  41,  51,  56, 70,
                                   71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100, 103, 106, 122, 123, 133};
  const std::set<int> refresh = {3, 5, 6, 9, 13, 56, 72, 74, 80, 83, 84, 100, 103};
  for (int c = kafka_errc_first; c <= kafka_errc_last; ++c) {
    INFO("code " << c << " " << kafka_error_info(static_cast<std::int16_t>(c)).name);
    const auto e = static_cast<kafka_errc>(c);
    CHECK(is_retriable(e) == (retriable.count(c) == 1));
    CHECK(needs_metadata_refresh(e) == (refresh.count(c) == 1));
  }
  // UNKNOWN_LEADER_EPOCH is retriable but, unlike FENCED_LEADER_EPOCH, its Java
  // class does not extend InvalidMetadataException.
  CHECK(is_retriable(kafka_errc::unknown_leader_epoch));
  CHECK_FALSE(needs_metadata_refresh(kafka_errc::unknown_leader_epoch));
  CHECK(needs_metadata_refresh(kafka_errc::replica_not_available));
}

TEST_CASE("codes outside the table are unknown, never undefined") {
  for (std::int16_t code : {std::int16_t{32000}, std::int16_t{-2}, std::int16_t{137},
                            std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()}) {
    INFO("code " << code);
    const KafkaErrorInfo& info = kafka_error_info(code);
    CHECK(std::string(info.name) == "UNKNOWN_ERROR_CODE");
    CHECK(std::string(info.message).size() > 5);
    CHECK_FALSE(info.retriable);
    CHECK_FALSE(info.needs_metadata_refresh);
    CHECK_FALSE(is_retriable(static_cast<kafka_errc>(code)));
    CHECK_FALSE(needs_metadata_refresh(static_cast<kafka_errc>(code)));

    const std::error_code ec = kafka_error(code);
    CHECK(ec);
    CHECK(ec.value() == code);  // the raw code survives
    CHECK(&ec.category() == &kafka_category());
    const std::string m = ec.message();
    CHECK(starts_with(m, "UNKNOWN_ERROR_CODE: "));
    CHECK(m.find(std::to_string(code)) != std::string::npos);
  }
  // Values an int carries but an int16 cannot.
  CHECK(starts_with(kafka_category().message(100000), "UNKNOWN_ERROR_CODE: "));
  CHECK(starts_with(kafka_category().message(-40000), "UNKNOWN_ERROR_CODE: "));
}

TEST_CASE("kafka_error maps 0 to no error and keeps other codes") {
  CHECK_FALSE(kafka_error(0));
  CHECK(kafka_error(0) == std::error_code{});
  CHECK_FALSE(make_error_code(kafka_errc::none));

  const std::error_code ec = kafka_error(6);
  CHECK(ec);
  CHECK(ec == kafka_errc::not_leader_or_follower);
  CHECK(ec != kafka_errc::leader_not_available);
  CHECK(ec.value() == 6);
  CHECK(ec == make_error_code(kafka_errc::not_leader_or_follower));

  const std::error_code unknown = kafka_error(-1);
  CHECK(unknown == kafka_errc::unknown_server_error);
  CHECK(unknown.value() == -1);
}

TEST_CASE("the category is named kafka and messages read NAME: message") {
  CHECK(std::string(kafka_category().name()) == "kafka");
  const std::error_code ec = kafka_errc::not_leader_or_follower;  // implicit, via is_error_code_enum
  CHECK(&ec.category() == &kafka_category());
  const std::string m = ec.message();
  CHECK(starts_with(m, "NOT_LEADER_OR_FOLLOWER: "));
  CHECK(m.size() > std::string("NOT_LEADER_OR_FOLLOWER: ").size());
  CHECK(starts_with(make_error_code(kafka_errc::none).message(), "NONE: "));
  CHECK(starts_with(make_error_code(kafka_errc::rebootstrap_required).message(), "REBOOTSTRAP_REQUIRED: "));
}

TEST_CASE("kafka errors and codec errors are different categories and never equal") {
  CHECK(&kafka_category() != &codec_category());
  CHECK(kafka_category() != codec_category());
  CHECK(std::string(kafka_category().name()) != codec_category().name());

  // Same numeric values, different categories.
  for (int v = 0; v <= 13; ++v) {
    INFO("value " << v);
    const std::error_code k{v, kafka_category()};
    const std::error_code c{v, codec_category()};
    CHECK(k != c);
    CHECK_FALSE(k == c);
    CHECK_FALSE(k.default_error_condition() == c.default_error_condition());
  }
  CHECK(make_error_code(kafka_errc::offset_out_of_range) != make_error_code(codec_errc::truncated));
  CHECK(make_error_code(kafka_errc::corrupt_message) != make_error_code(codec_errc::negative_length));
  CHECK(kafka_error(1) != codec_errc::truncated);
  CHECK(make_error_code(codec_errc::crc_mismatch) != kafka_errc::corrupt_message);
  CHECK(make_error_code(kafka_errc::none) != make_error_code(codec_errc::ok));
}
