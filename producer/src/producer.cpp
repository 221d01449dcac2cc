#include "sluice/producer.hpp"

#include "log_setup.hpp"
#include "oauth_setup.hpp"
#include "producer_driver.hpp"
#include "sluice/protocol/kafka_error.hpp"

namespace sluice {

namespace {

std::unique_ptr<detail::ProducerDriver> start_engine(const Config& config, ProducerOptions options) {
  ProducerSettings settings = config.resolve();
  detail::prepare_oauthbearer(settings, options);  // where OAUTHBEARER tokens come from (oauth_setup.cpp)
  // log_level, debug, the stderr sink (log.cpp); the contexts enabled replace the debug property's.
  settings.debug_contexts = detail::prepare_logging(settings, options);
  detail::log_configuration(config, options, settings.debug_contexts);
  return std::make_unique<detail::ProducerDriver>(std::move(settings), std::move(options));
}

}  // namespace

Producer::Producer(const Config& config, ProducerOptions options)
    : engine_(start_engine(config, std::move(options))) {}

Producer::~Producer() {
  if (engine_->on_io_thread()) {
    // Destroyed inside its own callback: waiting here would wait for this
    // very thread, so the engine finishes once the callback has returned.
    detail::ProducerDriver::destroy_after_callback(std::move(engine_));
    return;
  }
  close(engine_->settings().delivery_timeout);
}

// delivery.report.only.error=true: the application's callback hears of
// failures only. The engine still reports every record (flush, statistics
// and the futures count on it); only this wrapper stays quiet.
DeliveryCallback Producer::reported(DeliveryCallback callback) const {
  if (!callback || !engine_->settings().delivery_report_only_error) return callback;
  return [cb = std::move(callback)](const DeliveryReport& r) {
    if (!r) cb(r);
  };
}

void Producer::send(Record record, DeliveryCallback callback) {
  engine_->send(std::move(record), reported(std::move(callback)));
}

void Producer::send_ref(const RecordRef& record, DeliveryCallback callback) {
  engine_->send(record, reported(std::move(callback)));
}

std::future<DeliveryReport> Producer::send(Record record) {
  auto promise = std::make_shared<std::promise<DeliveryReport>>();
  auto future = promise->get_future();
  engine_->send(std::move(record), [promise](const DeliveryReport& r) { promise->set_value(r); });
  return future;
}

DeliveryReport Producer::send_sync(Record record) { return engine_->send_sync(std::move(record)); }

std::size_t Producer::flush(std::chrono::milliseconds timeout) { return engine_->flush(timeout); }

std::size_t Producer::purge() { return engine_->purge(); }

std::string Producer::statistics_json() const { return engine_->statistics_json(); }

bool Producer::on_io_thread() const noexcept { return engine_->on_io_thread(); }

void Producer::close(std::chrono::milliseconds timeout) { engine_->close(timeout); }

std::vector<CreateTopicResult> Producer::create_topics(std::span<const NewTopic> topics,
                                                       std::chrono::milliseconds timeout) {
  return engine_->create_topics(topics, timeout);
}

std::int16_t CreateTopicResult::kafka_error_code() const noexcept {
  if (!error || error.category() != protocol::kafka_category()) return 0;
  return static_cast<std::int16_t>(error.value());
}

bool CreateTopicResult::already_exists() const noexcept {
  return kafka_error_code() == static_cast<std::int16_t>(protocol::kafka_errc::topic_already_exists);
}

}  // namespace sluice
