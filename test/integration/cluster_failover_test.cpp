// Broker failures against a real 3-broker cluster (tools/kafka-local start
// --brokers 3): bootstrapping past a dead first broker, a partition leader
// killed mid-run, and partitions added while producing.
//
// Every test that takes a broker down brings it back (NodeFault) and waits
// until the whole cluster serves again, so later tests see a full cluster.
// Delivery callbacks only record (under a mutex); Catch2 assertions run on
// the main thread.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "broker_env.hpp"
#include "cluster_control.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "sluice/sluice.hpp"

using namespace std::chrono_literals;
namespace cl = sluice::test::cluster;
using Clock = std::chrono::steady_clock;

namespace {

struct Cluster {
  std::string bootstrap;  // SLUICE_BOOTSTRAP as given
  std::vector<int> nodes;  // broker node id of each listed address, in order
};

// SLUICE_BOOTSTRAP naming at least 3 brokers of the kafka-local cluster at
// SLUICE_KAFKA_BASE, with every node up (anything an earlier failed test
// left down is brought back first).
// Keys whose Java placement (murmur2) over `count` partitions is 0, 1, ...
std::vector<std::string> keys_for_each_partition(std::int32_t count) {
  std::vector<std::string> keys(static_cast<std::size_t>(count));
  std::int32_t found = 0;
  for (int i = 0; found < count; ++i) {
    const std::string key = "grow-key-" + std::to_string(i);
    const auto p = sluice::partitioner::java_keyed_partition(
        {reinterpret_cast<const std::uint8_t*>(key.data()), key.size()}, count);
    auto& slot = keys[static_cast<std::size_t>(p)];
    if (slot.empty()) slot = key, ++found;
  }
  return keys;
}

Cluster three_broker_cluster_or_fail() {
  Cluster c;
  c.bootstrap = sluice::test::bootstrap_or_fail();
  auto addresses = cl::split_list(c.bootstrap);
  if (addresses.size() < 3) {
    FAIL("this test needs a cluster of 3 brokers, but SLUICE_BOOTSTRAP lists "
         << addresses.size() << " (" << c.bootstrap
         << "). Run it through tools/test, or start one with `tools/kafka-local start --brokers 3` and export "
            "SLUICE_BOOTSTRAP=<the printed list> (and SLUICE_KAFKA_BASE if not the default)");
  }
  for (const auto& a : addresses) {
    auto node = cl::node_of(a);
    if (!node) {
      FAIL("SLUICE_BOOTSTRAP entry '" << a << "' is not a broker of the tools/kafka-local cluster at base port "
                                      << cl::base_port()
                                      << " (brokers listen on BASE+id): set SLUICE_KAFKA_BASE to the cluster's base");
    }
    c.nodes.push_back(*node);
  }
  std::string why;
  const bool healthy = cl::restore_cluster(c.bootstrap, static_cast<int>(c.nodes.size()), 120s, &why);
  INFO("the cluster must be complete before a failover test: " << why);
  REQUIRE(healthy);
  return c;
}

// One slot per record: how many reports it got, the first one, and when.
class ReportLog {
 public:
  explicit ReportLog(std::size_t n) : slots_(n) {}

  sluice::DeliveryCallback callback(std::size_t index) {
    return [this, index](const sluice::DeliveryReport& r) {
      std::lock_guard lock(mu_);
      Slot& s = slots_[index];
      if (s.count++ == 0) {
        s.report = r;
        s.at = Clock::now();
      }
      if (!r.error) acked_.fetch_add(1);
      reported_.fetch_add(1);
    };
  }

  int acked() const { return acked_.load(); }
  int reported() const { return reported_.load(); }

