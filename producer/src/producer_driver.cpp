// ProducerDriver: application-thread calls (flush, purge, close; send() is
// in producer_driver_records.cpp), passes, reports, timers. Placement is in
// producer_driver_records.cpp, the sender side in producer_driver_produce.cpp,
// the cluster side (connections, metadata, producer ids) in
// producer_driver_cluster.cpp.
#include "producer_driver.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>

#include "asio_broker_link.hpp"
#include "asio_engine_timer.hpp"
#include "deadline.hpp"
#include "net_security.hpp"

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

namespace asio = boost::asio;

namespace {

protocol::Compression codec_of(const std::string& c) {
  return c == "gzip"     ? protocol::Compression::gzip
         : c == "snappy" ? protocol::Compression::snappy
         : c == "lz4"    ? protocol::Compression::lz4
         : c == "zstd"   ? protocol::Compression::zstd
                         : protocol::Compression::none;
}

ClusterOptions cluster_options(const ProducerSettings& settings) {
  auto parsed = net::parse_broker_list(settings.bootstrap_servers);
  if (!parsed.ok()) throw ConfigError("bootstrap.servers", "property 'bootstrap.servers': " + parsed.error);
  ClusterOptions o;
  o.bootstrap = std::move(parsed.brokers);
  o.bootstrap_servers = settings.bootstrap_servers;
  o.reconnect_backoff = settings.reconnect_backoff;
  o.reconnect_backoff_max = settings.reconnect_backoff_max;
  o.retry_backoff = settings.retry_backoff;
  o.metadata_max_age = settings.metadata_max_age;
  o.rebootstrap = {settings.rebootstrap, settings.rebootstrap_trigger};
  o.allow_auto_create_topics = settings.allow_auto_create_topics;
  return o;
}

}  // namespace

ProducerDriver::ProducerDriver(ProducerSettings settings, ProducerOptions options)
    : ProducerDriver(std::move(settings), std::move(options), EngineSeams{}) {}

ProducerDriver::ProducerDriver(ProducerSettings settings, ProducerOptions options, EngineSeams seams)
    : settings_(std::move(settings)),
      net_security_(net_security_options(settings_.security, settings_.connect_timeout)),
      gate_(SendGateOptions{settings_.buffer_memory, settings_.max_queued_records, settings_.max_block,
                            settings_.enqueue_timeout, settings_.batch_size, settings_.batch_num_messages,
                            options.io_context == nullptr}),
      options_(std::move(options)),
      own_io_(options_.io_context ? nullptr : std::make_unique<asio::io_context>()),
      io_(options_.io_context ? *options_.io_context : *own_io_),
      clock_(seams.clock ? std::move(seams.clock) : std::make_shared<SteadyEngineClock>()),
      timers_(seams.timers ? std::move(seams.timers) : std::make_shared<AsioTimerFactory>(io_)),
      links_(seams.links ? std::move(seams.links) : std::make_shared<AsioBrokerLinkFactory>(io_)),
      timer_(timers_->make_timer()),
      stats_timer_(timers_->make_timer()),
      accumulator_(AccumulatorOptions{settings_.batch_size, settings_.batch_num_messages, settings_.linger,
                                      settings_.max_request_size, settings_.delivery_timeout}),
      idempotence_(settings_.enable_idempotence, settings_.retry_backoff, settings_.retry_backoff_max),
      partitioner_(partitioner::PartitionerOptions{
                       partitioner::partitioner_from_name(settings_.partitioner)
                           .value_or(partitioner::PartitionerKind::java_default),
                       settings_.partitioner_ignore_keys, settings_.batch_size, nullptr,
                       seams.random_seed ? *seams.random_seed : std::random_device{}()},
                   options_.partitioner),
      cluster_(cluster_options(settings_)),
      placer_(PlacerOptions{settings_.max_block, settings_.batch_size, settings_.batch_num_messages,
                            settings_.metadata_max_idle, settings_.bootstrap_servers},
              accumulator_, partitioner_, cluster_.metadata()),
      rng_(static_cast<std::minstd_rand::result_type>(seams.random_seed ? *seams.random_seed ^ 0x5eedULL
                                                                        : std::random_device{}())),
      admin_(*this, *timers_, AdminOptions{settings_.retry_backoff, settings_.request_timeout, settings_.connect_timeout},
             alive_) {
  sink_options_ = SinkOptions{settings_.acks, settings_.request_timeout, settings_.max_request_size,
                              codec_of(settings_.compression),
                              RetryPolicy{settings_.retries, settings_.retry_backoff, settings_.retry_backoff_max,
                                          settings_.delivery_timeout, settings_.acks, settings_.enable_idempotence},
                              settings_.compression_level};
  for (const auto& notice : settings_.notices) log(LogLevel::notice, notice);
  debug(DebugContext::generic, "producer started: client.id=" + settings_.client_id +
                                   ", bootstrap.servers=" + settings_.bootstrap_servers +
                                   ", security.protocol=" + std::string(sluice::to_string(settings_.security.protocol)));
  static std::atomic<std::uint64_t> instances{0};
  stats_name_ = settings_.client_id + "#producer-" + std::to_string(++instances);
  created_at_ = clock_->steady();
  work_.emplace(io_.get_executor());
  if (settings_.statistics_interval.count() > 0 && options_.statistics_callback) {
    post([this] { arm_statistics_timer(); });
  }
  if (own_io_) {
    deliveries_ = std::make_unique<DeliveryQueue>();
    thread_ = std::thread([this] { io_.run(); });
  }
}

