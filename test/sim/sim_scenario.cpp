#include "sim_scenario.hpp"

#include <algorithm>

#include "sim_rng.hpp"

namespace sluice::sim {

namespace {

template <class T, std::size_t N>
const T& pick(SimRng& rng, const T (&choices)[N]) {
  return choices[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(N) - 1))];
}

constexpr SimTime kMs = 1000;

SimFault fault(SimTime at, FaultKind kind) {
  SimFault f;
  f.at = at;
  f.kind = kind;
  return f;
}

// The producer's properties. Small batches and short timeouts, so a run of a
// few hundred records makes many requests, retries and timeouts.
std::map<std::string, std::string> draw_properties(SimRng rng, std::int32_t brokers, std::int64_t& request_timeout_ms) {
  static constexpr std::int64_t lingers[] = {0, 1, 5, 20};
  static constexpr std::int64_t batch_sizes[] = {512, 2048, 16384};
  static constexpr std::int64_t request_timeouts[] = {1000, 3000, 10000};
  static constexpr std::int64_t backoffs[] = {5, 20, 100};
  static constexpr std::int64_t metadata_ages[] = {500, 3000, 300000};
  static constexpr const char* codecs[] = {"none", "none", "none", "none", "lz4", "zstd", "gzip", "snappy"};
  const std::int64_t linger = pick(rng, lingers);
  request_timeout_ms = pick(rng, request_timeouts);
  const std::int64_t delivery = rng.bernoulli(0.5) ? 120000 : linger + request_timeout_ms + rng.uniform_int(5000, 60000);
  std::string bootstrap;
  for (std::int32_t b = 1; b <= brokers; ++b) {
    if (b > 1) bootstrap += ',';
    bootstrap += "broker-";
    bootstrap += std::to_string(b);
    bootstrap += ".sim:9092";
  }
  return {
      {"bootstrap.servers", bootstrap},
      {"client.id", "sim"},
      {"linger.ms", std::to_string(linger)},
      {"batch.size", std::to_string(pick(rng, batch_sizes))},
      {"max.in.flight.requests.per.connection", std::to_string(rng.uniform_int(1, 5))},
      {"request.timeout.ms", std::to_string(request_timeout_ms)},
      {"delivery.timeout.ms", std::to_string(delivery)},
      {"retry.backoff.ms", std::to_string(pick(rng, backoffs))},
      {"retry.backoff.max.ms", "1000"},
      {"reconnect.backoff.ms", "10"},
      {"reconnect.backoff.max.ms", "1000"},
      {"metadata.max.age.ms", std::to_string(pick(rng, metadata_ages))},
      {"compression.type", pick(rng, codecs)},
      // Never full: send() from the simulation loop must not block.
      {"buffer.memory", "268435456"},
  };
}

// `explicit_partitions` has its own stream, so the rest of the workload
// draws the same with or without it.
std::vector<SimSend> draw_sends(SimRng rng, SimRng explicit_partitions, const std::vector<SimTopicSpec>& topic_specs) {
  const std::size_t topics = topic_specs.size();
  const auto threads = static_cast<std::uint32_t>(rng.uniform_int(1, 4));
  const auto records = static_cast<std::size_t>(rng.uniform_int(30, 250));
  static constexpr std::int64_t key_spaces[] = {4, 16, 64};
  const std::int64_t keys = pick(rng, key_spaces);
  const double null_keys = static_cast<double>(rng.uniform_int(0, 4)) / 4;
  std::vector<SimSend> out;
  out.reserve(records);
  SimTime t = rng.uniform_int(0, 50) * kMs;
  for (std::size_t i = 0; i < records; ++i) {
    SimSend s;
    s.at = t;
    s.thread = static_cast<std::uint32_t>(rng.uniform_int(0, threads - 1));
    s.topic = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(topics) - 1));
    if (!rng.bernoulli(null_keys)) s.key = std::string("k").append(std::to_string(rng.uniform_int(0, keys - 1)));
    s.value_bytes = static_cast<std::size_t>(rng.bernoulli(0.05) ? rng.uniform_int(200, 2000) : rng.uniform_int(0, 120));
    if (explicit_partitions.bernoulli(0.1)) {
      s.partition = static_cast<std::int32_t>(explicit_partitions.uniform_int(0, topic_specs[s.topic].partitions - 1));
    }
    out.push_back(std::move(s));
    // Bursts (several records at one instant) and pauses.
    const std::int64_t gap = rng.uniform_int(0, 9);
    t += gap < 6 ? 0 : gap < 9 ? rng.uniform_int(0, 2000) : rng.uniform_int(5, 200) * kMs;
  }
  return out;
}

