// BrokerSink: one broker's Produce requests and what their answers mean for
// each batch. See broker_sink.hpp.
#include "broker_sink.hpp"

#include <algorithm>

#include "sluice/errors.hpp"
#include "sluice/net/net_error.hpp"
#include "sluice/protocol/kafka_error.hpp"
#include "sluice/protocol/record_batch_reader.hpp"

namespace sluice::detail {

std::shared_ptr<InFlightProduce> BrokerSink::build(const std::vector<TopicPartition>& ready, std::int16_t version,
                                                   Clock::time_point now, SinkActions& out) {
  auto request = std::make_shared<InFlightProduce>();
  request->node_id = node_id_;
  request->version = version;
  protocol::ProduceRequest& req = request->request;
  req.acks = options_.acks;
  req.timeout_ms = static_cast<std::int32_t>(options_.request_timeout.count());
  std::size_t request_bytes = kRequestOverhead;
  auto& accumulator = parts_.accumulator;
  auto& stats = parts_.stats;
  bool retry = false;
  std::uint64_t request_records = 0;
  for (const auto& tp : ready) {
    // Measured and taken in one step: senders may still be filling the
    // head batch (a routed record), and the request must stay under
    // max.request.size. The first batch always goes (it fits alone: appends
    // keep a batch under max.request.size).
    const std::size_t room = options_.max_request_size - std::min(options_.max_request_size, request_bytes);
    std::unique_ptr<ProducerBatch> b =
        accumulator.take_head_within(tp, request->batches.empty() ? SIZE_MAX : room);
    if (!b) break;
    request_bytes += b->builder.size_in_bytes();
    if (b->attempts == 0) {
      parts_.partitioner.on_batch_closed(tp.topic, tp.partition);
      // Compressed once; a retry resends the same bytes (only the producer
      // state in the header may change, which needs no re-encoding).
      if (auto ec = b->builder.finish(options_.compression, options_.compression_level); ec) {
        accumulator.returned(tp);
        end(std::move(b), -1, ec, "cannot compress the batch for " + tp.str() + ": " + ec.message(), false, out);
        continue;
      }
    }
    parts_.idempotence.assign(*b);
    ++b->attempts;
    const auto records = static_cast<std::uint64_t>(b->record_count());
    stats.records_sent += records;
    if (b->attempts > 1) stats.records_retried += records;
    ++stats.batches_sent;
    stats.batch_bytes_sent += b->builder.bytes().size();
    stats.batch_fill_sum += b->builder.size_in_bytes();
    // Statistics: per partition, per topic (batches as first sent), per request.
    PartitionTraffic& pt = stats.partitions[tp];
    pt.txmsgs += records;
    pt.txbytes += b->builder.bytes().size();
    pt.msgs_inflight += static_cast<std::int64_t>(records);
    if (b->attempts == 1) {
      auto topic = stats.topics.find(tp.topic);
      if (topic == stats.topics.end()) topic = stats.topics.try_emplace(tp.topic).first;
      if (topic->second.first_seen == Clock::time_point{}) topic->second.first_seen = now;
      topic->second.batchsize.add(static_cast<std::int64_t>(b->builder.bytes().size()));
      topic->second.batchcnt.add(static_cast<std::int64_t>(records));
      traffic_.int_latency.add(std::chrono::duration_cast<std::chrono::microseconds>(now - b->created).count());
    }
    retry |= b->attempts > 1;
    request_records += records;
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      const net::TopicInfo* info = parts_.metadata.topic(tp.topic);
      req.topics.push_back({tp.topic, info ? info->topic_id : protocol::Uuid{}, {}});
    }
    req.topics.back().partitions.push_back({tp.partition, b->builder.bytes()});
    request->batches.push_back(std::move(b));
    request->topic_ids.push_back(req.topics.back().topic_id);
  }
  if (request->batches.empty()) return nullptr;
  ++stats.requests_sent;
  if (retry) ++traffic_.tx_retries;
  traffic_.waitresp_msg_cnt += static_cast<std::int64_t>(request_records);
  request->sent_at = now;
  return request;
}