void ProducerDriver::deliver(std::function<void()> job) {
  if (deliveries_) {
    deliveries_->post(std::move(job));
  } else {
    job();
  }
}

ProducerDriver::~ProducerDriver() { close(std::chrono::milliseconds(0)); }

void ProducerDriver::log(LogLevel level, const std::string& message) const {
  if (!options_.log_sink || static_cast<int>(level) > static_cast<int>(options_.log_level)) return;
  try {
    options_.log_sink(level, message);
  } catch (...) {
    // A throwing sink must not take the producer down.
  }
}

void ProducerDriver::debug(DebugContext context, const std::string& message) const {
  if (!debugging(context)) return;
  log(LogLevel::debug, std::string("[") + to_string(context) + "] " + message);
}

void ProducerDriver::report_client_error(ClientError error) {
  log(LogLevel::error, std::string(to_string(error.kind)) + ": " + error.message);
  if (!options_.error_callback) return;
  deliver([this, error = std::move(error)] {
    try {
      options_.error_callback(error);
    } catch (...) {
      // A throwing callback must not take the callback thread down.
    }
  });
}

// The I/O side's last step: everything left fails, connections close, and
// nothing of this engine runs afterwards.
void ProducerDriver::stop_io() {
  fail_everything(errc::closed, "producer closed before the record was acknowledged");
  stats_timer_->cancel();
  work_.reset();
  if (own_io_) io_.stop();
  stopped_.set_value();
}

// ---------------------------------------------------------------- app threads

// From a delivery callback (the I/O thread) waiting would deadlock: the
// reports it waits for are delivered by this very thread. The flush is then
// requested and what is outstanding returned. The deadline saturates:
// wait_for(milliseconds::max()) overflowed and returned at once
// (deadline.hpp); close() waits through here too.
std::size_t ProducerDriver::flush(std::chrono::milliseconds timeout) {
  bool kick = false;
  const std::uint64_t target = gate_.begin_flush(kick);
  if (kick) post([this] { run_pass(); });
  return gate_.end_flush(target, deadline_after(Clock::now(), timeout), !on_io_thread());
}

std::size_t ProducerDriver::purge() {
  auto done = std::make_shared<std::promise<std::size_t>>();
  auto purged = done->get_future();
  post([this, done] {
    take_incoming();
    std::size_t n = 0;
    for (auto& b : accumulator_.take_unsent()) {
      n += b->callbacks.size();
      complete(*b, -1, errc::purged, "purged before it was sent (" + b->tp.str() + ")", false);
    }
    PlacerActions ended;
    n += placer_.purge(ended);
    carry_out(ended);
    done->set_value(n);
  });
  if (in_io_thread()) return 0;  // runs right after the calling callback returns
  if (stop_posted_.load()) return 0;  // closed: nothing left to purge
  return purged.get();
}