// Fault combinations after which the producer writes a duplicate that it
// does not avoid today (nor does the Java client), once a batch may have
// been appended without its answer reaching the producer: an answer lost or
// late past request.timeout.ms (the network, a broker going down under a
// request, REQUEST_TIMED_OUT, which holds the whole request's answer), or
// NOT_ENOUGH_REPLICAS_AFTER_APPEND for that batch. docs/RELIABILITY.md has
// each case with a seed that shows it under ScenarioOptions::unsafe_faults.
//  - UNKNOWN_PRODUCER_ID, what a broker before 2.5 answered once it had lost
//    the producer's state: without the state it appends the resent batch
//    again, whatever the producer does.
//  - max.message.bytes lowered under the batch: the broker checks the size
//    before it looks for duplicates, so the resent batch gets
//    MESSAGE_TOO_LARGE; its split halves do not match the appended batch's
//    sequences (OUT_OF_ORDER_SEQUENCE_NUMBER, an epoch bump) and are
//    appended again.
//  - A partition's first batch not appended (NOT_ENOUGH_REPLICAS, a request
//    lost on the way to a leader that then moved) while a later one, sent
//    behind it, is: a broker since 2.5 accepts any sequence from a producer
//    it has no state for. The first batch's retry then gets
//    OUT_OF_ORDER_SEQUENCE_NUMBER for the sequence the producer expects
//    next (nothing acknowledged yet); it bumps the epoch and resends the
//    later batch, appended already, under the new one.
// Unless asked for, such runs get NOT_ENOUGH_REPLICAS instead of
// UNKNOWN_PRODUCER_ID, keep max.message.bytes, and run brokers before 2.5
// (which refused a first batch not at sequence 0) whenever answers may be
// lost: the random mix looks for what is not known yet. The draws are the
// same either way, so a seed names one run in each mode. Returns whether
// the brokers must be from before 2.5.
bool avoid_known_duplicates(std::vector<SimFault>& faults, std::vector<std::string>& notes) {
  bool answers_lost = false;
  for (const auto& f : faults) {
    answers_lost |= f.kind == FaultKind::broker_down ||
                    (f.kind == FaultKind::network && (f.network.drop_answer > 0 || f.network.slow_answer > 0)) ||
                    (f.kind == FaultKind::partition_fault && f.partition_fault == PartitionFault::request_timed_out);
  }
  auto appended_unanswered = [&](const SimFault& f, bool whole_topic) {
    if (answers_lost) return true;
    for (const auto& g : faults) {
      if (g.kind == FaultKind::partition_fault && g.topic == f.topic && (whole_topic || g.partition == f.partition) &&
          g.partition_fault == PartitionFault::not_enough_replicas_after_append) {
        return true;
      }
    }
    return false;
  };
  auto at = [](const SimFault& f) { return " at " + std::to_string(f.at / 1000) + " ms"; };
  for (auto& f : faults) {
    if (f.kind == FaultKind::partition_fault && f.partition_fault == PartitionFault::unknown_producer_id &&
        appended_unanswered(f, false)) {
      notes.push_back("UNKNOWN_PRODUCER_ID" + at(f));
      f.partition_fault = PartitionFault::not_enough_replicas;
    }
    if (f.kind == FaultKind::max_message_bytes && f.value != 1048588 && appended_unanswered(f, true)) {
      notes.push_back("max.message.bytes=" + std::to_string(f.value) + at(f));
      f.value = 1048588;
    }
  }
  if (answers_lost) notes.push_back("brokers since 2.5");
  return answers_lost;
}

