// ProducerEngine: application-thread calls (flush, purge, close; send() is
// in producer_engine_send.cpp), passes, reports, timers. Placement is in
// producer_engine_place.cpp, the sender side in producer_engine_sender.cpp,
// the cluster side (connections, metadata, producer ids) in
// producer_engine_cluster.cpp.
#include "producer_engine.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>

#include "asio_broker_link.hpp"
#include "asio_engine_timer.hpp"
#include "deadline.hpp"

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice::detail {

namespace asio = boost::asio;

namespace {

std::optional<protocol::ByteView> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return protocol::as_bytes(*s);
}

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

ProducerEngine::ProducerEngine(ProducerSettings settings, ProducerOptions options)
    : ProducerEngine(std::move(settings), std::move(options), EngineSeams{}) {}

ProducerEngine::ProducerEngine(ProducerSettings settings, ProducerOptions options, EngineSeams seams)
    : settings_(std::move(settings)),
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
          partitioner::partitioner_from_name(settings_.partitioner).value_or(partitioner::PartitionerKind::java_default),
          settings_.partitioner_ignore_keys, settings_.batch_size, nullptr,
          seams.random_seed ? *seams.random_seed : std::random_device{}()}),
      cluster_(cluster_options(settings_)),
      rng_(static_cast<std::minstd_rand::result_type>(seams.random_seed ? *seams.random_seed ^ 0x5eedULL
                                                                        : std::random_device{}())) {
  sink_options_ = SinkOptions{settings_.acks, settings_.request_timeout, settings_.max_request_size,
                              codec_of(settings_.compression),
                              RetryPolicy{settings_.retries, settings_.retry_backoff, settings_.retry_backoff_max,
                                          settings_.delivery_timeout, settings_.acks, settings_.enable_idempotence}};
  kick_bytes_ = std::min(settings_.batch_size, kInboxSoftLimit);
  space_slack_bytes_ = std::min<std::size_t>(settings_.buffer_memory / 16, std::size_t{1} << 20);
  space_slack_records_ = settings_.max_queued_records / 16;
  kick_records_ = static_cast<std::size_t>(std::max(settings_.batch_num_messages, 1));
  for (const auto& notice : settings_.notices) log(LogLevel::notice, notice);
  work_.emplace(io_.get_executor());
  if (settings_.statistics_interval.count() > 0 && options_.statistics_callback) {
    post([this] { arm_statistics_timer(); });
  }
  if (own_io_) {
    deliveries_ = std::make_unique<DeliveryQueue>();
    thread_ = std::thread([this] { io_.run(); });
  }
}

void ProducerEngine::deliver(std::function<void()> job) {
  if (deliveries_) {
    deliveries_->post(std::move(job));
  } else {
    job();
  }
}

void ProducerEngine::arm_statistics_timer() {
  stats_timer_->arm(clock_->steady() + settings_.statistics_interval, [this, weak = std::weak_ptr<int>(alive_)] {
    if (!weak.lock() || stopping_) return;
    const std::string json = to_json(snapshot());
    try {
      options_.statistics_callback(json);
    } catch (...) {
      // A throwing callback must not take the I/O thread down.
    }
    arm_statistics_timer();
  });
}

StatisticsSnapshot ProducerEngine::snapshot() {
  StatisticsSnapshot s;
  s.counters = stats_;
  s.counters.epoch_bumps = idempotence_.epoch_bumps();
  s.batch_size = settings_.batch_size;
  s.buffer_limit = settings_.buffer_memory;
  {
    std::lock_guard lock(mu_);
    s.buffer_bytes = buffered_bytes_;
    s.records_outstanding = outstanding_;
  }
  s.batches_queued = accumulator_.queued_batches();
  s.producer_id = idempotence_.producer_id();
  s.producer_epoch = idempotence_.producer_epoch();
  for (const auto& [id, c] : connections_) {
    if (id < 0) continue;  // bootstrap connections
    BrokerStatistics b;
    b.node_id = id;
    b.address = c->address().to_string();
    b.requests_in_flight = c->in_flight();
    b.connected = c->state() == LinkState::ready;
    s.brokers[id] = b;
  }
  s.client_id = settings_.client_id;
  s.time_ms = clock_->wall_ms();
  return s;
}