void ProducerDriver::close(std::chrono::milliseconds timeout) {
  gate_.close();
  if (on_io_thread()) {
    // From a delivery callback: no waiting here (the reports would have to
    // come from this very thread); what is left fails once this callback
    // returns, and the destructor waits for that.
    if (!stop_posted_.exchange(true)) post([this] { stop_io(); });
    return;
  }
  // Two threads closing at once: one does it, the other waits for it.
  std::lock_guard close_lock(close_mu_);
  if (!stop_posted_.load()) {
    flush(timeout);
    if (!stop_posted_.exchange(true)) post([this] { stop_io(); });
  }
  // Each record has its report once the I/O side ran stop_io(). On the
  // application's io_context that needs the application to keep running it.
  stopped_future_.wait();
  if (thread_.joinable()) thread_.join();
  // Every report queued for the callback thread runs before close() returns.
  if (deliveries_ && !deliveries_->on_this_thread()) deliveries_->drain_and_stop();
}

void ProducerDriver::destroy_after_callback(std::unique_ptr<ProducerDriver> self) {
  ProducerDriver* engine = self.release();  // deleted by the step below, on this thread
  engine->close(std::chrono::milliseconds(0));  // from a callback: posts stop_io, waits for nothing
  if (engine->deliveries_) {
    // Own I/O thread. Neither wait below can block on this thread's work:
    // the I/O thread only ever queues jobs here.
    engine->deliveries_->after_current_job([engine] {
      engine->stopped_future_.wait();  // stop_io ran: every report is queued
      if (engine->thread_.joinable()) engine->thread_.join();
      engine->deliveries_->run_queued_here();
      delete engine;
    });
  } else {
    // The application's io_context: stop_io was posted first and reports
    // inline; this runs after it (one thread runs an engine's handlers).
    boost::asio::post(engine->io_, [engine] { delete engine; });
  }
}

// ---------------------------------------------------------------- I/O thread

double ProducerDriver::jitter() { return std::uniform_real_distribution<double>(0.8, 1.2)(rng_); }

void ProducerDriver::report_one(const DeliveryCallback& cb, const DeliveryReport& r) {
  if (!cb) return;
  try {
    cb(r);
  } catch (...) {
    // A throwing callback must not take the I/O thread down.
  }
}

void ProducerDriver::run_pass() {
  if (stopping_) return;
  const auto now = clock_->steady();
  take_incoming(true);
  if (idempotence_.phase() == IdempotenceState::Phase::fatal) {
    if (auto event = client_errors_.on_fatal(idempotence_.fatal_error(), idempotence_.fatal_message())) {
      report_client_error(std::move(*event));
    }
    fail_everything(idempotence_.fatal_error(), idempotence_.fatal_message());
    return;
  }
  {
    PlacerActions actions;
    placer_.place_waiting(clock_->steady(), clock_->wall_ms(), actions);
    placer_.unpark(now, actions);  // also ends a refused topic's records
    carry_out(actions);
  }
  fail_if_no_usable_broker();
  expire(now);
  maintain_connections(now);
  // Periodic refresh (metadata.max.age.ms): finds new partitions and moved
  // leaders even when nothing fails.
  cluster_.note_time(now, placer_.has_topics());
  if (cluster_.metadata_wanted()) request_metadata(now);
  maybe_request_producer_id(now);
  send_ready_batches(now);
  // Bumps made while handling answers (on_produce runs this pass) or while
  // settling sequences just now.
  if (auto notes = idempotence_.take_bump_notes(); !notes.empty()) {
    log(LogLevel::warning, "producer " + notes + " (KIP-360: that partition restarts its sequences at 0; the "
                           "others move to the new epoch once their batches in flight are back)");
  }
  publish_routes();
  arm_timer(now);
}

void ProducerDriver::fail_record(std::string topic, std::int32_t partition, DeliveryCallback&& callback,
                                 std::uint64_t generation, std::size_t reserved, std::error_code ec,
                                 const std::string& message) {
  ++stats_.records_failed;
  DeliveryReport r;
  r.topic = std::move(topic);
  r.partition = partition;
  r.error = ec;
  r.error_message = message;
  deliver([this, cb = std::move(callback), r = std::move(r), generation, bytes = reserved] {
    report_one(cb, r);
    gate_.settle(std::span<const std::uint64_t>(&generation, 1), bytes);
  });
}