// Faults within [0, window]: each kind from its own stream.
std::vector<SimFault> draw_faults(const SimRng& root, const SimScenario& s, SimTime window,
                                  std::int64_t request_timeout_ms) {
  std::vector<SimFault> out;
  auto when = [window](SimRng& rng) { return rng.uniform_int(0, window); };
  auto topic_partition = [&s](SimRng& rng, SimFault& f) {
    f.topic = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(s.topics.size()) - 1));
    f.partition = static_cast<std::int32_t>(rng.uniform_int(0, s.topics[f.topic].partitions - 1));
  };
  {
    SimRng rng = root.fork("fault.leader-move");
    for (auto n = rng.uniform_int(0, 3); n > 0; --n) {
      SimFault f = fault(when(rng), FaultKind::move_leader);
      topic_partition(rng, f);
      out.push_back(f);
    }
  }
  {
    SimRng rng = root.fork("fault.broker-outage");
    for (auto n = rng.uniform_int(-1, 2); n > 0; --n) {
      SimFault down = fault(when(rng), FaultKind::broker_down);
      down.node = static_cast<std::int32_t>(rng.uniform_int(1, s.brokers));
      SimFault up = down;
      up.kind = FaultKind::broker_up;
      up.at = down.at + rng.uniform_int(50, 5000) * kMs;
      out.push_back(down);
      out.push_back(up);
    }
  }
  {
    SimRng rng = root.fork("fault.partition");
    static constexpr PartitionFault kinds[] = {PartitionFault::not_enough_replicas,
                                               PartitionFault::not_enough_replicas_after_append,
                                               PartitionFault::request_timed_out, PartitionFault::unknown_producer_id};
    for (auto n = rng.uniform_int(-1, 4); n > 0; --n) {
      SimFault f = fault(when(rng), FaultKind::partition_fault);
      topic_partition(rng, f);
      f.partition_fault = pick(rng, kinds);
      out.push_back(f);
    }
  }
  {
    SimRng rng = root.fork("fault.network");
    for (auto n = rng.uniform_int(-2, 2); n > 0; --n) {
      SimFault on = fault(when(rng), FaultKind::network);
      on.network.drop_request = static_cast<double>(rng.uniform_int(0, 20)) / 100;
      on.network.drop_answer = static_cast<double>(rng.uniform_int(0, 20)) / 100;
      on.network.slow_answer = static_cast<double>(rng.uniform_int(0, 10)) / 100;
      // Past request.timeout.ms: the producer gives up on the request first.
      on.network.slow_delay = (request_timeout_ms + rng.uniform_int(1, 2000)) * kMs;
      SimFault off = fault(on.at + rng.uniform_int(100, 3000) * kMs, FaultKind::network);
      out.push_back(on);
      out.push_back(off);
    }
  }
  {
    SimRng rng = root.fork("fault.throttle");
    for (auto n = rng.uniform_int(-1, 2); n > 0; --n) {
      SimFault f = fault(when(rng), FaultKind::throttle);
      f.node = static_cast<std::int32_t>(rng.uniform_int(1, s.brokers));
      f.value = static_cast<std::int32_t>(rng.uniform_int(10, 300));
      out.push_back(f);
    }
  }
  {
    SimRng rng = root.fork("fault.max-message-bytes");
    if (rng.bernoulli(0.2)) {
      SimFault small = fault(when(rng), FaultKind::max_message_bytes);
      small.topic = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(s.topics.size()) - 1));
      small.value = static_cast<std::int32_t>(rng.uniform_int(300, 1500));
      SimFault back = small;
      back.at = small.at + rng.uniform_int(100, 3000) * kMs;
      back.value = 1048588;
      out.push_back(small);
      out.push_back(back);
    }
  }
  {
    SimRng rng = root.fork("fault.add-partitions");
    if (rng.bernoulli(0.2)) {
      SimFault f = fault(when(rng), FaultKind::add_partitions);
      f.topic = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(s.topics.size()) - 1));
      f.value = s.topics[f.topic].partitions + static_cast<std::int32_t>(rng.uniform_int(1, 2));
      out.push_back(f);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const SimFault& a, const SimFault& b) { return a.at < b.at; });
  return out;
}

}  // namespace

