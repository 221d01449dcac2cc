#pragma once
// sluice::Producer — the object an application embeds.
//
// One producer is safe to share across threads and is meant to be shared.
// send() is asynchronous: it copies the record into its partition's batch
// and returns; the delivery callback runs later on the producer's I/O thread
// (keep it short: it delays the network while it runs).
#include <chrono>
#include <cstddef>
#include <future>
#include <memory>

#include "sluice/config.hpp"
#include "sluice/errors.hpp"
#include "sluice/record.hpp"

namespace sluice {

namespace detail {
class ProducerEngine;
}

class Producer {
 public:
  // Validates the configuration (throws ConfigError) and starts the I/O
  // thread. Connecting to the brokers happens in the background.
  explicit Producer(const Config& config);
  // close() with delivery.timeout.ms: every record gets its report first.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `record`; `callback` gets exactly one DeliveryReport. Errors found
  // at once (closed producer, record over max.request.size) are reported
  // through the callback too, before send() returns.
  void send(Record record, DeliveryCallback callback);
  // The same, with the report as a future.
  std::future<DeliveryReport> send(Record record);

  // Sends everything buffered now (ignoring linger.ms) and waits until every
  // record sent before the call has its report, or `timeout` passes.
  // Returns how many records are still without a report (0 = all done).
  // Called from a delivery callback it cannot wait (the callback runs on
  // the thread that delivers the reports): it starts the flush and returns
  // at once.
  std::size_t flush(std::chrono::milliseconds timeout);

  // Flushes for at most `timeout`, then fails whatever is left with
  // errc::closed and stops the I/O thread. Later sends fail with errc::closed.
  // Called from a delivery callback it does not wait: what is left fails
  // right after the callback returns.
  void close(std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<detail::ProducerEngine> engine_;
};

}  // namespace sluice