void BrokerSink::on_answer(InFlightProduce& request, const net::RequestOutcome& out, Clock::time_point now,
                           const std::function<double()>& jitter, bool stopping, SinkActions& actions) {
  const std::string broker = "broker " + std::to_string(request.node_id);
  auto& batches = request.batches;
  for (auto& b : batches) {
    parts_.accumulator.returned(b->tp);
    const auto records = static_cast<std::int64_t>(b->record_count());
    traffic_.waitresp_msg_cnt -= records;
    parts_.stats.partitions[b->tp].msgs_inflight -= records;
  }
  auto attempt = [&](std::unique_ptr<ProducerBatch> b, const AttemptResult& result, std::int64_t offset,
                     std::string message, std::int16_t code) {
    handle_attempt(std::move(b), result, offset, std::move(message), code, now, jitter(), stopping, actions);
  };
  if (!out.ec) parts_.stats.record_request(now - request.sent_at);
  // tx, rx and their errors are counted by the connection (BrokerTraffic).
  if (!out.ec && options_.acks != 0) {  // acks=0: nothing is read back
    traffic_.rtt.add(std::chrono::duration_cast<std::chrono::microseconds>(now - request.sent_at).count());
  } else if (out.ec == make_error_code(net::net_errc::request_timeout)) {
    ++traffic_.req_timeouts;
  }
  if (out.ec) {
    for (auto& b : batches) {
      attempt(std::move(b), AttemptResult{out.ec, false, out.maybe_delivered}, -1, broker + ": " + out.ec.message(),
              0);
    }
    return;
  }
  if (options_.acks == 0) {
    for (auto& b : batches) attempt(std::move(b), AttemptResult{}, -1, "", 0);
    return;
  }
  auto resp = protocol::decode_produce_response(out.body, request.version);
  if (!resp) ++traffic_.rx_errs;
  if (resp) {
    // KIP-219: the broker answered at once but asks us to hold off.
    throttle(resp->throttle_time_ms, now);
    traffic_.throttle.add(resp->throttle_time_ms);
    for (const auto& t : resp->topics) {
      for (const auto& pr : t.partitions) {
        // The batch this answer is for (request order is small: a scan).
        for (std::size_t i = 0; i < batches.size(); ++i) {
          auto& b = batches[i];
          if (!b || b->tp.partition != pr.index) continue;
          // v13 answers by topic id: the one the batch was sent under,
          // which a recreate seen meanwhile may have replaced in the cache.
          const bool same_topic = request.version >= 13 ? request.topic_ids[i] == t.topic_id : b->tp.topic == t.name;
          if (!same_topic) continue;
          if (pr.error_code == 0) {
            attempt(std::move(b), AttemptResult{}, pr.base_offset, "", 0);
            break;
          }
          const auto& info = protocol::kafka_error_info(pr.error_code);
          if (pr.current_leader) {
            actions.leader_hints.push_back(LeaderHint{b->tp.topic, pr.index, pr.current_leader->leader_id,
                                                      pr.current_leader->leader_epoch, resp->node_endpoints,
                                                      request.topic_ids[i]});
          }
          std::string msg =
              broker + " rejected the batch for " + b->tp.str() + ": " + info.name + " (" + info.message + ")";
          if (pr.error_message) msg += ": " + *pr.error_message;
          attempt(std::move(b), AttemptResult{protocol::kafka_error(pr.error_code), true, true}, -1, std::move(msg),
                  pr.error_code);
          break;
        }
      }
    }
  }
  for (auto& b : batches) {
    if (!b) continue;
    std::string why = resp ? broker + " did not answer for " + b->tp.str()
                           : broker + " sent an undecodable Produce response: " + resp.error().message();
    attempt(std::move(b), AttemptResult{net::net_errc::protocol_error, false, true}, -1, std::move(why), 0);
  }
}