  struct Slot {
    int count = 0;
    sluice::DeliveryReport report;
    Clock::time_point at;
  };
  // A copy, taken under the lock (for the main thread's assertions).
  std::vector<Slot> snapshot() const {
    std::lock_guard lock(mu_);
    return slots_;
  }
  // Successful reports per partition, so far.
  std::map<std::int32_t, int> acked_per_partition() const {
    std::lock_guard lock(mu_);
    std::map<std::int32_t, int> out;
    for (const auto& s : slots_) {
      if (s.count > 0 && !s.report.error) out[s.report.partition]++;
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Slot> slots_;
  std::atomic<int> acked_{0};
  std::atomic<int> reported_{0};
};

std::string describe_failure(std::size_t index, const sluice::DeliveryReport& r) {
  std::ostringstream o;
  o << "record " << index << ": " << r.error.category().name() << "/" << r.error.value() << " (" << r.error.message()
    << ") outcome_unknown=" << r.outcome_unknown << " partition=" << r.partition << " : " << r.error_message;
  return o.str();
}

// What kcat reads back: value by (partition, offset), and how often each value occurs.
struct LogContents {
  std::map<std::pair<std::int32_t, std::int64_t>, std::string> at;
  std::map<std::string, int> copies;
};

LogContents read_log(const std::string& bootstrap, const std::string& topic) {
  LogContents log;
  for (auto& r : sluice::test::consume_all_with_kcat(bootstrap, topic)) {
    std::string v = r.value.value_or("<null>");
    log.at[{r.partition, r.offset}] = v;
    log.copies[v]++;
  }
  return log;
}

// Every acknowledged record is in the log at the partition and offset its
// report gave, with its value; returns how many were checked.
int check_acked_records_in_log(const std::vector<ReportLog::Slot>& slots, const std::vector<std::string>& values,
                               const LogContents& log) {
  int checked = 0, missing = 0;
  std::string first_missing;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].count == 0 || slots[i].report.error) continue;
    ++checked;
    auto it = log.at.find({slots[i].report.partition, slots[i].report.offset});
    if (it == log.at.end() || it->second != values[i]) {
      if (missing++ == 0) {
        first_missing = "record " + std::to_string(i) + " ('" + values[i] + "') acknowledged at partition " +
                        std::to_string(slots[i].report.partition) + " offset " +
                        std::to_string(slots[i].report.offset) + ", log has " +
                        (it == log.at.end() ? std::string("nothing there") : "'" + it->second + "'");
      }
    }
  }
  INFO(missing << " acknowledged record(s) not in the log where their report said; first: " << first_missing);
  CHECK(missing == 0);
  return checked;
}

// Every record got exactly one report.
void check_one_report_each(const std::vector<ReportLog::Slot>& slots) {
  std::size_t none = 0, several = 0;
  std::string example;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].count == 0) {
      if (none++ == 0 && example.empty()) example = "record " + std::to_string(i) + " got no report";
    } else if (slots[i].count > 1) {
      if (several++ == 0 && example.empty())
        example = "record " + std::to_string(i) + " got " + std::to_string(slots[i].count) + " reports";
    }
  }
  INFO(none << " record(s) without a report, " << several << " with more than one; e.g. " << example);
  CHECK(none == 0);
  CHECK(several == 0);
}

// No record that got a report was failed by it.
void check_none_failed(const std::vector<ReportLog::Slot>& slots) {
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].count > 0 && slots[i].report.error) failures.push_back(describe_failure(i, slots[i].report));
  }
  INFO(failures.size() << " record(s) failed; first: " << (failures.empty() ? "" : failures.front()));
  CHECK(failures.empty());
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// --------------------------------------------------- a. bootstrap past a dead broker

