#include "py_producer.hpp"

#include <nanobind/stl/string.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "byte_view.hpp"
#include "config_from_dict.hpp"
#include "exceptions.hpp"
#include "headers_from_python.hpp"

namespace nb = nanobind;

namespace sluice::python {

namespace {

using Clock = std::chrono::steady_clock;

// How long a wait runs before the waiting thread looks at signals
// (Ctrl-C) again.
constexpr auto kSignalSlice = std::chrono::milliseconds(100);

// A timeout in seconds as a deadline; None or negative: none.
std::optional<Clock::time_point> deadline_of(std::optional<double> timeout) {
  if (!timeout || *timeout < 0) return std::nullopt;
  const auto limit = std::chrono::duration<double>(std::min(*timeout, 1e9));
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(limit);
}

std::chrono::milliseconds millis_of(std::optional<double> timeout) {
  if (!timeout || *timeout < 0) return std::chrono::milliseconds::max();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(*timeout, 1e9) * 1000.0));
}

// The next slice of a wait: up to kSignalSlice, and not past the deadline.
Clock::time_point slice_end(const std::optional<Clock::time_point>& deadline) {
  const auto end = Clock::now() + kSignalSlice;
  return deadline ? std::min(end, *deadline) : end;
}

void check_signals() {
  if (PyErr_CheckSignals() != 0) throw nb::python_error();
}

std::optional<std::int32_t> partition_of(std::int32_t partition) {
  if (partition == -1) return std::nullopt;
  if (partition < 0) {
    throw nb::value_error(("partition must be -1 (the partitioner chooses) or >= 0, not " +
                           std::to_string(partition))
                              .c_str());
  }
  return partition;
}

std::optional<std::int64_t> timestamp_of(std::int64_t timestamp) {
  if (timestamp == 0) return std::nullopt;  // confluent-kafka's 0: now
  return timestamp;
}

}  // namespace

PyProducer::PyProducer(nb::handle config, nb::object on_delivery) : default_callback_(std::move(on_delivery)) {
  if (!default_callback_.is_none() && !PyCallable_Check(default_callback_.ptr())) {
    throw nb::type_error("on_delivery must be callable (or None)");
  }
  sluice::Config cpp_config = config_from_dict(config);
  // delivery.report.only.error is applied here, not by Sluice: the queue
  // needs every report to know what is outstanding (len(), flush()), and
  // only the on_delivery call is skipped for acknowledged records.
  if (auto it = cpp_config.values().find("delivery.report.only.error"); it != cpp_config.values().end()) {
    report_only_errors_ = it->second == "true";
    cpp_config.replace("delivery.report.only.error", "false");
  }
  try {
    producer_ = std::make_unique<sluice::Producer>(cpp_config);
  } catch (const sluice::ConfigError& e) {
    set_config_error(e.property(), e.what());
    throw nb::python_error();
  }
}

PyProducer::~PyProducer() {
  if (producer_) {
    nb::gil_scoped_release release;
    producer_.reset();
  }
}

void PyProducer::produce(nb::handle topic, nb::handle value, nb::handle key, std::int32_t partition,
                         nb::handle on_delivery, std::int64_t timestamp, nb::handle headers, nb::handle callback) {
  RecordRef ref;
  ref.topic = str_argument(topic.ptr(), "topic");
  const ByteView value_bytes = ByteView::of(value.ptr(), "value");
  const ByteView key_bytes = ByteView::of(key.ptr(), "key");
  ref.value = value_bytes.view();
  ref.key = key_bytes.view();
  ref.partition = partition_of(partition);
  ref.timestamp_ms = timestamp_of(timestamp);
  const std::vector<Header> header_list = headers_from_python(headers.ptr(), "headers");
  ref.headers = header_list;

  nb::handle cb = !on_delivery.is_none() ? on_delivery : !callback.is_none() ? callback : default_callback_;
  ReportQueue* queue = &queue_;
  if (cb.is_none()) {
    queue_.expect_uncalled();
    nb::gil_scoped_release release;  // send_ref blocks while the buffer is full
    producer_->send_ref(ref, [queue](const DeliveryReport& r) { queue->settle_uncalled(r); });
    return;
  }
  if (!PyCallable_Check(cb.ptr())) throw nb::type_error("on_delivery must be callable (or None)");
  const std::uint64_t id = next_callback_id_++;
  callbacks_.emplace(id, nb::borrow(cb));
  nb::gil_scoped_release release;
  producer_->send_ref(ref, [queue, id, only_errors = report_only_errors_](const DeliveryReport& r) {
    queue->push(id, r, !only_errors || !r);
  });
}

