#include "producer_engine.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/partitioner/murmur2.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/metadata.hpp"
#include "sluice/protocol/produce.hpp"

namespace sluice::detail {

namespace asio = boost::asio;
using protocol::ApiKey;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<protocol::ByteView> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return protocol::as_bytes(*s);
}

// Record overhead beyond key/value/headers, generously: length, attributes,
// deltas and counts as varints, plus the batch header and request framing.
constexpr std::size_t kRecordOverhead = 5 + 1 + 10 + 5 + 5 + 5 + 5;
constexpr std::size_t kRequestOverhead = 61 + 200;

std::size_t estimate_size(const Record& r) {
  std::size_t n = kRecordOverhead + r.topic.size();
  if (r.key) n += r.key->size();
  if (r.value) n += r.value->size();
  for (const auto& h : r.headers) n += 10 + h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

// Kafka errors after which a batch may be in the log although the request
// failed (docs/ARCHITECTURE.md, "Path of one record").
bool possibly_persisted(std::int16_t code, std::int16_t acks) {
  using protocol::kafka_errc;
  auto e = static_cast<kafka_errc>(code);
  return e == kafka_errc::request_timed_out || e == kafka_errc::not_enough_replicas_after_append ||
         (e == kafka_errc::not_leader_or_follower && acks == -1);
}

}  // namespace

ProducerEngine::ProducerEngine(ProducerSettings settings) : settings_(std::move(settings)), timer_(io_) {
  auto parsed = net::parse_broker_list(settings_.bootstrap_servers);
  if (!parsed.ok()) throw ConfigError("bootstrap.servers", "property 'bootstrap.servers': " + parsed.error);
  bootstrap_ = std::move(parsed.brokers);
  const std::string& c = settings_.compression;
  compression_ = c == "gzip"     ? protocol::Compression::gzip
                 : c == "snappy" ? protocol::Compression::snappy
                 : c == "lz4"    ? protocol::Compression::lz4
                 : c == "zstd"   ? protocol::Compression::zstd
                                 : protocol::Compression::none;
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
}

ProducerEngine::~ProducerEngine() {
  if (thread_.joinable()) close(std::chrono::milliseconds(0));
}

// ---------------------------------------------------------------- app threads

void ProducerEngine::send(Record record, DeliveryCallback callback) {
  DeliveryReport early;
  early.topic = record.topic;
  if (record.topic.empty()) {
    early.error = errc::unknown_topic;
    early.error_message = "record has no topic: set Record::topic";
  } else if (estimate_size(record) + kRequestOverhead > settings_.max_request_size) {
    early.error = errc::record_too_large;
    early.error_message = "record for topic '" + record.topic + "' is about " +
                          std::to_string(estimate_size(record)) + " bytes, over max.request.size (" +
                          std::to_string(settings_.max_request_size) + "): raise max.request.size or send less";
  }
  bool post = false;
  if (!early.error) {
    std::lock_guard lock(mu_);
    if (closed_) {
      early.error = errc::closed;
      early.error_message = "send() after close(): record for topic '" + record.topic + "' not accepted";
    } else {
      incoming_.push_back(PendingRecord{std::move(record), std::move(callback), Clock::now()});
      ++outstanding_;
      post = !std::exchange(kick_posted_, true);
    }
  }
  if (early.error) {
    if (callback) callback(early);
    return;
  }
  if (post) asio::post(io_, [this] { run_pass(); });
}

std::size_t ProducerEngine::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++flush_requests_;
  if (!std::exchange(kick_posted_, true)) asio::post(io_, [this] { run_pass(); });
  // From a delivery callback (the I/O thread) waiting would deadlock: the
  // reports it waits for are delivered by this very thread. Request the
  // flush and return what is outstanding.
  const bool on_io_thread = std::this_thread::get_id() == thread_.get_id();
  if (!on_io_thread) done_cv_.wait_for(lock, timeout, [this] { return outstanding_ == 0; });
  --flush_requests_;
  return outstanding_;
}

void ProducerEngine::close(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    closed_ = true;
  }
  if (std::this_thread::get_id() == thread_.get_id()) {
    // From a delivery callback: no waiting and no join here (the I/O thread
    // cannot join itself); what is left fails once this callback returns,
    // and the destructor joins.
    asio::post(io_, [this] {
      fail_everything(errc::closed);
      io_.stop();
    });
    return;
  }
  flush(timeout);
  asio::post(io_, [this] {
    fail_everything(errc::closed);
    io_.stop();
  });
  thread_.join();
}

