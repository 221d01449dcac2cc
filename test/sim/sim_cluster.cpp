#include "sim_cluster.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace sluice::sim {

SimCluster::SimCluster(const SimRng& rng, std::int32_t brokers, std::int32_t replication_factor)
    : ids_(rng.fork("cluster.topic-ids")), replication_factor_(std::max(1, std::min(replication_factor, brokers))) {
  if (brokers < 1) throw std::invalid_argument("SimCluster: at least one broker");
  for (std::int32_t id = 1; id <= brokers; ++id) {
    brokers_.push_back(SimBroker{id, true, "broker-" + std::to_string(id) + ".sim", 9092});
  }
  throttles_.assign(brokers_.size(), 0);
}

const SimBroker* SimCluster::broker(std::int32_t node_id) const {
  for (const auto& b : brokers_) {
    if (b.node_id == node_id) return &b;
  }
  return nullptr;
}

bool SimCluster::is_up(std::int32_t node_id) const {
  const SimBroker* b = broker(node_id);
  return b != nullptr && b->up;
}

void SimCluster::change_leader(SimPartition& p, std::int32_t leader) {
  if (p.leader == leader) return;
  p.leader = leader;
  ++p.leader_epoch;
}

void SimCluster::broker_down(std::int32_t node_id) {
  auto it = std::find_if(brokers_.begin(), brokers_.end(), [&](const SimBroker& b) { return b.node_id == node_id; });
  if (it == brokers_.end()) throw std::invalid_argument("SimCluster::broker_down: no such broker");
  if (!it->up) return;
  it->up = false;
  for (auto& t : topics_) {
    for (auto& p : t.partitions) {
      if (p.leader != node_id) continue;
      // The next live replica after the old leader in replica order, so
      // leadership spreads instead of piling on the first replica.
      auto at = std::find(p.replicas.begin(), p.replicas.end(), node_id);
      std::int32_t next = -1;
      for (std::size_t k = 1; k <= p.replicas.size(); ++k) {
        const std::size_t i = (static_cast<std::size_t>(at - p.replicas.begin()) + k) % p.replicas.size();
        if (is_up(p.replicas[i])) {
          next = p.replicas[i];
          break;
        }
      }
      change_leader(p, next);
    }
  }
}

void SimCluster::broker_up(std::int32_t node_id) {
  auto it = std::find_if(brokers_.begin(), brokers_.end(), [&](const SimBroker& b) { return b.node_id == node_id; });
  if (it == brokers_.end()) throw std::invalid_argument("SimCluster::broker_up: no such broker");
  if (it->up) return;
  it->up = true;
  for (auto& t : topics_) {
    for (auto& p : t.partitions) {
      if (p.leader == -1 && std::find(p.replicas.begin(), p.replicas.end(), node_id) != p.replicas.end()) {
        change_leader(p, node_id);
      }
    }
  }
}

SimPartition SimCluster::make_partition(std::int32_t index) {
  SimPartition p;
  p.index = index;
  const auto n = static_cast<std::int32_t>(brokers_.size());
  for (std::int32_t k = 0; k < replication_factor_; ++k) {
    p.replicas.push_back(brokers_[static_cast<std::size_t>((placement_ + index + k) % n)].node_id);
  }
  // The preferred (first) replica leads if up, else the next live one.
  for (std::int32_t r : p.replicas) {
    if (is_up(r)) {
      p.leader = r;
      break;
    }
  }
  p.leader_epoch = 0;
  return p;
}

