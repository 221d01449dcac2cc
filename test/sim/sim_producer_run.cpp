#include "sim_producer_run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "producer_driver.hpp"
#include "sim_broker_link.hpp"
#include "sim_engine_clock.hpp"
#include "sim_history.hpp"
#include "sim_record_id.hpp"
#include "sim_timers.hpp"
#include "sim_world.hpp"
#include "sluice/config.hpp"

namespace sluice::sim {

namespace {

void add(verify::Counts& to, const verify::Counts& c) {
  to.sent += c.sent;
  to.acked += c.acked;
  to.failed += c.failed;
  to.unknown += c.unknown;
  to.unknown_landed += c.unknown_landed;
  to.lost += c.lost;
  to.dup += c.dup;
  to.extra_copies += c.extra_copies;
  to.reordered += c.reordered;
  to.wrong_offset += c.wrong_offset;
  to.phantom += c.phantom;
  to.missing_report += c.missing_report;
  to.multi_report += c.multi_report;
  to.misplaced += c.misplaced;
  to.corrupt += c.corrupt;
  to.foreign += c.foreign;
  to.no_report_landed += c.no_report_landed;
  to.acked_without_offset += c.acked_without_offset;
}

std::int64_t micros(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::microseconds>(ms).count();
}

// One run. Owns the world and the engine; the engine is declared last so it
// goes first (its links and timers point into the members before it).
class SimProducerRun {
 public:
  SimProducerRun(std::uint64_t seed, const SimScenario& scenario, const SimRunOptions& options)
      : seed_(seed),
        scenario_(scenario),
        options_(options),
        world_(seed, WorldOptions{scenario.brokers, 3, scenario.network, {}}),
        clock_(std::make_shared<SimEngineClock>(world_.clock())),
        timers_(std::make_shared<SimTimerQueue>()),
        links_(std::make_shared<SimLinkFactory>(world_, *timers_, scenario.versions)),
        histories_(scenario.topics.size()),
        reports_(scenario.sends.size(), 0),
        next_seq_(scenario.threads(), 0) {
    world_.trace().keep_lines(options.keep_trace_lines);
    for (const auto& t : scenario.topics) world_.cluster().create_topic(t.name, t.partitions);
    world_.cluster().set_pre_kip360(scenario.pre_kip360_brokers);
    ProducerOptions producer_options;
    producer_options.io_context = &io_;
    detail::EngineSeams seams;
    seams.clock = clock_;
    seams.timers = timers_;
    seams.links = links_;
    seams.random_seed = seed;
    // As sluice::Producer builds it (producer.cpp), plus the seams.
    engine_ = std::make_unique<detail::ProducerDriver>(Config::from_map(scenario.properties).resolve(),
                                                      std::move(producer_options), std::move(seams));
  }

  SimRunResult run() {
    loop();
    close_engine();
    return judge();
  }

 private:
  void loop() {
    const auto& settings = engine_->settings();
    const SimTime last_send = scenario_.sends.empty() ? 0 : scenario_.sends.back().at;
    const SimTime give_up = last_send + micros(std::max(settings.delivery_timeout, settings.max_block)) +
                            micros(settings.request_timeout) + kHangSlack;
    std::size_t next_send = 0;
    std::size_t next_fault = 0;
    while (true) {
      run_io();
      if (next_send == scenario_.sends.size() && reported_ == scenario_.sends.size()) return;
      const SimTime now = world_.now();
      if (next_fault < scenario_.faults.size() && scenario_.faults[next_fault].at <= now) {
        apply(scenario_.faults[next_fault++]);
        continue;
      }
      if (next_send < scenario_.sends.size() && scenario_.sends[next_send].at <= now) {
        send(next_send++);
        continue;
      }
      if (auto fire = timers_->take_due(now)) {
        world_.trace().add("timer", {now});
        boost::asio::post(io_, std::move(*fire));
        continue;
      }
      SimTime next = timers_->next_due();
      if (next_send < scenario_.sends.size()) next = std::min(next, scenario_.sends[next_send].at);
      if (next_fault < scenario_.faults.size()) next = std::min(next, scenario_.faults[next_fault].at);
      const SimTime next_event = std::min(next, world_.next_event_time());
      if (next_event == kNever) {
        hang_ = "stalled at " + std::to_string(now) + " us: no timer, send, fault or network event left, " +
                std::to_string(scenario_.sends.size() - reported_) + " records without a report";
        return;
      }
      if (next_event > give_up) {
        hang_ = "no report for " + std::to_string(scenario_.sends.size() - reported_) + " records by " +
                std::to_string(give_up) + " us (last send + max(delivery.timeout.ms, max.block.ms) + "
                "request.timeout.ms + 30 s)";
        return;
      }
      if (auto event = world_.poll(next)) {
        boost::asio::post(io_, [this, e = std::make_shared<SimEvent>(std::move(*event))]() mutable {
          links_->deliver(std::move(*e));
        });
      }
    }
  }