// ---------------------------------------------------------------- I/O thread

void ProducerEngine::report(const DeliveryCallback& cb, const DeliveryReport& r) {
  if (cb) {
    try {
      cb(r);
    } catch (...) {
      // A throwing callback must not take the I/O thread down.
    }
  }
  std::lock_guard lock(mu_);
  if (--outstanding_ == 0) done_cv_.notify_all();
}

void ProducerEngine::take_incoming() {
  std::deque<PendingRecord> fresh;
  {
    std::lock_guard lock(mu_);
    fresh.swap(incoming_);
    kick_posted_ = false;
    flushing_ = flush_requests_ > 0 || closed_;
  }
  for (auto& p : fresh) topics_[p.record.topic].waiting.push_back(std::move(p));
}

void ProducerEngine::run_pass() {
  if (io_.stopped()) return;
  const auto now = Clock::now();
  take_incoming();
  for (auto& [name, topic] : topics_) {
    const net::TopicInfo* info = metadata_.topic(name);
    if (info == nullptr || info->error_code != 0 || info->partitions.empty()) {
      if (!topic.waiting.empty()) metadata_wanted_ = true;
      continue;
    }
    while (!topic.waiting.empty()) {
      PendingRecord p = std::move(topic.waiting.front());
      topic.waiting.pop_front();
      place(std::move(p), topic, *info);
    }
  }
  expire(now);
  // Periodic refresh (metadata.max.age.ms): finds new partitions and moved
  // leaders even when nothing fails.
  if (!topics_.empty() && now >= last_metadata_at_ + settings_.metadata_max_age) metadata_wanted_ = true;
  if (metadata_wanted_) request_metadata();
  send_ready_batches(now);
  arm_timer(now);
}

void ProducerEngine::place(PendingRecord&& p, TopicState& topic, const net::TopicInfo& info) {
  const auto count = static_cast<std::int32_t>(info.partitions.size());
  if (topic.partitions.size() < info.partitions.size()) topic.partitions.resize(info.partitions.size());
  const Record& r = p.record;
  std::int32_t partition;
  if (r.partition) {
    if (*r.partition < 0 || *r.partition >= count) {
      fail_record(p, errc::invalid_partition,
                  "partition " + std::to_string(*r.partition) + " of topic '" + r.topic + "' does not exist (the topic has " +
                      std::to_string(count) + " partitions)");
      return;
    }
    partition = *r.partition;
  } else if (r.key) {
    partition = partitioner::java_keyed_partition(protocol::as_bytes(*r.key), count);
  } else {
    // Sticky for null keys: stay on one partition until its batch is sent.
    if (topic.sticky_partition < 0 || topic.sticky_partition >= count) {
      static thread_local std::uint32_t seed = 0x9e3779b9u;
      seed = seed * 1664525u + 1013904223u;
      topic.sticky_partition = static_cast<std::int32_t>((seed >> 8) % static_cast<std::uint32_t>(count));
    }
    partition = topic.sticky_partition;
  }
  PartitionQueue& q = topic.partitions[static_cast<std::size_t>(partition)];
  const std::int64_t ts = r.timestamp_ms.value_or(now_ms());
  std::vector<protocol::RecordHeaderView> headers;
  headers.reserve(r.headers.size());
  for (const auto& h : r.headers) headers.push_back({h.key, view(h.value)});
  auto fits = [&](const Batch& b) {
    if (b.builder.empty()) return true;
    if (b.builder.record_count() >= settings_.batch_num_messages) return false;
    std::size_t size = b.builder.size_in_bytes() + b.builder.record_size(ts, view(r.key), view(r.value), headers);
    return size <= settings_.batch_size && size + kRequestOverhead <= settings_.max_request_size;
  };
  if (q.batches.empty() || q.batches.back()->attempts > 0 || !fits(*q.batches.back())) {
    auto b = std::make_unique<Batch>();
    b->created = p.enqueued;
    q.batches.push_back(std::move(b));
  }
  Batch& b = *q.batches.back();
  b.builder.append(ts, view(r.key), view(r.value), headers);
  b.callbacks.push_back(std::move(p.callback));
  b.timestamps.push_back(ts);
}