void bootstrap_with_first_broker_down(cl::NodeFault::Kind kind) {
  const Cluster c = three_broker_cluster_or_fail();
  const int brokers = static_cast<int>(c.nodes.size());
  const int first = c.nodes.front();
  const std::string others = cl::without_node(c.bootstrap, first);
  const std::string topic = sluice::test::unique_topic("failover-bootstrap");
  cl::require_create_topic(c.bootstrap, topic, 3, 3, 2);
  cl::require_topic_complete(c.bootstrap, topic, 3, 60s);

  auto fault = kind == cl::NodeFault::Kind::killed ? cl::NodeFault::kill(first, c.bootstrap, brokers)
                                                   : cl::NodeFault::pause(first, c.bootstrap, brokers);
  {
    INFO(fault.injected().command << ": " << fault.injected().output);
    REQUIRE(fault.injected().ok());
  }
  // Wait until the controller has fenced it (3 s session timeout) and moved
  // its leaderships: then only bootstrapping has to get past it.
  cl::CommandResult raw;
  const bool moved = cl::wait_until(60s, [&] {
    auto d = cl::describe_topic(others, topic, &raw);
    if (!d) return false;
    for (const auto& p : *d) {
      if (p.leader < 0 || p.leader == first) return false;
      if (std::count(p.isr.begin(), p.isr.end(), first) != 0) return false;
    }
    return true;
  });
  {
    INFO("leaderships of " << topic << " still on broker " << first << " or missing; last describe:\n" << raw.output);
    REQUIRE(moved);
  }

  constexpr std::size_t n = 300;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < n; ++i) values.push_back("bootstrap-" + std::to_string(i));
  ReportLog log(n);
  const auto t0 = Clock::now();
  double flush_s = 0;
  {
    // All three addresses in their listed order: the first one is down.
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", c.bootstrap}, {"acks", "all"}, {"enable.idempotence", "true"}}));
    for (std::size_t i = 0; i < n; ++i) {
      sluice::Record r;
      r.topic = topic;
      r.key = "k" + std::to_string(i);
      r.value = values[i];
      producer.send(std::move(r), log.callback(i));
    }
    const auto left = producer.flush(60s);
    flush_s = seconds_since(t0);
    INFO("flush(60s) left " << left << " record(s) without a report after " << flush_s << " s");
    CHECK(left == 0);
  }
  WARN("bootstrap past " << (kind == cl::NodeFault::Kind::killed ? "killed" : "paused") << " broker " << first
                         << ": every report after " << flush_s << " s (producer closed after "
                         << seconds_since(t0) << " s)");

  {
    const bool restored = fault.restore();
    INFO("restoring broker " << first << ": " << fault.error());
    REQUIRE(restored);
  }

  auto slots = log.snapshot();
  check_one_report_each(slots);
  check_none_failed(slots);
  auto contents = read_log(c.bootstrap, topic);
  CHECK(check_acked_records_in_log(slots, values, contents) == static_cast<int>(n));
}

}  // namespace

TEST_CASE("a producer bootstraps past a first-listed broker that is paused (SIGSTOP)", "[failover]") {
  bootstrap_with_first_broker_down(cl::NodeFault::Kind::paused);
}

TEST_CASE("a producer bootstraps past a first-listed broker that was killed (kill -9)", "[failover]") {
  bootstrap_with_first_broker_down(cl::NodeFault::Kind::killed);
}

// --------------------------------------------------- b. leader killed mid-run

