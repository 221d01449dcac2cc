// ProducerEngine, sender side: drains ready batches into Produce requests
// per leader and applies delivery_policy to each batch's outcome. Runs on
// the I/O thread only; see producer_engine.hpp.
#include <algorithm>
#include <boost/asio/post.hpp>

#include "producer_engine.hpp"
#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/produce.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

namespace sluice::detail {

using protocol::ApiKey;

void ProducerEngine::send_ready_batches(Clock::time_point now) {
  if (idempotence_.phase() != IdempotenceState::Phase::ready) return;
  // Ready partitions grouped by leader.
  std::map<std::int32_t, std::vector<TopicPartition>> by_leader;
  for (auto& tp : accumulator_.ready(now, flushing_)) {
    const net::TopicInfo* info = metadata_.topic(tp.topic);
    const auto p = static_cast<std::size_t>(tp.partition);
    if (info != nullptr && info->error_code == 0 && !info->partitions.empty() && p >= info->partitions.size()) {
      // The cache shrinks only when the topic was deleted and created again
      // (a new topic id): this partition is gone, and waiting for it would
      // only end at delivery.timeout.ms with a report that says nothing.
      fail_vanished_partition(tp, info->partitions.size());
      continue;
    }
    const std::int32_t leader = info && p < info->partitions.size() ? info->partitions[p].leader_id : -1;
    if (leader < 0) {
      metadata_wanted_ = true;
      continue;
    }
    if (accumulator_.in_flight(tp) >= settings_.max_in_flight) continue;
    if (!idempotence_.may_send(*accumulator_.head(tp), accumulator_.in_flight(tp))) continue;
    by_leader[leader].push_back(std::move(tp));
  }
  for (auto& [leader, partitions] : by_leader) {
    auto conn = connection(leader);
    if (!conn || conn->state() != LinkState::ready) continue;
    if (conn->in_flight() >= static_cast<std::size_t>(settings_.max_in_flight)) continue;
    if (auto t = throttled_until_.find(leader); t != throttled_until_.end()) {
      if (now < t->second) continue;
      throttled_until_.erase(t);
    }
    send_to(leader, partitions);
  }
}

void ProducerEngine::send_to(std::int32_t node_id, const std::vector<TopicPartition>& partitions) {
  auto conn = connections_.at(node_id);
  auto request = std::make_shared<InFlightProduce>();
  request->node_id = node_id;
  request->version = *conn->versions().version(ApiKey::Produce);
  protocol::ProduceRequest req;
  req.acks = settings_.acks;
  req.timeout_ms = static_cast<std::int32_t>(settings_.request_timeout.count());
  std::size_t request_bytes = kRequestOverhead;
  for (const auto& tp : partitions) {
    const std::size_t size = accumulator_.head(tp)->builder.size_in_bytes();
    if (!request->batches.empty() && request_bytes + size > settings_.max_request_size) break;
    request_bytes += size;
    std::unique_ptr<ProducerBatch> b = accumulator_.take_head(tp);
    if (b->attempts == 0) partitioner_.on_batch_closed(tp.topic, tp.partition);
    if (b->attempts == 0) {
      // Compressed once; a retry resends the same bytes (only the producer
      // state in the header may change, which needs no re-encoding).
      if (auto ec = b->builder.finish(compression_, settings_.compression_level); ec) {
        accumulator_.returned(tp);
        complete(*b, -1, ec, "cannot compress the batch for " + tp.str() + ": " + ec.message(), false);
        continue;
      }
    }
    idempotence_.assign(*b);
    ++b->attempts;
    const auto records = static_cast<std::uint64_t>(b->record_count());
    stats_.records_sent += records;
    if (b->attempts > 1) stats_.records_retried += records;
    ++stats_.batches_sent;
    stats_.batch_bytes_sent += b->builder.bytes().size();
    stats_.batch_fill_sum += b->builder.size_in_bytes();
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      req.topics.push_back({tp.topic, metadata_.topic(tp.topic)->topic_id, {}});
    }
    req.topics.back().partitions.push_back({tp.partition, b->builder.bytes()});
    request->batches.push_back(std::move(b));
    request->topic_ids.push_back(req.topics.back().topic_id);
  }
  if (request->batches.empty()) return;
  ++stats_.requests_sent;
  request->sent_at = clock_->steady();
  const bool expect_response = settings_.acks != 0;
  // `req` views each batch in its builder's buffer (a gathered write in
  // production). `request` (in the handler) owns the batches, and the link
  // runs the handler only once nothing can read them any more
  // (broker_link.hpp), so they stay alive and unchanged meanwhile; a retry
  // re-stamps producer id/epoch/sequence in place (idempotence_.assign,
  // above) only after that.
  conn->send_produce(req, expect_response,
                     [this, request](const net::RequestOutcome& out) { on_produce(request, out); });
}

