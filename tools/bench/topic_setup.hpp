#pragma once
// sluice-bench --create-partitions N: creates the topic through the
// producer's admin call (Producer::create_topics) before the run.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sluice/producer.hpp"

namespace sluice::bench {

struct TopicSetup {
  bool ok = false;      // created, or there already: the run goes on
  std::string message;  // one line for stderr (without the program name)
};

// Creates `topic` with `partitions` partitions and the broker's default
// replication factor. A topic that exists already is fine (ok, and the
// message says so); any other refusal or a timeout is not.
TopicSetup create_topic_if_missing(sluice::Producer& producer, const std::string& topic, std::int32_t partitions,
                                   std::chrono::milliseconds timeout);

}  // namespace sluice::bench