std::uint32_t SimScenario::threads() const {
  std::uint32_t n = 0;
  for (const auto& s : sends) n = std::max(n, s.thread + 1);
  return n;
}

std::string fault_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::move_leader: return "leader-move";
    case FaultKind::broker_down: return "broker-down";
    case FaultKind::broker_up: return "broker-up";
    case FaultKind::partition_fault: return "partition-error";
    case FaultKind::network: return "network";
    case FaultKind::throttle: return "throttle";
    case FaultKind::max_message_bytes: return "max-message-bytes";
    case FaultKind::add_partitions: return "add-partitions";
  }
  return "?";
}

std::string SimScenario::summary() const {
  std::string out = std::to_string(threads()) + " threads, " + std::to_string(sends.size()) + " records, " +
                    std::to_string(topics.size()) + " topics (";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i > 0) out += '+';
    out += std::to_string(topics[i].partitions);
  }
  out += " partitions), Produce v";
  out += std::to_string(versions.produce);
  if (pre_kip360_brokers) out += " (brokers before 2.5)";
  for (const char* p : {"enable.idempotence", "max.in.flight.requests.per.connection", "linger.ms", "batch.size",
                        "request.timeout.ms", "delivery.timeout.ms", "compression.type"}) {
    if (auto it = properties.find(p); it != properties.end()) out += " " + it->first + "=" + it->second;
  }
  std::map<std::string, int> kinds;
  for (const auto& f : faults) ++kinds[fault_name(f.kind)];
  out += "; faults:";
  if (kinds.empty()) out += " none";
  for (const auto& [name, n] : kinds) out += " " + name + "x" + std::to_string(n);
  if (!known_duplicate_risks.empty()) {
    out += unsafe_faults ? "; kept (unsafe):" : "; left out (known duplicates):";
    for (const auto& r : known_duplicate_risks) {
      out += ' ';
      out += r;
      out += ';';
    }
    out.pop_back();
  }
  return out;
}

SimScenario draw_scenario(std::uint64_t seed, const ScenarioOptions& options) {
  const SimRng root = SimRng(seed).fork("scenario");
  SimScenario s;
  SimRng shape = root.fork("shape");
  s.brokers = 3;
  s.versions.produce = shape.bernoulli(0.5) ? 12 : 13;
  const auto topics = shape.uniform_int(1, 3);
  for (std::int64_t i = 0; i < topics; ++i) {
    s.topics.push_back(
        SimTopicSpec{std::string("t").append(std::to_string(i)), static_cast<std::int32_t>(shape.uniform_int(1, 4))});
  }
  std::int64_t request_timeout_ms = 0;
  s.properties = draw_properties(root.fork("properties"), s.brokers, request_timeout_ms);
  s.sends = draw_sends(root.fork("sends"), root.fork("sends.explicit-partition"), s.topics);
  if (options.faults) {
    const SimTime window = (s.sends.empty() ? 0 : s.sends.back().at) + 2000 * kMs;
    s.faults = draw_faults(root, s, window, request_timeout_ms);
    if (options.unsafe_faults) {
      std::vector<SimFault> adjusted = s.faults;  // only to name what the default mix would leave out
      avoid_known_duplicates(adjusted, s.known_duplicate_risks);
    } else {
      s.pre_kip360_brokers = avoid_known_duplicates(s.faults, s.known_duplicate_risks);
    }
    for (const auto& f : s.faults) {
      s.pre_kip360_brokers |=
          f.kind == FaultKind::partition_fault && f.partition_fault == PartitionFault::unknown_producer_id;
    }
  }
  for (const auto& [k, v] : options.overrides) s.properties[k] = v;
  s.unsafe_faults = options.unsafe_faults;
  return s;
}

}  // namespace sluice::sim