TEST_CASE("no acknowledged record is lost when a partition leader is killed mid-run (acks=all RF 3 min.isr 2)",
          "[failover]") {
  const Cluster c = three_broker_cluster_or_fail();
  const int brokers = static_cast<int>(c.nodes.size());
  const std::string topic = sluice::test::unique_topic("failover-leader");
  cl::require_create_topic(c.bootstrap, topic, 3, 3, 2);
  const auto before = cl::require_topic_complete(c.bootstrap, topic, 3, 60s);
  int victim = -1;
  for (const auto& p : before) {
    if (p.partition == 0) victim = p.leader;
  }
  REQUIRE(victim > 0);
  const auto victim_pid = cl::node_pid(victim);
  REQUIRE(victim_pid.has_value());

  constexpr std::size_t main_records = 2000, probe_records = 100, total = main_records + probe_records;
  constexpr std::size_t kill_after_acks = 500;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < total; ++i) values.push_back("leader-kill-" + std::to_string(i));
  ReportLog log(total);
  std::atomic<std::size_t> sent{0};
  std::optional<cl::NodeFault> fault;
  std::size_t sent_at_kill = 0, outstanding_at_kill = 0;
  Clock::time_point killed_at;
  int new_leader = -1;
  const auto t0 = Clock::now();
  double sending_s = 0, flush_s = 0;
  {
    sluice::Producer producer(sluice::Config::from_map(
        {{"bootstrap.servers", c.bootstrap}, {"acks", "all"}, {"enable.idempotence", "true"}}));
    auto send = [&](std::size_t i, std::int32_t partition) {
      sluice::Record r;
      r.topic = topic;
      r.partition = partition;
      r.key = "k" + std::to_string(i);
      r.value = values[i];
      producer.send(std::move(r), log.callback(i));
    };
    {
      // Sends continuously, one record every 5 ms (round-robin over the 3
      // partitions), ~10 s in all, so records keep arriving before, during
      // and after the failover. The pause only paces the load.
      std::jthread sender([&](std::stop_token stop) {
        for (std::size_t i = 0; i < main_records && !stop.stop_requested(); ++i) {
          send(i, static_cast<std::int32_t>(i % 3));
          sent.store(i + 1);
          std::this_thread::sleep_for(5ms);
        }
      });
      const bool enough = cl::wait_until(120s, [&] { return log.acked() >= static_cast<int>(kill_after_acks); }, 1ms);
      {
        INFO("only " << log.acked() << " of " << sent.load() << " sent records acknowledged after 120 s, before any fault");
        REQUIRE(enough);
      }
      // Kill while records are outstanding (sent, not yet reported): with
      // acks=all some are then usually on the wire to the victim.
      cl::wait_until(2s, [&] { return sent.load() > static_cast<std::size_t>(log.reported()) + 1; }, 1ms);
      sent_at_kill = sent.load();
      outstanding_at_kill = sent_at_kill - static_cast<std::size_t>(log.reported());
      killed_at = Clock::now();
      fault.emplace(cl::NodeFault::kill(victim, c.bootstrap, brokers, victim_pid));
      {
        INFO(fault->injected().command << ": " << fault->injected().output);
        REQUIRE(fault->injected().ok());
      }
      sender.join();  // all records sent (the jthread's destructor would stop it early: only for a failed REQUIRE)
    }
    sending_s = seconds_since(t0);

    // The controller elects a new leader for partition 0 after the session timeout.
    cl::CommandResult raw;
    const bool elected = cl::wait_until(60s, [&] {
      auto d = cl::describe_topic(cl::without_node(c.bootstrap, victim), topic, &raw);
      if (!d) return false;
      for (const auto& p : *d) {
        if (p.partition == 0 && p.leader > 0 && p.leader != victim) new_leader = p.leader;
      }
      return new_leader > 0;
    });
    {
      INFO("no new leader for partition 0 within 60 s; last describe:\n" << raw.output);
      REQUIRE(elected);
    }

    // Once the new leader is known, records to partition 0 must go through.
    for (std::size_t i = main_records; i < total; ++i) send(i, 0);
    const auto left = producer.flush(150s);  // > delivery.timeout.ms (120 s): every record must have its report
    flush_s = seconds_since(t0);
    INFO("flush(150s) left " << left << " record(s) without a report");
    CHECK(left == 0);
  }  // close: every record has its report before the destructor returns
  const double close_s = seconds_since(t0);

  {
    const bool restored = fault->restore();
    INFO("restoring broker " << victim << ": " << fault->error());
    REQUIRE(restored);
  }

  auto slots = log.snapshot();
  check_one_report_each(slots);

  std::vector<std::string> failures;
  std::map<std::int32_t, int> failed_per_partition;
  std::size_t main_ok = 0, probe_ok = 0, wrong_partition = 0;
  for (std::size_t i = 0; i < total; ++i) {
    if (slots[i].count == 0) continue;
    const auto& r = slots[i].report;
    if (r.error) {
      failures.push_back(describe_failure(i, r));
      failed_per_partition[i < main_records ? static_cast<std::int32_t>(i % 3) : 0]++;
      continue;
    }
    (i < main_records ? main_ok : probe_ok)++;
    if (r.partition != (i < main_records ? static_cast<std::int32_t>(i % 3) : 0)) ++wrong_partition;
  }
  // Partition 0's longest gap between consecutive acknowledgements, around the kill.
  std::vector<Clock::time_point> p0_acks;
  for (std::size_t i = 0; i < total; ++i) {
    if (slots[i].count > 0 && !slots[i].report.error && slots[i].report.partition == 0) p0_acks.push_back(slots[i].at);
  }
  std::sort(p0_acks.begin(), p0_acks.end());
  double p0_gap = 0;
  for (std::size_t i = 1; i < p0_acks.size(); ++i)
    p0_gap = std::max(p0_gap, std::chrono::duration<double>(p0_acks[i] - p0_acks[i - 1]).count());

  double p0_resumed = -1;  // first partition-0 acknowledgement after the kill
  for (const auto& at : p0_acks) {
    if (at > killed_at) {
      p0_resumed = std::chrono::duration<double>(at - killed_at).count();
      break;
    }
  }

  std::ostringstream summary;
  summary << "topic " << topic << ": leader of partition 0 (broker " << victim << ") killed after " << kill_after_acks << "+ acks, "
          << sent_at_kill << " records sent, " << outstanding_at_kill << " of them without a report; new leader broker " << new_leader << ". Main run: " << main_ok << "/"
          << main_records << " acknowledged, " << failures.size() << " failed in all; probe after re-election: "
          << probe_ok << "/" << probe_records << ". Partition 0 acknowledged again " << p0_resumed
          << " s after the kill; longest gap between its acks " << p0_gap << " s. Sending took " << sending_s << " s, every report after " << flush_s << " s, closed after "
          << close_s << " s.";
  for (const auto& [p, n] : failed_per_partition) summary << " Partition " << p << ": " << n << " failed.";
  WARN(summary.str());
  for (std::size_t i = 0; i < failures.size(); ++i) {
    if (i < 20) WARN("failed: " << failures[i]);
  }
  if (failures.size() > 20) WARN("... and " << failures.size() - 20 << " more failures");

  // Failures are allowed only with a named error.
  for (std::size_t i = 0; i < total; ++i) {
    if (slots[i].count == 0 || !slots[i].report.error) continue;
    INFO(describe_failure(i, slots[i].report));
    CHECK_FALSE(slots[i].report.error_message.empty());
  }
  CHECK(wrong_partition == 0);
  // Most of the run succeeds, and everything sent once the new leader is known.
  {
    INFO(summary.str());
    CHECK(main_ok * 2 > main_records);
    CHECK(probe_ok == probe_records);
  }

  // No acknowledged record lost: each is in the log where its report said.
  auto contents = read_log(c.bootstrap, topic);
  const int checked = check_acked_records_in_log(slots, values, contents);
  CHECK(checked == static_cast<int>(main_ok + probe_ok));
  // Idempotence is on by default (and the producer sets it explicitly here):
  // a batch resent after its answer was lost must not be written twice.
  std::map<std::string, std::string> duplicated;  // value -> where it is
  for (const auto& [at, v] : contents.at) {
    if (contents.copies.at(v) > 1)
      duplicated[v] += " p" + std::to_string(at.first) + "@" + std::to_string(at.second);
  }
  if (!duplicated.empty()) {
    std::ostringstream o;
    o << duplicated.size() << " record(s) appear more than once in the log (a batch resent after its answer was lost):";
    int shown = 0;
    for (const auto& [v, where] : duplicated) {
      if (shown++ >= 10) break;
      o << " '" << v << "' at" << where;
      auto idx = std::find(values.begin(), values.end(), v) - values.begin();
      if (idx < static_cast<long>(total) && slots[idx].count > 0) {
        o << " (reported at p" << slots[idx].report.partition << "@" << slots[idx].report.offset << ", "
          << std::chrono::duration<double>(slots[idx].at - killed_at).count() << " s after the kill)";
      }
      o << ";";
    }
    FAIL_CHECK(o.str());
  }
}