  // Everything posted runs, as the engine's I/O thread would run it.
  void run_io() {
    while (true) {
      if (io_.stopped()) io_.restart();
      if (io_.poll() == 0) return;
    }
  }

  void apply(const SimFault& f) {
    SimCluster& cluster = world_.cluster();
    const std::string& topic = scenario_.topics[f.topic].name;
    world_.trace().add("fault", {world_.now(), static_cast<std::int64_t>(f.kind), static_cast<std::int64_t>(f.topic),
                                 f.partition, f.node, f.value});
    switch (f.kind) {
      case FaultKind::move_leader:
        try {
          cluster.move_leader(topic, f.partition);
        } catch (const std::invalid_argument&) {
          // No other live replica (brokers down): nothing moves.
        }
        return;
      case FaultKind::broker_down: world_.broker_down(f.node); return;
      case FaultKind::broker_up: world_.broker_up(f.node); return;
      case FaultKind::partition_fault: cluster.inject(topic, f.partition, f.partition_fault); return;
      case FaultKind::network: world_.network().set_faults(f.network); return;
      case FaultKind::throttle: cluster.throttle_next(f.node, f.value); return;
      case FaultKind::max_message_bytes: cluster.set_max_message_bytes(topic, f.value); return;
      case FaultKind::add_partitions:
        if (f.value > static_cast<std::int32_t>(cluster.topic(topic)->partitions.size())) {
          cluster.add_partitions(topic, f.value);
        }
        return;
    }
  }

  // One record from its simulated thread: the id in its sim-id header, its
  // value naming it too, padded to the scenario's size.
  void send(std::size_t index) {
    const SimSend& s = scenario_.sends[index];
    const verify::RecordId id{s.thread, next_seq_[s.thread]++};
    const std::string id_text = record_id_text(id);
    std::string value = "v:" + id_text + ":";
    for (std::size_t i = 0; i < s.value_bytes; ++i) value += static_cast<char>('a' + (id.seq + i) % 26);
    const Header header{std::string(kRecordIdHeader), id_text};
    const std::string& topic = scenario_.topics[s.topic].name;
    histories_[s.topic].sent(id, s.key, value, s.partition);
    world_.trace().add("send", {world_.now(), s.thread, static_cast<std::int64_t>(id.seq),
                                static_cast<std::int64_t>(s.topic)});
    RecordRef record;
    record.topic = topic;
    record.partition = s.partition;
    if (s.key) record.key = std::string_view(*s.key);
    record.value = std::string_view(value);
    record.headers = std::span<const Header>(&header, 1);
    engine_->send(record, [this, index, id](const DeliveryReport& r) { on_report(index, id, r); });
  }