std::string ProducerEngine::statistics_json() {
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

ProducerEngine::~ProducerEngine() { close(std::chrono::milliseconds(0)); }

void ProducerEngine::log(LogLevel level, const std::string& message) const {
  if (!options_.log_sink || static_cast<int>(level) > static_cast<int>(options_.log_level)) return;
  try {
    options_.log_sink(level, message);
  } catch (...) {
    // A throwing sink must not take the producer down.
  }
}

// The I/O side's last step: everything left fails, connections close, and
// nothing of this engine runs afterwards.
void ProducerEngine::stop_io() {
  fail_everything(errc::closed, "producer closed before the record was acknowledged");
  stats_timer_->cancel();
  work_.reset();
  if (own_io_) io_.stop();
  stopped_.set_value();
}

// ---------------------------------------------------------------- app threads

// Checks what can be checked at once and waits for buffer space (at most
// max.block.ms; not at all on the I/O thread, where waiting would deadlock).
// Returns a report when the record is refused. Called with mu_ held.
std::size_t ProducerEngine::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++flush_requests_;
  if (!std::exchange(kick_posted_, true)) post([this] { run_pass(); });
  // Records sent from now on belong to the next generation: this flush
  // waits for the ones sent before it only.
  const std::uint64_t target = generation_++;
  auto remaining = [&] {
    std::size_t n = 0;
    for (auto it = pending_by_generation_.begin(); it != pending_by_generation_.end() && it->first <= target; ++it) {
      n += it->second;
    }
    return n;
  };
  // From a delivery callback (the I/O thread) waiting would deadlock: the
  // reports it waits for are delivered by this very thread. Request the
  // flush and return what is outstanding.
  // wait_until a saturated deadline: wait_for(milliseconds::max()) overflows
  // and returned at once (deadline.hpp); close() waits through here too.
  if (!on_io_thread()) {
    done_cv_.wait_until(lock, deadline_after(Clock::now(), timeout), [&] { return remaining() == 0; });
  }
  --flush_requests_;
  return remaining();
}

std::size_t ProducerEngine::purge() {
  auto done = std::make_shared<std::promise<std::size_t>>();
  auto purged = done->get_future();
  post([this, done] {
    take_incoming();
    std::size_t n = 0;
    for (auto& b : accumulator_.take_unsent()) {
      n += b->callbacks.size();
      complete(*b, -1, errc::purged, "purged before it was sent (" + b->tp.str() + ")", false);
    }
    for (auto& [name, topic] : topics_) {
      for (auto* queue : {&topic.waiting, &topic.beyond}) {
        for (auto& w : *queue) {
          ++n;
          fail_record(w, errc::purged, "purged while waiting for metadata of topic '" + name + "'");
        }
        queue->clear();
      }
    }
    done->set_value(n);
  });
  if (in_io_thread()) return 0;  // runs right after the calling callback returns
  if (stop_posted_.load()) return 0;  // closed: nothing left to purge
  return purged.get();
}

void ProducerEngine::close(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    space_cv_.notify_all();
    inbox_cv_.notify_all();
  }
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