void BrokerSink::handle_attempt(std::unique_ptr<ProducerBatch> batch, const AttemptResult& result,
                                std::int64_t base_offset, std::string message, std::int16_t code,
                                Clock::time_point now, double jitter, bool stopping, SinkActions& out) {
  auto& idempotence = parts_.idempotence;
  const RetryPolicy& policy = options_.retry;
  BatchDecision d = decide(*batch, result, policy, now, jitter);
  batch->maybe_sent |= d.possibly_persisted;
  if (d.refresh_metadata) out.refresh_metadata = true;
  // Closing: nothing is tried again, split halves included.
  if (stopping && (d.action == BatchAction::retry || d.action == BatchAction::split)) {
    d.action = BatchAction::fail;
    d.outcome_unknown = batch->maybe_sent;
  }
  switch (d.action) {
    case BatchAction::succeed: {
      PartitionTraffic& pt = parts_.stats.partitions[batch->tp];
      pt.acked_msgid += static_cast<std::uint64_t>(batch->record_count());
      if (batch->has_sequence()) pt.next_ack_seq = batch->base_sequence + batch->record_count();
      idempotence.on_acknowledged(*batch);
      end(std::move(batch), base_offset, {}, "", false, out);
      return;
    }
    case BatchAction::retry:
      if (idempotence.on_retriable_error(*batch, code)) {
        // Later records of its partition may be in the log already: this
        // batch (not appended) cannot go after them, and a bump would write
        // them twice. It fails; they are resent and recognised.
        idempotence.on_given_up(*batch);
        const bool unknown = batch->maybe_sent;
        message += "; not retried: later records of " + batch->tp.str() +
                   " may already be in the log (their answers were lost), and this batch cannot be written "
                   "after them in order";
        end(std::move(batch), -1, result.error, std::move(message), unknown, out);
        return;
      }
      batch->retry_at = d.retry_at;
      parts_.accumulator.reenqueue(std::move(batch));
      return;
    case BatchAction::split:
      split_and_requeue(std::move(batch), now, out);
      return;
    case BatchAction::fail:
      if (batch->has_sequence()) {
        parts_.stats.partitions[batch->tp].next_err_seq = batch->base_sequence + batch->record_count();
      }
      // Refused for good by the broker: its sequences are a gap. Otherwise
      // (retries or time used up, closing) it may be in the log.
      if (result.from_broker && d.cause == FailCause::not_retriable && !stopping) {
        idempotence.on_refused(*batch, parts_.accumulator.in_flight(batch->tp));
      } else {
        idempotence.on_given_up(*batch);
      }
      if (stopping) {
        message += " (producer closed)";
      } else if (d.cause == FailCause::past_deadline) {
        message += "; not retried: the next attempt would come after delivery.timeout.ms (" +
                   std::to_string(policy.delivery_timeout.count()) + " ms)";
      } else if (d.cause == FailCause::retries_used_up) {
        message += "; not retried: retries (" + std::to_string(policy.retries) + ") used up";
      }
      end(std::move(batch), -1, stopping ? make_error_code(errc::closed) : result.error, std::move(message),
          d.outcome_unknown, out);
      return;
  }
}

// MESSAGE_TOO_LARGE for a batch of several records: the broker refused the
// whole batch (nothing of it is in the log), so its records are re-encoded
// into two halves, each sent on its own; a single record still too large
// fails alone with MESSAGE_TOO_LARGE.
void BrokerSink::split_and_requeue(std::unique_ptr<ProducerBatch> batch, Clock::time_point now, SinkActions& out) {
  auto& idempotence = parts_.idempotence;
  auto& accumulator = parts_.accumulator;
  auto decoded = protocol::decode_record_batch(batch->builder.bytes());
  if (!decoded || decoded->records.size() != batch->callbacks.size()) {
    idempotence.on_refused(*batch, accumulator.in_flight(batch->tp));
    std::string why = "the batch for " + batch->tp.str() + " is too large for the broker and could not be split";
    end(std::move(batch), -1, protocol::kafka_error(static_cast<std::int16_t>(protocol::kafka_errc::message_too_large)),
        std::move(why), false, out);
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
    b->attempts = 1;  // a retry: ready at once, ahead of newer batches
    b->retry_at = now;
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
  idempotence.on_split(*batch, stamped);
  for (auto& b : pieces) {
    if (auto ec = b->builder.finish(options_.compression, options_.compression_level); ec) {
      // Its sequences will be missing: the broker must not wait for them.
      idempotence.on_refused(*b, accumulator.in_flight(b->tp));
      std::string why = "cannot compress the split batch for " + b->tp.str();
      end(std::move(b), -1, ec, std::move(why), false, out);
      continue;
    }
    b->sealed = true;
    accumulator.reenqueue(std::move(b));
  }
}

void BrokerSink::end(std::unique_ptr<ProducerBatch> batch, std::int64_t base_offset, std::error_code ec,
                     std::string message, bool outcome_unknown, SinkActions& out) {
  out.ended.push_back(BatchEnd{std::move(batch), base_offset, ec, std::move(message), outcome_unknown});
}

}  // namespace sluice::detail
