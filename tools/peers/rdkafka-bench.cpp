// rdkafka-bench: the measurement peer of sluice-bench on librdkafka's C
// API. Same flags, same workload, same report code (sluice_bench_common);
// only the client differs, so the two reports compare like for like. Not
// part of Sluice: it links librdkafka and never Sluice.
//
// The loop is librdkafka's usual one: rd_kafka_produce with a copy of the
// payload and the record's index as the per-message opaque, rd_kafka_poll
// after each to serve delivery reports (dr_msg_cb) on this thread, a poll
// and retry while the local queue is full, rd_kafka_flush at the end.
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "bench_cli.hpp"
#include "bench_report.hpp"
#include "every_report.hpp"
#include "interrupt.hpp"
#include "latency_recorder.hpp"
#include "outcome_tally.hpp"
#include "pacer.hpp"
#include "process_usage.hpp"
#include "progress_line.hpp"
#include "workload.hpp"

namespace {

using namespace sluice::bench;
using namespace std::chrono_literals;

struct Run {
  Run(std::size_t n, Clock::time_point epoch) : latency(n, epoch) {}
  LatencyRecorder latency;
  OutcomeTally tally;
  std::mutex mu;
  std::string last_client_error;  // error_cb: why brokers are unreachable, for the failure line
  bool print_logs = false;        // -X debug=...: the user asked for librdkafka's log

  std::string client_error() {
    std::lock_guard lock(mu);
    return last_client_error;
  }
  void fail(rd_kafka_resp_err_t err, const std::string& message) {
    std::string full = message;
    if (std::string why = client_error(); !why.empty()) full += " (last client error: " + why + ")";
    tally.failed(std::string(rd_kafka_err2name(err)) + ": " + rd_kafka_err2str(err), full);
  }
};

extern "C" void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* run = static_cast<Run*>(opaque);
  const auto index = reinterpret_cast<std::uintptr_t>(m->_private);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    run->latency.acked(index, Clock::now());
    run->tally.acked(m->partition, m->len);
  } else {
    // Not rd_kafka_message_errstr: for a delivery report it returns the payload.
    run->fail(m->err, "record " + std::to_string(index) + " to " + rd_kafka_topic_name(m->rkt) + " [" +
                          std::to_string(m->partition) + "]: " + rd_kafka_err2str(m->err));
  }
}

extern "C" void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* run = static_cast<Run*>(opaque);
  std::lock_guard lock(run->mu);
  run->last_client_error = std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " + reason;
}

// librdkafka logs connection failures itself; the report and the one
// failure line say what matters, so its log shows only when asked for.
extern "C" void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* run = static_cast<Run*>(rd_kafka_opaque(rk));
  if (run != nullptr && run->print_logs) std::fprintf(stderr, "%%%d|%s|%s\n", level, fac, buf);
}

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "rdkafka-bench: %s\n", message.c_str());
  return code;
}