  void on_report(std::size_t index, const verify::RecordId& id, const DeliveryReport& r) {
    verify::Report report;
    report.kind = !r.error ? verify::ReportKind::acked
                           : (r.outcome_unknown ? verify::ReportKind::unknown : verify::ReportKind::failed);
    report.partition = r.partition;
    report.offset = r.error ? -1 : r.offset;
    if (r.error) report.error = r.error_message;
    world_.trace().add("report", {world_.now(), id.producer, static_cast<std::int64_t>(id.seq),
                                  static_cast<std::int64_t>(report.kind), report.partition, report.offset});
    histories_[scenario_.sends[index].topic].report(id, std::move(report));
    if (reports_[index]++ == 0) {
      ++reported_;
      end_time_ = world_.now();
    }
  }

  // close(0) from the I/O side, as a callback would: stop_io runs on the
  // next poll and reports whatever is left, once. Then the engine goes.
  void close_engine() {
    if (hang_.empty()) end_time_ = std::max(end_time_, world_.now());
    boost::asio::post(io_, [this] { engine_->close(std::chrono::milliseconds(0)); });
    run_io();
    engine_.reset();
    run_io();
  }

  SimRunResult judge() {
    SimRunResult r;
    r.seed = seed_;
    r.hang = hang_;
    r.end_time = hang_.empty() ? end_time_ : world_.now();
    for (std::size_t i = 0; i < scenario_.topics.size(); ++i) {
      const std::string& name = scenario_.topics[i].name;
      const verify::CheckResult c = histories_[i].check(world_.cluster(), name);
      add(r.counts, c.counts);
      for (const auto& [counter, cases] : c.examples) {
        for (const auto& text : cases) r.examples[counter].push_back(name + ": " + text);
      }
    }
    r.violations = verify::violations(r.counts, options_.tolerance);
    r.trace_hash = world_.trace().hash();
    r.trace_entries = world_.trace().entries();
    r.trace_lines = world_.trace().lines();
    return r;
  }

  std::uint64_t seed_;
  const SimScenario& scenario_;
  SimRunOptions options_;
  SimWorld world_;
  boost::asio::io_context io_;
  std::shared_ptr<SimEngineClock> clock_;
  std::shared_ptr<SimTimerQueue> timers_;
  std::shared_ptr<SimLinkFactory> links_;
  std::vector<SimHistory> histories_;    // per topic
  std::vector<std::uint32_t> reports_;   // per send: reports so far
  std::size_t reported_ = 0;             // sends with at least one report
  std::vector<std::uint64_t> next_seq_;  // per thread: the next record's seq
  SimTime end_time_ = 0;
  std::string hang_;
  std::unique_ptr<detail::ProducerDriver> engine_;
};

}  // namespace

std::string SimRunResult::line() const {
  std::string out = "seed=" + std::to_string(seed) + (passed() ? " PASS" : " FAIL");
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(trace_hash));
  out += std::string(" hash=") + hash + " records=" + std::to_string(counts.sent) + " acked=" +
         std::to_string(counts.acked) + " failed=" + std::to_string(counts.failed) + " unknown=" +
         std::to_string(counts.unknown) + " end=" + std::to_string(end_time / 1000) + "ms";
  if (!violations.empty()) {
    out += " violations=";
    for (std::size_t i = 0; i < violations.size(); ++i) {
      if (i > 0) out += ',';
      out += violations[i];
    }
    for (const auto& [name, value] : verify::counter_list(counts)) {
      for (const auto& v : violations) {
        if (v != name) continue;
        out += ' ';
        out += name;
        out += '=';
        out += std::to_string(value);
      }
    }
  }
  if (!hang.empty()) out += " hang: " + hang;
  return out;
}

SimRunResult run_producer_sim(std::uint64_t seed, const SimScenario& scenario, const SimRunOptions& options) {
  return SimProducerRun(seed, scenario, options).run();
}

SimRunResult run_seed(std::uint64_t seed, const ScenarioOptions& scenario, const SimRunOptions& options) {
  const SimScenario drawn = draw_scenario(seed, scenario);
  return run_producer_sim(seed, drawn, options);
}

}  // namespace sluice::sim