void ProducerEngine::on_produce(std::shared_ptr<InFlightProduce> request, const net::RequestOutcome& out) {
  const std::string broker = "broker " + std::to_string(request->node_id);
  auto& batches = request->batches;
  for (auto& b : batches) accumulator_.returned(b->tp);
  if (!out.ec) stats_.record_request(clock_->steady() - request->sent_at);
  if (out.ec) {
    for (auto& b : batches) {
      handle_attempt(std::move(b), AttemptResult{out.ec, false, out.maybe_delivered}, -1,
                     broker + ": " + out.ec.message(), 0);
    }
  } else if (settings_.acks == 0) {
    for (auto& b : batches) handle_attempt(std::move(b), AttemptResult{}, -1, "", 0);
  } else {
    auto resp = protocol::decode_produce_response(out.body, request->version);
    if (resp) {
      note_throttle(request->node_id, resp->throttle_time_ms);
      for (const auto& t : resp->topics) {
        for (const auto& pr : t.partitions) {
          // The batch this answer is for (request order is small: a scan).
          for (std::size_t i = 0; i < batches.size(); ++i) {
            auto& b = batches[i];
            if (!b || b->tp.partition != pr.index) continue;
            // v13 answers by topic id: the one the batch was sent under,
            // which a recreate seen meanwhile may have replaced in metadata_.
            const bool same_topic =
                request->version >= 13 ? request->topic_ids[i] == t.topic_id : b->tp.topic == t.name;
            if (!same_topic) continue;
            if (pr.error_code == 0) {
              handle_attempt(std::move(b), AttemptResult{}, pr.base_offset, "", 0);
              break;
            }
            const auto& info = protocol::kafka_error_info(pr.error_code);
            if (pr.current_leader) {
              metadata_.apply_leader_hint(b->tp.topic, pr.index, pr.current_leader->leader_id,
                                          pr.current_leader->leader_epoch, resp->node_endpoints,
                                          request->topic_ids[i]);
            }
            std::string msg = broker + " rejected the batch for " + b->tp.str() + ": " + info.name + " (" +
                              info.message + ")";
            if (pr.error_message) msg += ": " + *pr.error_message;
            handle_attempt(std::move(b), AttemptResult{protocol::kafka_error(pr.error_code), true, true}, -1,
                           std::move(msg), pr.error_code);
            break;
          }
        }
      }
    }
    for (auto& b : batches) {
      if (!b) continue;
      std::string why = resp ? broker + " did not answer for " + b->tp.str()
                             : broker + " sent an undecodable Produce response: " + resp.error().message();
      handle_attempt(std::move(b), AttemptResult{net::net_errc::protocol_error, false, true}, -1, std::move(why), 0);
    }
  }
  run_pass();
}

