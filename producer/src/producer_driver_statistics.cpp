// ProducerDriver, statistics: the snapshot of the producer's parts that
// to_json() (producer_statistics.hpp) turns into librdkafka's statistics
// schema, the statistics timer, and statistics_json() for app threads. The
// snapshot is made on the I/O thread, once per statistics.interval.ms or
// per statistics_json() call; see producer_driver.hpp.
#include <future>

#include "producer_driver.hpp"

namespace sluice::detail {

namespace {

std::int64_t micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

const char* idemp_state(const IdempotenceState& s) {
  if (!s.enabled()) return "Init";
  switch (s.phase()) {
    case IdempotenceState::Phase::needs_id: return "RequestPID";
    case IdempotenceState::Phase::requesting: return "WaitPID";
    case IdempotenceState::Phase::ready: return "Assigned";
    case IdempotenceState::Phase::fatal: return "FatalError";
  }
  return "Init";
}

// Every request kind, from the broker's connections (BrokerTraffic).
void add_wire_traffic(BrokerTraffic& t, const net::WireTraffic& wire) {
  t.tx = wire.tx;
  t.tx_bytes = wire.tx_bytes;
  t.tx_errs = wire.tx_errs;
  t.rx = wire.rx;
  t.rx_bytes = wire.rx_bytes;
  t.rx_errs += wire.rx_errs;
}

}  // namespace

void ProducerDriver::arm_statistics_timer() {
  stats_timer_->arm(clock_->steady() + settings_.statistics_interval, [this, weak = std::weak_ptr<int>(alive_)] {
    if (!weak.lock() || stopping_) return;
    const std::string json = to_json(snapshot());
    // Windows (rtt, throttle, batchsize, batchcnt) cover one interval.
    for (auto& [id, s] : sinks_) s.reset_windows();
    for (auto& [name, t] : stats_.topics) {
      t.batchsize.reset();
      t.batchcnt.reset();
    }
    try {
      options_.statistics_callback(json);
    } catch (...) {
      // A throwing callback must not take the I/O thread down.
    }
    arm_statistics_timer();
  });
}

void ProducerDriver::note_link_down(std::int32_t node_id, Clock::time_point now) {
  auto it = link_history_.find(node_id);
  if (it == link_history_.end() || !it->second.up) return;
  ++it->second.disconnects;
  it->second.up = false;
  it->second.state_since = now;
}

StatisticsSnapshot ProducerDriver::snapshot() {
  std::lock_guard lock(snapshot_mu_);
  const auto now = clock_->steady();
  StatisticsSnapshot s;
  s.counters = stats_;
  s.counters.epoch_bumps = idempotence_.epoch_bumps();
  s.name = stats_name_;
  s.ts_us = micros(now.time_since_epoch());
  s.age_us = micros(now - created_at_);
  s.msg_max = settings_.max_queued_records;
  s.metadata_cache_cnt = cluster_.metadata().topic_count();
  s.batch_size = settings_.batch_size;
  s.buffer_limit = settings_.buffer_memory;
  const SendGate::Use use = gate_.use();
  s.buffer_bytes = use.bytes;
  s.records_outstanding = use.records;
  s.batches_queued = accumulator_.queued_batches();
  s.idempotent = idempotence_.enabled();
  s.idemp_state = idemp_state(idempotence_);
  s.producer_id = idempotence_.producer_id();
  s.producer_epoch = idempotence_.producer_epoch();
  s.client_id = settings_.client_id;
  s.time_ms = clock_->wall_ms();

  // Brokers: bootstrap entries, brokers from Metadata, and any link.
  auto broker = [&](std::int32_t id) -> BrokerStatistics* {
    auto it = s.brokers.find(id);
    if (it != s.brokers.end()) return &it->second;
    const auto address = cluster_.address(id);
    if (!address) return nullptr;
    BrokerStatistics& b = s.brokers[id];
    b.node_id = id;
    b.address = address->to_string();
    return &b;
  };
  for (std::int32_t id = -1; broker(id) != nullptr; --id) {
  }
  for (const auto& [id, address] : cluster_.metadata().brokers()) broker(id);
  for (const auto& [id, c] : connections_) {
    if (c->state() == LinkState::closed) note_link_down(id, now);
    BrokerStatistics& b = s.brokers[id];
    b.node_id = id;
    b.address = c->address().to_string();
    b.requests_in_flight = c->in_flight();
    b.requests_unwritten = c->unwritten();  // broker_json keeps it within requests_in_flight
    b.connected = c->state() == LinkState::ready;
    b.state = c->state() == LinkState::ready        ? "UP"
              : c->state() == LinkState::connecting ? "CONNECT"
              : c->state() == LinkState::closed     ? "DOWN"
                                                    : "INIT";
  }
  for (auto& [id, b] : s.brokers) {
    if (auto h = link_history_.find(id); h != link_history_.end()) {
      b.link = h->second;
      b.state_age_us = micros(now - h->second.state_since);
      if (!connections_.contains(id)) b.state = "DOWN";
    } else {
      b.state_age_us = micros(now - created_at_);
    }
    if (auto sink = sinks_.find(id); sink != sinks_.end()) b.traffic = sink->second.traffic();
    add_wire_traffic(b.traffic, *b.link.wire);  // LinkHistory always holds its counters
  }

  // Topics: those records were sent to, with every partition Metadata
  // knows, what their queues hold and what was sent.
  const auto metadata_at = cluster_.last_metadata_answer();
  auto topic = [&](const std::string& name) -> TopicStatistics& {
    auto it = s.topics.find(name);
    if (it != s.topics.end()) return it->second;
    TopicStatistics& t = s.topics[name];
    auto traffic = stats_.topics.find(name);
    if (traffic == stats_.topics.end()) traffic = stats_.topics.try_emplace(name).first;
    if (traffic->second.first_seen == Clock::time_point{}) traffic->second.first_seen = now;
    t.traffic = traffic->second;
    t.age_ms = micros(now - traffic->second.first_seen) / 1000;
    const net::TopicInfo* info = cluster_.metadata().topic(name);
    t.metadata_age_ms = info && metadata_at ? micros(now - *metadata_at) / 1000 : -1;
    if (info) {
      for (std::size_t p = 0; p < info->partitions.size(); ++p) {
        t.partitions[static_cast<std::int32_t>(p)].leader = info->partitions[p].leader_id;
      }
    }
    return t;
  };
  for (const auto& name : placer_.topic_names()) topic(name);
  auto partition = [&](const TopicPartition& tp) -> PartitionStatistics& {
    TopicStatistics& t = topic(tp.topic);
    auto it = t.partitions.find(tp.partition);
    if (it != t.partitions.end()) return it->second;
    PartitionStatistics& p = t.partitions[tp.partition];
    p.unknown = true;
    return p;
  };
  accumulator_.for_each_queue([&](const TopicPartition& tp, const RecordAccumulator::QueueStats& q) {
    PartitionStatistics& p = partition(tp);
    p.msgq_cnt = q.open_records;
    p.msgq_bytes = q.open_bytes;
    p.xmit_msgq_cnt = q.closed_records;
    p.xmit_msgq_bytes = q.closed_bytes;
    p.msgs = q.appended;
  });
  for (const auto& [tp, traffic] : stats_.partitions) partition(tp).traffic = traffic;
  for (const auto& [name, t] : s.topics) {
    for (const auto& [id, p] : t.partitions) {
      if (p.leader < 0) continue;
      if (auto b = s.brokers.find(p.leader); b != s.brokers.end()) b->second.toppars.push_back({name, id});
    }
  }
  // The per-partition and per-topic maps went out above; not twice.
  s.counters.partitions.clear();
  s.counters.topics.clear();
  return s;
}

std::string ProducerDriver::statistics_json() {
  if (in_io_thread() || stopped_future_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    return to_json(snapshot());
  }
  auto result = std::make_shared<std::promise<std::string>>();
  auto future = result->get_future();
  post([this, result] { result->set_value(to_json(snapshot())); });
  // The I/O side answers, unless close() stops it first: then read directly.
  while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (stopped_future_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return to_json(snapshot());
  }
  return future.get();
}

}  // namespace sluice::detail
