#include "topic_setup.hpp"

#include <vector>

namespace sluice::bench {

TopicSetup create_topic_if_missing(sluice::Producer& producer, const std::string& topic, std::int32_t partitions,
                                   std::chrono::milliseconds timeout) {
  sluice::NewTopic t;
  t.name = topic;
  t.num_partitions = partitions;
  t.replication_factor = -1;  // the broker's default.replication.factor
  const std::vector<sluice::NewTopic> topics{t};
  const auto results = producer.create_topics(topics, timeout);
  if (results.size() != 1) return {false, "topic '" + topic + "': no result from create_topics"};
  const sluice::CreateTopicResult& r = results.front();
  if (r) {
    const std::int32_t n = r.num_partitions > 0 ? r.num_partitions : partitions;  // brokers before v5 do not say
    std::string m = "created topic '" + topic + "' with " + std::to_string(n) + " partition" + (n == 1 ? "" : "s");
    if (r.replication_factor > 0) m += ", replication factor " + std::to_string(r.replication_factor);
    return {true, m};
  }
  if (r.already_exists()) {
    return {true, "topic '" + topic + "' exists already: not created, --create-partitions " +
                      std::to_string(partitions) + " ignored"};
  }
  return {false, "cannot create " + r.error_message};  // "topic 'x': broker 2 at ... answered ..."
}

}  // namespace sluice::bench