void ProducerEngine::handle_attempt(std::unique_ptr<ProducerBatch> batch, const AttemptResult& result,
                                    std::int64_t base_offset, std::string message, std::int16_t code) {
  const auto now = clock_->steady();
  BatchDecision d = decide(*batch, result, retry_policy_, now, jitter());
  batch->maybe_sent |= d.possibly_persisted;
  if (d.refresh_metadata) metadata_wanted_ = true;
  if (stopping_ && d.action == BatchAction::retry) d.action = BatchAction::fail, d.outcome_unknown = batch->maybe_sent;
  switch (d.action) {
    case BatchAction::succeed:
      idempotence_.on_acknowledged(*batch);
      complete(*batch, base_offset, {}, "", false);
      return;
    case BatchAction::retry:
      if (idempotence_.on_retriable_error(*batch, code)) {
        // Later records of its partition may be in the log already: this
        // batch (not appended) cannot go after them, and a bump would write
        // them twice. It fails; they are resent and recognised.
        idempotence_.on_given_up(*batch);
        complete(*batch, -1, result.error,
                 message + "; not retried: later records of " + batch->tp.str() +
                     " may already be in the log (their answers were lost), and this batch cannot be written "
                     "after them in order",
                 batch->maybe_sent);
        return;
      }
      batch->retry_at = d.retry_at;
      accumulator_.reenqueue(std::move(batch));
      return;
    case BatchAction::split:
      split_and_requeue(std::move(batch));
      return;
    case BatchAction::fail:
      // Refused for good by the broker: its sequences are a gap. Otherwise
      // (retries or time used up, closing) it may be in the log.
      if (result.from_broker && d.cause == FailCause::not_retriable && !stopping_) {
        idempotence_.on_refused(*batch, accumulator_.in_flight(batch->tp));
      } else {
        idempotence_.on_given_up(*batch);
      }
      if (stopping_) {
        message += " (producer closed)";
      } else if (d.cause == FailCause::past_deadline) {
        message += "; not retried: the next attempt would come after delivery.timeout.ms (" +
                   std::to_string(settings_.delivery_timeout.count()) + " ms)";
      } else if (d.cause == FailCause::retries_used_up) {
        message += "; not retried: retries (" + std::to_string(retry_policy_.retries) + ") used up";
      }
      complete(*batch, -1, stopping_ ? make_error_code(errc::closed) : result.error, message, d.outcome_unknown);
      return;
  }
}

// MESSAGE_TOO_LARGE for a batch of several records: the broker refused the
// whole batch (nothing of it is in the log), so its records are re-encoded
// into two halves, each sent on its own; a single record still too large
// fails alone with MESSAGE_TOO_LARGE.
void ProducerEngine::split_and_requeue(std::unique_ptr<ProducerBatch> batch) {
  auto decoded = protocol::decode_record_batch(batch->builder.bytes());
  if (!decoded || decoded->records.size() != batch->callbacks.size()) {
    idempotence_.on_refused(*batch, accumulator_.in_flight(batch->tp));
    complete(*batch, -1, protocol::kafka_error(static_cast<std::int16_t>(protocol::kafka_errc::message_too_large)),
             "the batch for " + batch->tp.str() + " is too large for the broker and could not be split", false);
    return;
  }
  const std::size_t n = batch->callbacks.size();
  const std::size_t half = n / 2;
  std::unique_ptr<ProducerBatch> pieces[2];
  for (std::size_t part = 0; part < 2; ++part) {
    auto& b = pieces[part];
    b = std::make_unique<ProducerBatch>();
    b->tp = batch->tp;
    b->created = batch->created;
    // Both halves take the original's place, the first half first.
    b->order_span = std::max<std::uint64_t>(batch->order_span / 2, 1);
    b->order = batch->order + (part == 0 ? 0 : b->order_span);
    b->attempts = 1;          // a retry: ready at once, ahead of newer batches
    b->retry_at = clock_->steady();
    // An earlier attempt of the original may have landed (the broker checks
    // the size before it looks for duplicates): the halves' records may be
    // in the log, and a failure of theirs must say so.
    b->maybe_sent = batch->maybe_sent;
    const std::size_t from = part == 0 ? 0 : half, to = part == 0 ? half : n;
    for (std::size_t i = from; i < to; ++i) {
      const auto& r = decoded->records[i];
      std::vector<protocol::RecordHeaderView> headers;
      for (const auto& h : r.headers) {
        headers.push_back({h.key, h.value ? std::optional<protocol::ByteView>(*h.value) : std::nullopt});
      }
      b->builder.append(r.timestamp, r.key ? std::optional<protocol::ByteView>(*r.key) : std::nullopt,
                        r.value ? std::optional<protocol::ByteView>(*r.value) : std::nullopt, headers);
      b->callbacks.push_back(std::move(batch->callbacks[i]));
      b->timestamps.push_back(batch->timestamps[i]);
      b->generations.push_back(batch->generations[i]);
    }
    b->reserved_bytes = part == 0 ? batch->reserved_bytes / 2 : batch->reserved_bytes - batch->reserved_bytes / 2;
  }
  // The halves take the original's producer id, epoch and sequence range:
  // the broker appended none of it, so its sequences are still what the
  // broker expects next (no epoch bump).
  ProducerBatch* const stamped[2] = {pieces[0].get(), pieces[1].get()};
  idempotence_.on_split(*batch, stamped);
  for (auto& b : pieces) {
    if (auto ec = b->builder.finish(compression_, settings_.compression_level); ec) {
      // Its sequences will be missing: the broker must not wait for them.
      idempotence_.on_refused(*b, accumulator_.in_flight(b->tp));
      complete(*b, -1, ec, "cannot compress the split batch for " + b->tp.str(), false);
      continue;
    }
    b->sealed = true;
    accumulator_.reenqueue(std::move(b));
  }
}