std::size_t PyProducer::serve_ready() {
  std::size_t served = 0;
  while (auto entry = queue_.pop()) {
    ++served;
    auto found = callbacks_.find(entry->callback_id);
    if (found == callbacks_.end()) continue;
    nb::object cb = std::move(found->second);
    callbacks_.erase(found);
    if (!entry->call) {  // delivery.report.only.error: acknowledged, nobody to call
      --served;
      continue;
    }
    nb::object err = entry->report.error ? nb::cast(*entry->report.error) : nb::none();
    nb::object report = nb::cast(std::move(entry->report));
    cb(err, report);  // an exception propagates: the caller of poll()/flush() sees it
  }
  return served;
}

std::size_t PyProducer::poll(std::optional<double> timeout) {
  const auto deadline = deadline_of(timeout);
  for (;;) {
    const std::size_t served = serve_ready();
    if (served > 0) return served;
    if (deadline && Clock::now() >= *deadline) return 0;
    {
      nb::gil_scoped_release release;
      queue_.wait_until(slice_end(deadline));
    }
    check_signals();
  }
}

std::size_t PyProducer::flush(std::optional<double> timeout) {
  const auto deadline = deadline_of(timeout);
  for (;;) {
    serve_ready();
    if (outstanding() == 0) return 0;
    if (deadline && Clock::now() >= *deadline) return outstanding();
    {
      nb::gil_scoped_release release;
      const auto slice = std::chrono::duration_cast<std::chrono::milliseconds>(slice_end(deadline) - Clock::now());
      // A record's report is queued (or counted) inside its DeliveryCallback,
      // before Sluice counts it done: when this returns 0, serve_ready()
      // finds every report of the records sent before it.
      producer_->flush(std::max(slice, std::chrono::milliseconds(1)));
    }
    check_signals();
  }
}

std::size_t PyProducer::outstanding() const { return queue_.uncalled_in_flight() + callbacks_.size(); }

PyReport PyProducer::send_sync(nb::handle topic, nb::handle value, nb::handle key, std::int32_t partition,
                               std::int64_t timestamp, nb::handle headers) {
  Record record;
  record.topic = std::string(str_argument(topic.ptr(), "topic"));
  {
    const ByteView value_bytes = ByteView::of(value.ptr(), "value");
    const ByteView key_bytes = ByteView::of(key.ptr(), "key");
    if (value_bytes.view()) record.value.emplace(*value_bytes.view());
    if (key_bytes.view()) record.key.emplace(*key_bytes.view());
  }
  record.partition = partition_of(partition);
  record.timestamp_ms = timestamp_of(timestamp);
  record.headers = headers_from_python(headers.ptr(), "headers");
  DeliveryReport report;
  {
    nb::gil_scoped_release release;
    report = producer_->send_sync(std::move(record));
  }
  return PyReport::of(report);
}

void PyProducer::close(std::optional<double> timeout) {
  {
    nb::gil_scoped_release release;
    producer_->close(millis_of(timeout));
  }
  serve_ready();
}

std::size_t PyProducer::purge() {
  std::size_t purged = 0;
  {
    nb::gil_scoped_release release;
    purged = producer_->purge();
  }
  return purged;
}

std::string PyProducer::statistics_json() const {
  nb::gil_scoped_release release;
  return producer_->statistics_json();
}

bool PyProducer::create_topic(const std::string& name, std::int32_t num_partitions, std::int16_t replication_factor,
                              nb::handle config, double timeout) {
  NewTopic topic;
  topic.name = name;
  topic.num_partitions = num_partitions;
  topic.replication_factor = replication_factor;
  if (!config.is_none()) {
    for (auto [k, v] : nb::cast<nb::dict>(config)) {
      topic.configs[nb::cast<std::string>(nb::str(k))] = nb::cast<std::string>(nb::str(v));
    }
  }
  std::vector<CreateTopicResult> results;
  {
    nb::gil_scoped_release release;
    results = producer_->create_topics(std::span<const NewTopic>(&topic, 1), millis_of(timeout));
  }
  const CreateTopicResult& r = results.at(0);
  if (!r.error) return true;
  if (r.already_exists()) return false;
  PyErr_SetString(kafka_exception_type(), (r.error_message.empty() ? r.error.message() : r.error_message).c_str());
  throw nb::python_error();
}

}  // namespace sluice::python