void ProducerEngine::fail_record(PendingRecord& p, std::error_code ec, const std::string& message) {
  DeliveryReport r;
  r.topic = p.record.topic;
  r.partition = p.record.partition.value_or(-1);
  r.error = ec;
  r.error_message = message;
  report(p.callback, r);
}

bool ProducerEngine::is_ready(const Batch& b, Clock::time_point now) const {
  if (b.attempts > 0) return now >= b.retry_at;
  return flushing_ || b.builder.record_count() >= settings_.batch_num_messages ||
         b.builder.size_in_bytes() >= settings_.batch_size || now - b.created >= settings_.linger;
}







void ProducerEngine::send_ready_batches(Clock::time_point now) {
  // Ready partitions grouped by leader.
  std::map<std::int32_t, std::vector<std::pair<std::string, std::int32_t>>> by_leader;
  for (auto& [name, topic] : topics_) {
    const net::TopicInfo* info = metadata_.topic(name);
    if (info == nullptr) continue;
    for (std::size_t p = 0; p < topic.partitions.size(); ++p) {
      PartitionQueue& q = topic.partitions[p];
      if (q.in_flight || q.batches.empty() || !is_ready(*q.batches.front(), now)) continue;
      // A batch behind another is full by construction: ready as well.
      std::int32_t leader = p < info->partitions.size() ? info->partitions[p].leader_id : -1;
      if (leader < 0) {
        metadata_wanted_ = true;
        continue;
      }
      by_leader[leader].emplace_back(name, static_cast<std::int32_t>(p));
    }
  }
  for (auto& [leader, partitions] : by_leader) {
    auto conn = connection(leader);
    if (!conn || conn->state() != net::BrokerConnection::State::ready) continue;
    if (conn->in_flight() >= static_cast<std::size_t>(settings_.max_in_flight)) continue;
    if (auto t = throttled_until_.find(leader); t != throttled_until_.end()) {
      if (now < t->second) continue;
      throttled_until_.erase(t);
    }
    send_to(leader, std::move(partitions));
  }
}

void ProducerEngine::send_to(std::int32_t node_id, std::vector<std::pair<std::string, std::int32_t>> partitions) {
  auto conn = connections_.at(node_id);
  protocol::ProduceRequest req;
  req.acks = settings_.acks;
  req.timeout_ms = static_cast<std::int32_t>(settings_.request_timeout.count());
  std::vector<std::unique_ptr<Batch>> batches;
  std::vector<std::pair<std::string, std::int32_t>> sent;
  std::size_t request_bytes = kRequestOverhead;
  for (auto& [name, p] : partitions) {
    TopicState& topic = topics_[name];
    PartitionQueue& q = topic.partitions[static_cast<std::size_t>(p)];
    std::size_t size = q.batches.front()->builder.size_in_bytes();
    if (!batches.empty() && request_bytes + size > settings_.max_request_size) break;
    request_bytes += size;
    std::unique_ptr<Batch> b = std::move(q.batches.front());
    q.batches.pop_front();
    q.in_flight = true;
    if (b->attempts == 0) {
      // Compressed once; a retry resends the same bytes.
      if (auto ec = b->builder.finish(compression_); ec) {
        complete(*b, name, p, -1, ec, "cannot compress the batch for " + name + "-" + std::to_string(p) + ": " + ec.message(), false);
        q.in_flight = false;
        continue;
      }
    }
    if (topic.sticky_partition == p) topic.sticky_partition = -1;  // move on after a sent batch
    if (req.topics.empty() || req.topics.back().name != name) req.topics.push_back({name, metadata_.topic(name)->topic_id, {}});
    req.topics.back().partitions.push_back({p, b->builder.bytes()});
    batches.push_back(std::move(b));
    sent.emplace_back(name, p);
  }
  if (batches.empty()) return;
  const bool expect_response = settings_.acks != 0;
  const std::int16_t version = *conn->versions().version(ApiKey::Produce);
  auto shared_batches = std::make_shared<std::vector<std::unique_ptr<Batch>>>(std::move(batches));
  conn->send(
      ApiKey::Produce, [&req](protocol::BufferWriter& w, std::int16_t v) { return protocol::encode(req, w, v); },
      expect_response,
      [this, node_id, sent, shared_batches, version](const net::RequestOutcome& out) {
        on_produce(node_id, sent, std::move(*shared_batches), out, version);
      });
}