std::int64_t conf_int(const rd_kafka_conf_t* conf, const char* name, std::int64_t fallback) {
  char buf[64];
  std::size_t size = sizeof buf;
  if (rd_kafka_conf_get(conf, name, buf, &size) != RD_KAFKA_CONF_OK) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(buf, &end, 10);
  return end != buf ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions opt;
  try {
    opt = parse_bench_options(argc, argv);
  } catch (const UsageError& e) {
    return fail(e.what(), 2);
  }
  if (opt.help) {
    std::fputs(bench_usage("rdkafka-bench").c_str(), stdout);
    return 0;
  }
  if (opt.print_metrics) {
    return fail("--print-metrics is not supported by rdkafka-bench (librdkafka reports statistics only every "
                "statistics.interval.ms): use sluice-bench --print-metrics",
                2);
  }
  // librdkafka's own setting (its booleans: true/false, 1/0): the run would
  // count the acknowledged records as without a report.
  for (const auto& [name, value] : opt.properties) {
    if (name != "delivery.report.only.error") continue;
    if (auto refused = sluice::cli::refuse_report_filter(value == "true" || value == "1", "rdkafka-bench")) {
      return fail(*refused, 2);
    }
  }
  if (opt.create_partitions > 0) {
    return fail("--create-partitions is not supported by rdkafka-bench: create the topic first (sluice-bench "
                "--create-partitions N, or Kafka's TopicCommand)", 2);
  }

  const auto n = static_cast<std::size_t>(opt.num_records);
  Run run(n, Clock::now());  // allocated before the clock starts

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      return std::string("property '") + name + "' = '" + shown_property_value(name, value) + "': " + errstr;
    }
    if (name == "debug") run.print_logs = true;
    return std::string();
  };
  std::string bad = set("bootstrap.servers", opt.bootstrap);
  for (const auto& [name, value] : opt.properties) {
    if (!bad.empty()) break;
    bad = set(name, value);
  }
  if (!bad.empty()) {
    rd_kafka_conf_destroy(conf);
    return fail(bad, 2);
  }
  const std::int64_t max_message = conf_int(conf, "message.max.bytes", 1000000);
  if (static_cast<std::int64_t>(opt.record_size) >= max_message) {
    rd_kafka_conf_destroy(conf);
    return fail("--record-size " + std::to_string(opt.record_size) + " is over message.max.bytes (" +
                    std::to_string(max_message) + "): lower --record-size or raise -X message.max.bytes",
                2);
  }
  rd_kafka_conf_set_opaque(conf, &run);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_error_cb(conf, on_error);
  rd_kafka_conf_set_log_cb(conf, on_log);

  install_interrupt_handlers();
  rd_kafka_t* rk = nullptr;
  {
    SignalBlock block;  // librdkafka's threads inherit the mask: signals go to this thread
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  }
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    return fail(std::string("cannot start the producer: ") + errstr, 2);
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, opt.topic.c_str(), nullptr);
  if (rkt == nullptr) {
    rd_kafka_destroy(rk);
    return fail("topic '" + opt.topic + "': " + rd_kafka_err2str(rd_kafka_last_error()), 2);
  }
  // Every record gets its report within message.timeout.ms (the
  // topic-level alias of delivery.timeout.ms).
  const auto message_timeout = std::chrono::milliseconds(conf_int(rd_kafka_conf(rk), "message.timeout.ms", 300000));

  std::string value = make_value(opt.record_size);
  KeyMaker keys(opt.key_mode);
  ProgressLine progress(::isatty(STDERR_FILENO) != 0, Clock::now());
  auto show_progress = [&](std::int64_t sent) {
    progress.update(Clock::now(), sent, run.tally.acked_count(), run.tally.failed_count(), run.tally.acked_bytes());
  };

  const ProcessUsage usage0 = process_usage();
  const Clock::time_point t0 = Clock::now();
  const Pacer pacer(opt.throughput, t0);
  std::int64_t sent = 0;
  for (std::size_t i = 0; i < n && interrupt_count() == 0; ++i) {
    // Throttled: the intended time. Else the first attempt, so time spent
    // waiting for queue space counts, as a blocking send() would in Java.
    run.latency.sent(i, pacer.throttled() ? pacer.wait(i) : Clock::now());
    const std::string_view key = keys.key(i);
    bool abandoned = false;  // a second Ctrl-C while the queue is full
    while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, value.data(), value.size(),
                            keys.has_keys() ? key.data() : nullptr, key.size(),
                            reinterpret_cast<void*>(static_cast<std::uintptr_t>(i))) != 0) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        run.fail(err, "record " + std::to_string(i) + " refused by rd_kafka_produce: " + rd_kafka_err2str(err));
        break;
      }
      rd_kafka_poll(rk, 1);  // serve reports until the queue has room
      if (interrupt_count() > 1) {
        abandoned = true;
        break;
      }
    }
    if (abandoned) break;
    ++sent;
    rd_kafka_poll(rk, 0);
    if (pacer.throttled() || (i & 255) == 0) show_progress(sent);
  }

  const auto deadline = Clock::now() + message_timeout + 5s;
  while (rd_kafka_outq_len(rk) > 0 && Clock::now() < deadline && interrupt_count() < 2) {
    rd_kafka_flush(rk, 200);
    show_progress(sent);
  }
  const Clock::time_point t_end = Clock::now();
  const ProcessUsage usage1 = process_usage();
  progress.finish();
  // What is left fails as purged (counted), like Sluice's close(0).
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk, 1000);
  const std::string client = std::string("librdkafka ") + rd_kafka_version_str();
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  BenchResult result;
  result.tool = "rdkafka-bench";
  result.client = client;
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

  const std::string report = opt.json ? report_json(result) + "\n" : report_text(result);
  std::fputs(report.c_str(), stdout);
  std::fflush(stdout);
  if (auto line = failure_line(result)) std::fprintf(stderr, "rdkafka-bench: %s\n", line->c_str());
  return exit_code(result);
}