void ProducerEngine::destroy_after_callback(std::unique_ptr<ProducerEngine> self) {
  ProducerEngine* engine = self.release();  // deleted by the step below, on this thread
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

double ProducerEngine::jitter() { return std::uniform_real_distribution<double>(0.8, 1.2)(rng_); }

void ProducerEngine::report_one(const DeliveryCallback& cb, const DeliveryReport& r) {
  if (!cb) return;
  try {
    cb(r);
  } catch (...) {
    // A throwing callback must not take the I/O thread down.
  }
}

void ProducerEngine::settle(std::span<const std::uint64_t> generations, std::size_t bytes) {
  bool generation_done = false;
  bool wake_senders = false;
  {
    std::lock_guard lock(mu_);
    outstanding_ -= generations.size();
    buffered_bytes_ -= bytes;
    const bool bytes_free = buffered_bytes_ + space_slack_bytes_ <= settings_.buffer_memory;
    const bool records_free = settings_.max_queued_records == 0 ||
                              outstanding_ + space_slack_records_ <= settings_.max_queued_records;
    wake_senders = space_waiters_ > 0 && bytes_free && records_free;
    // A batch's records mostly share one generation: one lookup per run.
    for (std::size_t i = 0; i < generations.size();) {
      const std::uint64_t g = generations[i];
      std::size_t j = i + 1;
      while (j < generations.size() && generations[j] == g) ++j;
      auto it = pending_by_generation_.find(g);
      if (it != pending_by_generation_.end()) {
        it->second -= std::min(it->second, j - i);
        if (it->second == 0) {
          pending_by_generation_.erase(it);
          generation_done = true;
        }
      }
      i = j;
    }
  }
  // Woken once the lock is let go: a thread woken while it was held would
  // only block again on mu_ (two more context switches per batch when
  // send() waits for buffer space).
  if (wake_senders) space_cv_.notify_all();
  if (generation_done) done_cv_.notify_all();
}

void ProducerEngine::run_pass() {
  if (stopping_) return;
  const auto now = clock_->steady();
  take_incoming(true);
  if (idempotence_.phase() == IdempotenceState::Phase::fatal) {
    log(LogLevel::error, idempotence_.fatal_message());
    fail_everything(idempotence_.fatal_error(), idempotence_.fatal_message());
    return;
  }
  for (auto& [name, topic] : topics_) {
    if ((topic.waiting.empty() && topic.beyond.empty()) || fail_if_refused(name, topic)) continue;
    PlaceTarget t;
    target(name, t);
    if (t.info == nullptr) {
      cluster_.want_metadata();
      continue;
    }
    pass_steady_ = clock_->steady();
    pass_wall_ms_ = clock_->wall_ms();
    wall_cache_ = {};
    // Records for partitions not listed before first (sent earlier), then
    // those that waited for the topic's metadata; a partition still not
    // listed keeps its records in `beyond`, in order.
    auto place_or_keep = [&](PendingRecord& p) {
      const Record& rec = p.record;
      header_scratch_.clear();
      for (const auto& h : rec.headers) header_scratch_.push_back({h.key, view(h.value)});
      RecordView r{rec.partition, view(rec.key), view(rec.value), header_scratch_, rec.timestamp_ms, &rec.key};
      if (!place(t, r, std::move(p.callback), p.reserved, p.enqueued, p.urgent, p.generation)) {
        topic.beyond.push_back(std::move(p));
      }
    };
    for (auto pending = std::exchange(topic.beyond, {}); auto& p : pending) place_or_keep(p);
    for (auto pending = std::exchange(topic.waiting, {}); auto& p : pending) place_or_keep(p);
  }
  if (!parked_.empty()) cluster_.want_metadata();
  unpark_expired(now);  // also hands over parked records of a refused topic
  for (auto& [name, topic] : topics_) {
    if (!topic.waiting.empty() || !topic.beyond.empty()) fail_if_refused(name, topic);
  }
  expire(now);
  maintain_connections(now);
  // Periodic refresh (metadata.max.age.ms): finds new partitions and moved
  // leaders even when nothing fails.
  cluster_.note_time(now, !topics_.empty());
  if (cluster_.metadata_wanted()) request_metadata(now);
  maybe_request_producer_id(now);
  send_ready_batches(now);
  // Bumps made while handling answers (on_produce runs this pass) or while
  // settling sequences just now.
  if (auto notes = idempotence_.take_bump_notes(); !notes.empty()) {
    log(LogLevel::warning, "producer " + notes + " (KIP-360: that partition restarts its sequences at 0; the "
                           "others move to the new epoch once their batches in flight are back)");
  }
  arm_timer(now);
}

void ProducerEngine::fail_record(PendingRecord& p, std::error_code ec, const std::string& message) {
  fail_record(p.record.topic, p.record.partition.value_or(-1), std::move(p.callback), p.generation, p.reserved, ec,
              message);
}

const net::TopicInfo* ProducerEngine::refused_topic(const std::string& name) const {
  const net::TopicInfo* meta = cluster_.metadata().topic(name);
  if (meta == nullptr || meta->error_code == 0 || protocol::kafka_error_info(meta->error_code).retriable) return nullptr;
  return meta;
}

bool ProducerEngine::fail_if_refused(const std::string& name, TopicState& topic) {
  const net::TopicInfo* meta = refused_topic(name);
  if (meta == nullptr) return false;
  // TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION: waiting for
  // max.block.ms cannot help, so each record fails now (as the Java
  // client's send does), while other topics keep flowing.
  const std::int16_t code = meta->error_code;
  const auto& info = protocol::kafka_error_info(code);
  const std::string why = "topic '" + name + "': the broker answered " + info.name + " (" + info.message +
                          "), which retrying cannot change" +
                          (code == static_cast<std::int16_t>(protocol::kafka_errc::topic_authorization_failed)
                               ? ": grant this principal WRITE on the topic (a Kafka ACL), or use another topic"
                               : "");
  for (auto* queue : {&topic.waiting, &topic.beyond}) {
    for (auto& w : *queue) fail_record(w, protocol::kafka_error(code), why);
    queue->clear();
  }
  return true;
}

void ProducerEngine::fail_record(std::string topic, std::int32_t partition, DeliveryCallback&& callback,
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
    settle(std::span<const std::uint64_t>(&generation, 1), bytes);
  });
}