protocol::Uuid SimCluster::create_topic(const std::string& name, std::int32_t partitions) {
  if (partitions < 1) throw std::invalid_argument("SimCluster::create_topic: at least one partition");
  if (find_topic(name) != nullptr) throw std::invalid_argument("SimCluster::create_topic: topic exists: " + name);
  SimTopic t;
  t.name = name;
  do {
    for (std::size_t i = 0; i < 16; i += 8) {
      const std::uint64_t r = ids_.next();
      for (std::size_t j = 0; j < 8; ++j) t.id.bytes[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
    }
  } while (t.id.is_zero() || topic(t.id) != nullptr);
  for (std::int32_t i = 0; i < partitions; ++i) t.partitions.push_back(make_partition(i));
  ++placement_;
  topics_.push_back(std::move(t));
  return topics_.back().id;
}

void SimCluster::delete_topic(std::string_view name) {
  auto it = std::find_if(topics_.begin(), topics_.end(), [&](const SimTopic& t) { return t.name == name; });
  if (it == topics_.end()) throw std::invalid_argument("SimCluster::delete_topic: no such topic");
  topics_.erase(it);
}

protocol::Uuid SimCluster::recreate_topic(const std::string& name, std::int32_t partitions) {
  delete_topic(name);
  return create_topic(name, partitions);
}

void SimCluster::add_partitions(std::string_view name, std::int32_t total) {
  SimTopic* t = find_topic(name);
  if (t == nullptr) throw std::invalid_argument("SimCluster::add_partitions: no such topic");
  if (total < static_cast<std::int32_t>(t->partitions.size())) {
    throw std::invalid_argument("SimCluster::add_partitions: partitions only grow");
  }
  for (auto i = static_cast<std::int32_t>(t->partitions.size()); i < total; ++i) {
    t->partitions.push_back(make_partition(i));
  }
}

void SimCluster::move_leader(std::string_view name, std::int32_t partition, std::optional<std::int32_t> to) {
  SimTopic* t = find_topic(name);
  if (t == nullptr || partition < 0 || partition >= static_cast<std::int32_t>(t->partitions.size())) {
    throw std::invalid_argument("SimCluster::move_leader: no such partition");
  }
  SimPartition& p = t->partitions[static_cast<std::size_t>(partition)];
  if (to) {
    if (std::find(p.replicas.begin(), p.replicas.end(), *to) == p.replicas.end() || !is_up(*to)) {
      throw std::invalid_argument("SimCluster::move_leader: target is not a live replica");
    }
    if (*to == p.leader) {
      ++p.leader_epoch;  // a re-election of the same leader still bumps the epoch
      return;
    }
    change_leader(p, *to);
    return;
  }
  auto at = std::find(p.replicas.begin(), p.replicas.end(), p.leader);
  const std::size_t start = at == p.replicas.end() ? 0 : static_cast<std::size_t>(at - p.replicas.begin());
  for (std::size_t k = 1; k <= p.replicas.size(); ++k) {
    const std::int32_t r = p.replicas[(start + k) % p.replicas.size()];
    if (r != p.leader && is_up(r)) {
      change_leader(p, r);
      return;
    }
  }
  throw std::invalid_argument("SimCluster::move_leader: no other live replica");
}

void SimCluster::set_max_message_bytes(std::string_view name, std::int32_t bytes) {
  SimTopic* t = find_topic(name);
  if (t == nullptr) throw std::invalid_argument("SimCluster::set_max_message_bytes: no such topic");
  t->max_message_bytes = bytes;
}

void SimCluster::inject(std::string_view name, std::int32_t partition, PartitionFault fault) {
  SimTopic* t = find_topic(name);
  if (t == nullptr || partition < 0 || partition >= static_cast<std::int32_t>(t->partitions.size())) {
    throw std::invalid_argument("SimCluster::inject: no such partition");
  }
  t->partitions[static_cast<std::size_t>(partition)].faults.push_back(fault);
}

void SimCluster::throttle_next(std::int32_t node_id, std::int32_t ms) {
  for (std::size_t i = 0; i < brokers_.size(); ++i) {
    if (brokers_[i].node_id == node_id) {
      throttles_[i] = ms;
      return;
    }
  }
  throw std::invalid_argument("SimCluster::throttle_next: no such broker");
}

std::int32_t SimCluster::take_throttle(std::int32_t node_id) {
  for (std::size_t i = 0; i < brokers_.size(); ++i) {
    if (brokers_[i].node_id == node_id) return std::exchange(throttles_[i], 0);
  }
  return 0;
}

SimTopic* SimCluster::find_topic(std::string_view name) {
  for (auto& t : topics_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

SimTopic* SimCluster::find_topic(const protocol::Uuid& id) {
  for (auto& t : topics_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const SimTopic* SimCluster::topic(std::string_view name) const {
  for (const auto& t : topics_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const SimTopic* SimCluster::topic(const protocol::Uuid& id) const {
  for (const auto& t : topics_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const SimPartition* SimCluster::partition(std::string_view name, std::int32_t index) const {
  const SimTopic* t = topic(name);
  if (t == nullptr || index < 0 || index >= static_cast<std::int32_t>(t->partitions.size())) return nullptr;
  return &t->partitions[static_cast<std::size_t>(index)];
}

}  // namespace sluice::sim