void ProducerEngine::fail_vanished_partition(const TopicPartition& tp, std::size_t count) {
  const std::string why = "partition " + std::to_string(tp.partition) + " of topic '" + tp.topic +
                          "' no longer exists: the topic was deleted and created again with " +
                          std::to_string(count) + " partitions";
  while (accumulator_.head(tp) != nullptr) {
    std::unique_ptr<ProducerBatch> b = accumulator_.take_head(tp);
    accumulator_.returned(tp);
    idempotence_.on_given_up(*b);  // the partition is gone: nothing to settle there
    complete(*b, -1, errc::invalid_partition, why, b->maybe_sent);
  }
}

void ProducerEngine::expire(Clock::time_point now) {
  for (auto& b : accumulator_.expire(now)) {
    idempotence_.on_given_up(*b);
    complete(*b, -1, errc::delivery_timeout,
             "no acknowledgement for " + b->tp.str() + " within delivery.timeout.ms (" +
                 std::to_string(settings_.delivery_timeout.count()) + " ms)",
             b->maybe_sent);
  }
  for (auto& [name, topic] : topics_) {
    while (!topic.beyond.empty() && now >= topic.beyond.front().enqueued + settings_.max_block) {
      const net::TopicInfo* info = metadata_.topic(name);
      const std::string count = info ? std::to_string(info->partitions.size()) : "no known";
      fail_record(topic.beyond.front(), errc::invalid_partition,
                  "partition " + std::to_string(topic.beyond.front().record.partition.value_or(-1)) + " of topic '" +
                      name + "' is not in the metadata after max.block.ms (" +
                      std::to_string(settings_.max_block.count()) + " ms; the topic has " + count +
                      " partitions): send to an existing partition, or add partitions first");
      topic.beyond.pop_front();
    }
    while (!topic.waiting.empty() && now >= topic.waiting.front().enqueued + settings_.max_block) {
      const net::TopicInfo* info = metadata_.topic(name);
      std::string why = info ? "topic '" + name + "' is unavailable (" +
                                   protocol::kafka_error_info(info->error_code).name + ") after max.block.ms (" +
                                   std::to_string(settings_.max_block.count()) +
                                   " ms): create the topic, check its name, or allow.auto.create.topics"
                             : "no metadata for topic '" + name +
                                   "' within max.block.ms: no broker answered (bootstrap.servers=" +
                                   settings_.bootstrap_servers + ")" +
                             (last_connection_failure_.empty() ? ""
                                                               : "; last connection failure: " + last_connection_failure_);
      fail_record(topic.waiting.front(), info ? errc::unknown_topic : errc::no_broker_available, why);
      topic.waiting.pop_front();
    }
  }
}

}  // namespace sluice::detail