void ProducerEngine::complete(ProducerBatch& batch, std::int64_t base_offset, std::error_code ec,
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
    settle(generations, bytes);
  });
  batch.callbacks.clear();
  batch.timestamps.clear();
  batch.generations.clear();
  batch.reserved_bytes = 0;
  // Its records are reported: the batch is done with, its buffers serve the next.
  accumulator_.recycle(batch);
}

void ProducerEngine::arm_timer(Clock::time_point now) {
  set_timer(now);
  // A pass due within linger.ms takes whatever send() stages meanwhile, so
  // send() need not wake this thread for it (see send()). Taken that way, a
  // record waited at most linger.ms in the inbox; take_incoming() starts its
  // linger at the previous take so the wait is not counted twice.
  const bool promise =
      settings_.linger.count() > 0 && timer_armed_at_ && *timer_armed_at_ <= now + settings_.linger;
  bool kick = false;
  {
    std::lock_guard lock(mu_);
    pass_promised_ = promise;
    // Records staged while an earlier promise stood (this pass may have
    // been that promise) must not wait for a pass nobody will run.
    if (!promise && !incoming_.empty() && !kick_posted_) kick_posted_ = kick = true;
  }
  if (kick) post([this] { run_pass(); });
}

void ProducerEngine::set_timer(Clock::time_point now) {
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
  for (auto& [name, topic] : topics_) {
    if (!topic.waiting.empty()) future(topic.waiting.front().enqueued + settings_.max_block);
    if (!topic.beyond.empty()) future(topic.beyond.front().enqueued + settings_.max_block);
  }
  if (!parked_.empty()) future(parked_.front().enqueued + settings_.max_block);
  if (auto t = cluster_.next_wakeup(now, !topics_.empty(), any_ready_connection() != nullptr)) consider(*t);
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

void ProducerEngine::fail_everything(std::error_code ec, const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (ec != make_error_code(errc::closed) && !fatal_) {
      fatal_ = ec;
      fatal_message_ = why;
    }
  }
  stopping_ = true;
  take_incoming();
  timer_->cancel();
  timer_armed_at_.reset();
  {
    std::lock_guard lock(mu_);
    pass_promised_ = false;
  }
  // Closing connections completes their in-flight requests (outcome unknown).
  auto conns = std::exchange(connections_, {});
  for (auto& [id, c] : conns) c->close(net::net_errc::shutting_down);
  for (auto& b : accumulator_.take_all()) {
    complete(*b, -1, ec, why + " (" + b->tp.str() + ")", b->maybe_sent);
  }
  for (auto& [name, topic] : topics_) {
    for (auto& w : topic.waiting) fail_record(w, ec, why + " (topic '" + name + "' had no metadata yet)");
    topic.waiting.clear();
    for (auto& w : topic.beyond) fail_record(w, ec, why + " (its partition was not in topic '" + name + "''s metadata yet)");
    topic.beyond.clear();
  }
}

}  // namespace sluice::detail