void ProducerEngine::on_produce(std::int32_t node_id, std::vector<std::pair<std::string, std::int32_t>> partitions,
                                std::vector<std::unique_ptr<Batch>> batches, const net::RequestOutcome& out,
                                std::int16_t version) {
  const std::string broker = "broker " + std::to_string(node_id);
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    topics_[partitions[i].first].partitions[static_cast<std::size_t>(partitions[i].second)].in_flight = false;
  }
  if (out.ec) {
    for (std::size_t i = 0; i < partitions.size(); ++i) {
      retry_or_fail(partitions[i].first, partitions[i].second, std::move(batches[i]), out.ec,
                    broker + ": " + out.ec.message(), out.maybe_delivered, true);
    }
  } else if (settings_.acks == 0) {
    for (std::size_t i = 0; i < partitions.size(); ++i) {
      complete(*batches[i], partitions[i].first, partitions[i].second, -1, {}, "", false);
    }
  } else {
    auto resp = protocol::decode_produce_response(out.body, version);
    std::vector<bool> answered(partitions.size(), false);
    if (resp) {
      note_throttle(node_id, resp->throttle_time_ms);
      for (const auto& t : resp->topics) {
        for (const auto& pr : t.partitions) {
          for (std::size_t i = 0; i < partitions.size(); ++i) {
            bool same_topic = version >= 13 ? metadata_.topic(partitions[i].first)->topic_id == t.topic_id
                                            : partitions[i].first == t.name;
            if (answered[i] || !same_topic || partitions[i].second != pr.index) continue;
            answered[i] = true;
            if (pr.error_code == 0) {
              complete(*batches[i], partitions[i].first, pr.index, pr.base_offset, {}, "", false);
              break;
            }
            const auto& info = protocol::kafka_error_info(pr.error_code);
            if (pr.current_leader) {
              metadata_.apply_leader_hint(partitions[i].first, pr.index, pr.current_leader->leader_id,
                                          pr.current_leader->leader_epoch, resp->node_endpoints);
            }
            if (possibly_persisted(pr.error_code, settings_.acks)) batches[i]->maybe_sent = true;
            std::string msg = broker + " rejected the batch for " + partitions[i].first + "-" +
                              std::to_string(pr.index) + ": " + info.name + " (" + info.message + ")";
            if (pr.error_message) msg += ": " + *pr.error_message;
            if (info.retriable) {
              retry_or_fail(partitions[i].first, pr.index, std::move(batches[i]), protocol::kafka_error(pr.error_code),
                            msg, false, info.needs_metadata_refresh);
            } else {
              complete(*batches[i], partitions[i].first, pr.index, -1, protocol::kafka_error(pr.error_code), msg,
                       batches[i]->maybe_sent);
            }
            break;
          }
        }
      }
    }
    for (std::size_t i = 0; i < partitions.size(); ++i) {
      if (answered[i]) continue;
      std::string why = resp ? broker + " did not answer for this partition"
                             : broker + " sent an undecodable Produce response: " + resp.error().message();
      retry_or_fail(partitions[i].first, partitions[i].second, std::move(batches[i]), net::net_errc::protocol_error,
                    why, true, true);
    }
  }
  run_pass();
}

void ProducerEngine::retry_or_fail(const std::string& topic, std::int32_t partition, std::unique_ptr<Batch> batch,
                                   std::error_code ec, std::string message, bool maybe_sent, bool refresh) {
  const auto now = Clock::now();
  batch->maybe_sent |= maybe_sent;
  if (refresh) metadata_wanted_ = true;
  const bool in_time = now + settings_.retry_backoff < batch->created + settings_.delivery_timeout;
  if (!stopping_ && batch->attempts < settings_.retries && in_time) {
    ++batch->attempts;
    batch->retry_at = now + settings_.retry_backoff;
    topics_[topic].partitions[static_cast<std::size_t>(partition)].batches.push_front(std::move(batch));
    return;
  }
  if (stopping_) {
    message += " (producer closed)";
    ec = errc::closed;
  }
  complete(*batch, topic, partition, -1, ec, message, batch->maybe_sent);
}