// --------------------------------------------------- c. partitions added at run time

TEST_CASE("records reach partitions added at run time (needs the periodic metadata refresh)",
          "[failover]") {
  const Cluster c = three_broker_cluster_or_fail();
  const std::string topic = sluice::test::unique_topic("failover-grow");
  cl::require_create_topic(c.bootstrap, topic, 1, 1, 1);
  cl::require_topic_complete(c.bootstrap, topic, 1, 60s);

  sluice::Config config;
  try {
    config = sluice::Config::from_map(
        {{"bootstrap.servers", c.bootstrap}, {"acks", "all"}, {"topic.metadata.refresh.interval.ms", "1000"}});
  } catch (const sluice::ConfigError& e) {
    FAIL("topic.metadata.refresh.interval.ms was rejected (" << e.what()
                                                             << "): this test needs the producer's periodic metadata "
                                                                "refresh and fails until that feature lands");
  }

  constexpr std::size_t max_records = 20000;
  std::vector<std::string> values;
  for (std::size_t i = 0; i < max_records; ++i) values.push_back("grow-" + std::to_string(i));
  // Keyed records, one key per partition of the grown topic: once the
  // producer's metadata lists 4 partitions, the very next record with key i
  // goes to partition i (Java's murmur2 placement), so whether every new
  // partition is reached depends on the refresh alone. (Null keys do not
  // prove it: the uniform sticky partitioner switches partition only every
  // batch.size bytes, about 225 of these records, KIP-794, so reaching p3 in
  // 30 s was a matter of chance. That was this test's flakiness, not the
  // producer's.)
  const std::vector<std::string> keys = keys_for_each_partition(4);
  ReportLog log(max_records);
  std::atomic<std::size_t> sent{0};
  bool reached = false;
  double reached_after_s = -1, alter_s = 0;
  std::map<std::int32_t, int> per_partition;
  {
    sluice::Producer producer(config);
    {
      // One record every 10 ms, until told to stop, cycling through the keys.
      std::jthread sender([&](std::stop_token stop) {
        for (std::size_t i = 0; i < max_records && !stop.stop_requested(); ++i) {
          sluice::Record r;
          r.topic = topic;
          r.key = keys[i % keys.size()];
          r.value = values[i];
          producer.send(std::move(r), log.callback(i));
          sent.store(i + 1);
          std::this_thread::sleep_for(10ms);
        }
      });
      const bool started = cl::wait_until(60s, [&] { return log.acked() >= 50; }, 10ms);
      {
        INFO("only " << log.acked() << " of " << sent.load() << " records acknowledged on the 1-partition topic");
        REQUIRE(started);
      }

      const auto alter_start = Clock::now();
      cl::require_alter_partitions(c.bootstrap, topic, 4);  // the sender keeps going meanwhile
      alter_s = seconds_since(alter_start);
      const auto altered = Clock::now();
      reached = cl::wait_until(
          30s,
          [&] {
            auto acked = log.acked_per_partition();
            return acked.count(1) && acked.count(2) && acked.count(3);
          },
          50ms);
      reached_after_s = seconds_since(altered);
      per_partition = log.acked_per_partition();
      sender.request_stop();
    }
    const auto left = producer.flush(60s);
    INFO("flush(60s) left " << left << " record(s) without a report");
    CHECK(left == 0);
  }

  std::ostringstream where;
  for (const auto& [p, n] : per_partition) where << " p" << p << "=" << n;
  WARN("partitions 1 -> 4 (alter took " << alter_s << " s); acknowledged per partition" << where.str()
                                        << (reached ? "; all new partitions reached " : "; NOT all reached within ")
                                        << reached_after_s << " s after the alter; " << sent.load() << " records sent");
  {
    INFO("records must reach the new partitions 1..3 within 30 s of the alter (metadata refresh every 1 s); "
         "acknowledged per partition:"
         << where.str());
    CHECK(reached);
  }

  const std::size_t n = sent.load();
  auto slots = log.snapshot();
  slots.resize(n);
  check_one_report_each(slots);
  check_none_failed(slots);
  auto contents = read_log(c.bootstrap, topic);
  check_acked_records_in_log(slots, values, contents);
}