void ProducerDriver::complete(ProducerBatch& batch, std::int64_t base_offset, std::error_code ec,
                              const std::string& message, bool outcome_unknown) {
  const std::size_t n = batch.callbacks.size();
  (ec ? stats_.records_failed : stats_.records_acked) += n;
  // One report for the whole batch, filled in per record on the callback
  // thread (offset, timestamp): no topic copy or report object per record.
  DeliveryReport report;
  report.topic = batch.tp.topic;
  report.partition = batch.tp.partition;
  if (ec) {
    report.error = ec;
    report.error_message = message;
    report.outcome_unknown = outcome_unknown;
  }
  deliver([this, report = std::move(report), base_offset, callbacks = std::move(batch.callbacks),
           timestamps = std::move(batch.timestamps), generations = std::move(batch.generations),
           bytes = batch.reserved_bytes]() mutable {
    for (std::size_t i = 0; i < callbacks.size(); ++i) {
      report.timestamp_ms = i < timestamps.size() ? timestamps[i] : -1;
      if (!report.error) report.offset = base_offset < 0 ? -1 : base_offset + static_cast<std::int64_t>(i);
      report_one(callbacks[i], report);
    }
    gate_.settle(generations, bytes);
  });
  batch.callbacks.clear();
  batch.timestamps.clear();
  batch.generations.clear();
  batch.reserved_bytes = 0;
  // Its records are reported: the batch is done with, its buffers serve the next.
  accumulator_.recycle(batch);
}

void ProducerDriver::arm_timer(Clock::time_point now) {
  set_timer(now);
  // A pass due within linger.ms takes whatever send() stages meanwhile, so
  // send() need not wake this thread for it (see send()). Taken that way, a
  // record waited at most linger.ms in the inbox; take_incoming() starts its
  // linger at the previous take so the wait is not counted twice.
  const bool promise =
      settings_.linger.count() > 0 && timer_armed_at_ && *timer_armed_at_ <= now + settings_.linger;
  const bool kick = gate_.promise_pass(promise);
  if (kick) post([this] { run_pass(); });
}

void ProducerDriver::set_timer(Clock::time_point now) {
  std::optional<Clock::time_point> next = accumulator_.next_wakeup(now, flushing_);
  auto consider = [&next](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  // Only future times arm the timer. Whatever is due now and still waiting
  // is blocked on something that has its own wake-up (a connection
  // completing, a response arriving, a backoff timer), so arming for it
  // would spin.
  auto future = [&](Clock::time_point t) {
    if (t > now) consider(t);
  };
  if (auto t = placer_.next_wakeup(now)) consider(*t);
  if (auto t = cluster_.next_wakeup(now, placer_.has_topics(), any_ready_connection() != nullptr)) consider(*t);
  if (idempotence_.phase() == IdempotenceState::Phase::needs_id && !accumulator_.empty()) {
    future(idempotence_.id_retry_at());
  }
  if (settings_.connections_max_idle.count() > 0) {
    for (auto& [id, c] : connections_) {
      if (c->in_flight() == 0) future(c->last_used() + settings_.connections_max_idle);
    }
  }
  for (auto& [id, s] : sinks_) future(s.throttled_until());
  if (!next) return;
  // Never spin: wait at least 1 ms, at most 1 s (a safety net for expiry).
  auto at = std::clamp(*next, now + std::chrono::milliseconds(1), now + std::chrono::seconds(1));
  // A wait already set for this time or earlier serves: its pass re-arms.
  // Re-arming on every pass cost a timerfd_settime and a cancelled handler
  // each time, about one per Produce request under load.
  if (timer_armed_at_ && *timer_armed_at_ <= at && *timer_armed_at_ > now) return;
  timer_armed_at_ = at;
  timer_->arm(at, [this, weak = std::weak_ptr<int>(alive_), at] {
    if (!weak.lock()) return;
    if (timer_armed_at_ == at) timer_armed_at_.reset();
    run_pass();
  });
}

void ProducerDriver::fail_everything(std::error_code ec, const std::string& why) {
  if (ec != make_error_code(errc::closed)) gate_.set_fatal(ec, why);
  stopping_ = true;
  take_incoming();
  timer_->cancel();
  timer_armed_at_.reset();
  gate_.promise_pass(false);
  // Closing connections completes their in-flight requests (outcome unknown).
  auto conns = std::exchange(connections_, {});
  for (auto& [id, c] : conns) c->close(net::net_errc::shutting_down);
  // A sender the gate let in just before appends to no batch after this:
  // it reports its record itself (append_routed).
  accumulator_.close_appends();
  for (auto& b : accumulator_.take_all()) {
    complete(*b, -1, ec, why + " (" + b->tp.str() + ")", b->maybe_sent);
  }
  PlacerActions ended;
  placer_.fail_all(ec, why, ended);
  carry_out(ended);
}

}  // namespace sluice::detail