void ProducerEngine::complete(Batch& batch, const std::string& topic, std::int32_t partition,
                              std::int64_t base_offset, std::error_code ec, const std::string& message,
                              bool outcome_unknown) {
  for (std::size_t i = 0; i < batch.callbacks.size(); ++i) {
    DeliveryReport r;
    r.topic = topic;
    r.partition = partition;
    r.timestamp_ms = batch.timestamps[i];
    if (ec) {
      r.error = ec;
      r.error_message = message;
      r.outcome_unknown = outcome_unknown;
    } else {
      r.offset = base_offset < 0 ? -1 : base_offset + static_cast<std::int64_t>(i);
    }
    report(batch.callbacks[i], r);
  }
  batch.callbacks.clear();
}

void ProducerEngine::expire(Clock::time_point now) {
  for (auto& [name, topic] : topics_) {
    for (std::size_t p = 0; p < topic.partitions.size(); ++p) {
      auto& q = topic.partitions[p].batches;
      while (!q.empty() && now >= q.front()->created + settings_.delivery_timeout) {
        auto b = std::move(q.front());
        q.pop_front();
        complete(*b, name, static_cast<std::int32_t>(p), -1, errc::delivery_timeout,
                 "no acknowledgement for " + name + "-" + std::to_string(p) + " within delivery.timeout.ms (" +
                     std::to_string(settings_.delivery_timeout.count()) + " ms)",
                 b->maybe_sent);
      }
    }
    while (!topic.waiting.empty() && now >= topic.waiting.front().enqueued + settings_.max_block) {
      const net::TopicInfo* info = metadata_.topic(name);
      std::string why = info ? "topic '" + name + "' is unavailable (" +
                                   protocol::kafka_error_info(info->error_code).name + ") after max.block.ms"
                             : "no metadata for topic '" + name + "' within max.block.ms: no broker answered (bootstrap.servers=" +
                                   settings_.bootstrap_servers + ")";
      fail_record(topic.waiting.front(), info ? errc::unknown_topic : errc::no_broker_available, why);
      topic.waiting.pop_front();
    }
  }
}

void ProducerEngine::arm_timer(Clock::time_point now) {
  std::optional<Clock::time_point> next;
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
    for (auto& q : topic.partitions) {
      if (q.batches.empty()) continue;
      const Batch& b = *q.batches.front();
      if (!q.in_flight) future(b.attempts > 0 ? b.retry_at : b.created + settings_.linger);
      future(b.created + settings_.delivery_timeout);
    }
    if (!topic.waiting.empty()) future(topic.waiting.front().enqueued + settings_.max_block);
  }
  if (!metadata_in_flight_ && !topics_.empty()) {
    if (metadata_wanted_ && any_ready_connection()) consider(std::max(next_metadata_at_, now + std::chrono::milliseconds(1)));
    future(last_metadata_at_ + settings_.metadata_max_age);
  }
  for (auto& [id, at] : reconnect_at_) future(at);
  for (auto& [id, until] : throttled_until_) future(until);
  if (!next) return;
  // Never spin: wait at least 1 ms, at most 1 s (a safety net for expiry).
  auto at = std::clamp(*next, now + std::chrono::milliseconds(1), now + std::chrono::seconds(1));
  timer_.expires_at(at);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) run_pass();
  });
}

void ProducerEngine::fail_everything(std::error_code ec) {
  stopping_ = true;
  take_incoming();
  timer_.cancel();
  // Closing connections completes their in-flight requests (outcome unknown).
  auto conns = std::exchange(connections_, {});
  for (auto& [id, c] : conns) c->close(net::net_errc::shutting_down);
  for (auto& [name, topic] : topics_) {
    for (std::size_t p = 0; p < topic.partitions.size(); ++p) {
      for (auto& b : topic.partitions[p].batches) {
        complete(*b, name, static_cast<std::int32_t>(p), -1, ec,
                 "producer closed before " + name + "-" + std::to_string(p) + " was acknowledged", b->maybe_sent);
      }
      topic.partitions[p].batches.clear();
    }
    for (auto& w : topic.waiting) fail_record(w, ec, "producer closed before topic '" + name + "' was available");
    topic.waiting.clear();
  }
}

}  // namespace sluice::detail
