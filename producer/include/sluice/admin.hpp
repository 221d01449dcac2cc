#pragma once
// Admin calls made through a producer's own connections (as librdkafka's
// admin API works on any client handle): the types of
// Producer::create_topics().
#include "sluice/export.hpp"
#include <cstdint>
#include <map>
#include <string>
#include <system_error>

namespace sluice {

// A topic to create (Kafka's CreateTopics request).
struct NewTopic {
  std::string name{};
  std::int32_t num_partitions = -1;      // -1: the broker's num.partitions
  std::int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  // Topic configs, e.g. {{"retention.ms", "60000"}, {"cleanup.policy", "compact"}}.
  std::map<std::string, std::string> configs{};
};

// What became of one NewTopic, in the order they were passed.
struct SLUICE_API CreateTopicResult {
  std::string name{};
  // Empty: created. The broker's refusals are Kafka error codes (category
  // "kafka", value = Kafka's code: 36 TOPIC_ALREADY_EXISTS, 37
  // INVALID_PARTITIONS, 38 INVALID_REPLICATION_FACTOR, 17
  // INVALID_TOPIC_EXCEPTION, 29 TOPIC_AUTHORIZATION_FAILED...). Local
  // ones are sluice::errc: would_deadlock (called from a callback), closed,
  // no_broker_available (no broker reached before the timeout); an answer
  // that did not come in time is errc::timed_out (the topic may have
  // been created nevertheless).
  std::error_code error{};
  std::string error_message{};  // names the topic and the broker; the broker's own words when it gave some
  // As created (what the broker reports from CreateTopics v5, else what was
  // asked); -1 when unknown.
  std::int32_t num_partitions = -1;
  std::int16_t replication_factor = -1;

  explicit operator bool() const noexcept { return !error; }
  // The topic was there already (TOPIC_ALREADY_EXISTS): often fine. (When a
  // connection broke after the request went out, the call asks again, and
  // a topic the first request created is then reported this way.)
  bool already_exists() const noexcept;
  // Kafka's error code when the broker refused, else 0.
  std::int16_t kafka_error_code() const noexcept;
};

}  // namespace sluice
