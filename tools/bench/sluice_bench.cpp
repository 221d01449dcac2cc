// sluice-bench: a producer benchmark in the spirit of
// kafka-producer-perf-test and rdkafka_performance. Sends N records through
// the public API and reports throughput, send->ack latency percentiles,
// client CPU and memory (docs/TOOLS.md). The options and the report are
// shared with rdkafka-bench (tools/peers), so the two compare like for like.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "bench_cli.hpp"
#include "bench_options.hpp"
#include "bench_report.hpp"
#include "every_report.hpp"
#include "interrupt.hpp"
#include "latency_recorder.hpp"
#include "outcome_tally.hpp"
#include "pacer.hpp"
#include "process_usage.hpp"
#include "producer_metrics.hpp"
#include "progress_line.hpp"
#include "sluice/sluice.hpp"
#include "topic_setup.hpp"
#include "workload.hpp"


namespace {

using namespace sluice::bench;
using namespace std::chrono_literals;

// What the delivery callbacks update. The callback captures a pointer to
// this and the record's index (16 trivially copyable bytes), which
// std::function stores without allocating: the benchmark adds no
// allocation per record beyond the client's own.
struct Run {
  Run(std::size_t n, Clock::time_point t0, std::uint64_t value_bytes) : latency(n, t0), value_size(value_bytes) {}
  LatencyRecorder latency;
  OutcomeTally tally;
  std::uint64_t value_size;

  void on_report(std::size_t index, const sluice::DeliveryReport& r) {
    if (r) {
      latency.acked(index, Clock::now());
      tally.acked(r.partition, value_size);
    } else {
      tally.failed(std::string(r.error.category().name()) + ": " + r.error.message(), r.error_message);
    }
  }
};

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "sluice-bench: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions opt;
  std::optional<sluice::Config> config;
  sluice::ProducerSettings settings;
  try {
    opt = parse_bench_options(argc, argv);
    if (opt.help) {
      std::fputs(bench_usage("sluice-bench").c_str(), stdout);
      return 0;
    }
    if (opt.version) {
      std::printf("sluice-bench %s\n", sluice::version());
      return 0;
    }
    config = sluice_config(opt);
    settings = config->resolve();
    if (auto refused = sluice::cli::refuse_report_filter(settings.delivery_report_only_error, "sluice-bench")) {
      return fail(*refused, 2);
    }
  } catch (const UsageError& e) {
    return fail(e.what(), 2);
  } catch (const sluice::ConfigError& e) {
    return fail(e.what(), 2);
  }
  // A value at or over the request limit can never be sent: say so once
  // instead of failing every record.
  if (opt.record_size >= settings.max_request_size) {
    return fail("--record-size " + std::to_string(opt.record_size) + " is over max.request.size (" +
                    std::to_string(settings.max_request_size) +
                    "): lower --record-size or raise -X max.request.size",
                2);
  }

  install_interrupt_handlers();
  std::unique_ptr<sluice::Producer> producer;
  std::unique_ptr<SendWatcher> watcher;
  try {
    SignalBlock block;  // the I/O thread inherits the mask: signals go to this thread
    producer = std::make_unique<sluice::Producer>(*config);
    // A send() blocked on a full buffer (up to max.block.ms) is cut short by
    // SIGINT/SIGTERM: what was never sent fails (purged), freeing space.
    watcher = std::make_unique<SendWatcher>([p = producer.get()] { p->purge(); });
  } catch (const std::exception& e) {
    return fail(std::string("cannot start the producer: ") + e.what(), 2);
  }

  if (opt.create_partitions > 0) {
    // Before the clock starts: creating the topic is not part of the run.
    const auto setup = create_topic_if_missing(*producer, opt.topic, opt.create_partitions,
                                               settings.max_block);
    if (!setup.ok) return fail(setup.message, 1);
    if (!opt.quiet) std::fprintf(stderr, "sluice-bench: %s\n", setup.message.c_str());
  }

  const auto n = static_cast<std::size_t>(opt.num_records);
  const std::string value = make_value(opt.record_size);
  KeyMaker keys(opt.key_mode);
  ProgressLine progress(!opt.quiet && ::isatty(STDERR_FILENO) != 0, Clock::now());
  auto show_progress = [&](std::int64_t sent, const Run& run) {
    progress.update(Clock::now(), sent, run.tally.acked_count(), run.tally.failed_count(), run.tally.acked_bytes());
  };

  Run run(n, Clock::now(), opt.record_size);  // allocated before the clock starts
  const ProcessUsage usage0 = process_usage();
  const Clock::time_point t0 = Clock::now();
  const Pacer pacer(opt.throughput, t0);
  std::int64_t sent = 0;
  for (std::size_t i = 0; i < n && interrupt_count() == 0; ++i) {
    // Throttled: the intended time, so a stall in send() counts. Else the
    // time of the call.
    run.latency.sent(i, pacer.throttled() ? pacer.wait(i) : Clock::now());
    // From views, as rdkafka-bench hands librdkafka its buffers with
    // RD_KAFKA_MSG_F_COPY: the producer copies the bytes, no Record is built.
    sluice::RecordRef record{.topic = opt.topic, .value = value};
    if (keys.has_keys()) record.key = keys.key(i);
    watcher->entering();
    producer->send_ref(record, [r = &run, i](const sluice::DeliveryReport& rep) { r->on_report(i, rep); });
    watcher->left();
    ++sent;
    if (pacer.throttled() || (i & 255) == 0) show_progress(sent, run);
  }

  // Every record gets its report within max.block.ms (waiting for metadata)
  // plus delivery.timeout.ms; the margin only guards against a client bug.
  const auto deadline = Clock::now() + settings.max_block + settings.delivery_timeout + 5s;
  while (producer->flush(200ms) > 0 && Clock::now() < deadline && interrupt_count() < 2) {
    show_progress(sent, run);
  }
  const Clock::time_point t_end = Clock::now();
  const ProcessUsage usage1 = process_usage();
  progress.finish();
  watcher.reset();
  // Read before close(), as kafka-producer-perf-test reads its producer's
  // metrics after flush(): what the run did, nothing failed by the close.
  ProducerMetrics metrics;
  if (opt.print_metrics) {
    metrics = producer_metrics(producer->statistics_json());
    if (!metrics.error.empty()) std::fprintf(stderr, "sluice-bench: --print-metrics: %s\n", metrics.error.c_str());
  }
  // Fails what is still without a report (errc::closed, counted as a
  // failure) and joins the I/O thread: after this no callback touches `run`.
  producer->close(0ms);
  producer.reset();

  BenchResult result;
  result.tool = "sluice-bench";
  result.client = std::string("sluice ") + sluice::version();
  result.options = opt;
  result.sent = sent;
  result.outcome = run.tally.snapshot();
  result.elapsed_s = std::chrono::duration<double>(t_end - t0).count();
  result.latency = run.latency.summary();
  result.latency_from_intended = pacer.throttled();
  result.cpu_user_s = usage1.user_s - usage0.user_s;
  result.cpu_system_s = usage1.system_s - usage0.system_s;
  result.peak_rss_mib = usage1.peak_rss_mib;
  result.interrupted = interrupt_count() > 0;
  result.metrics = std::move(metrics.metrics);

  const std::string report = opt.json ? report_json(result) + "\n" : report_text(result);
  std::fputs(report.c_str(), stdout);
  std::fflush(stdout);
  if (auto line = failure_line(result)) std::fprintf(stderr, "sluice-bench: %s\n", line->c_str());
  return exit_code(result);
}