// Defect 4: a record for a partition beyond the cached partition count used to
// fail at once with invalid_partition. Like Java's send(), it now waits (up
// to max.block.ms) for metadata that lists the partition.
TEST_CASE("a record for a partition added at run time waits for metadata that lists it", "[failover]") {
  const Cluster c = three_broker_cluster_or_fail();
  const std::string topic = sluice::test::unique_topic("failover-added");
  cl::require_create_topic(c.bootstrap, topic, 1, 1, 1);
  cl::require_topic_complete(c.bootstrap, topic, 1, 60s);
  // No periodic refresh within the test (metadata.max.age.ms 10 min): only the
  // record's own wait can find the new partitions.
  sluice::Producer producer(sluice::Config::from_map({{"bootstrap.servers", c.bootstrap},
                                                      {"acks", "all"},
                                                      {"metadata.max.age.ms", "600000"},
                                                      {"max.block.ms", "60000"}}));
  const auto first = producer.send_sync(sluice::Record{.topic = topic, .partition = 0, .value = "before"});
  INFO(first.error_message);
  REQUIRE(first);  // the producer has the 1-partition metadata now
  cl::require_alter_partitions(c.bootstrap, topic, 4);
  const auto added = producer.send_sync(sluice::Record{.topic = topic, .partition = 3, .value = "after"});
  INFO(added.error_message);
  CHECK(added);
  CHECK(added.partition == 3);
  CHECK(added.offset == 0);
}
