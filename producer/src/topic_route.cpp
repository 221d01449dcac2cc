// TopicRoute: a topic's placement inputs for senders. See topic_route.hpp.
#include "topic_route.hpp"

namespace sluice::detail {

bool TopicRoute::same_as(const net::TopicInfo& info) const {
  if (info.partitions.size() != static_cast<std::size_t>(partition_count) || !(info.topic_id == topic_id)) return false;
  std::size_t a = 0;
  for (std::size_t i = 0; i < info.partitions.size(); ++i) {
    if (info.partitions[i].leader_id < 0) continue;
    if (a >= available.size() || available[a] != static_cast<std::int32_t>(i)) return false;
    ++a;
  }
  return a == available.size();
}

std::shared_ptr<const TopicRoute> make_route(const std::string& topic, const net::TopicInfo& info,
                                             RecordAccumulator& accumulator) {
  auto route = std::make_shared<TopicRoute>();
  route->topic = topic;
  route->partition_count = static_cast<std::int32_t>(info.partitions.size());
  route->topic_id = info.topic_id;
  route->lanes.reserve(info.partitions.size());
  for (std::size_t i = 0; i < info.partitions.size(); ++i) {
    const auto p = static_cast<std::int32_t>(i);
    if (info.partitions[i].leader_id >= 0) route->available.push_back(p);
    route->lanes.push_back(&accumulator.lane(TopicPartition{topic, p}));
  }
  return route;
}

}  // namespace sluice::detail
