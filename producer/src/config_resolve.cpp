// Config::resolve(): the values as set (or their defaults) become the typed
// ProducerSettings, and the rules between properties are checked: what is
// required, what contradicts, what two names of one setting mean together.
// Security is config_security.cpp's.
#include <algorithm>
#include <sstream>

#include "config_properties.hpp"
#include "sluice/config.hpp"
#include "sluice/net/broker_address.hpp"

namespace sluice {

using std::chrono::milliseconds;

namespace {

std::int64_t as_int(const std::string& v) { return *detail::parse_int(v); }

}  // namespace

// linger.ms + request.timeout.ms against delivery.timeout.ms. The Java
// client's rule under its name delivery.timeout.ms (an error when chosen
// below, raised with a notice when left at its default); none under
// librdkafka's name message.timeout.ms, as librdkafka has none.
void Config::resolve_timeouts(ProducerSettings& s) const {
  const std::int64_t delivery = as_int(value_of("delivery.timeout.ms"));
  s.delivery_timeout = delivery == 0 ? ProducerSettings::kNoLimit : milliseconds(delivery);
  const auto floor = std::chrono::ceil<milliseconds>(s.linger) + s.request_timeout;
  if (s.delivery_timeout < floor) {
    const std::string sum = std::to_string(floor.count());
    if (!is_set("delivery.timeout.ms")) {
      s.delivery_timeout = floor;
      s.notices.push_back("delivery.timeout.ms raised from its default to linger.ms + request.timeout.ms (" + sum +
                          " ms), as the Java client does; set delivery.timeout.ms to silence this notice");
    } else if (name_used("delivery.timeout.ms") == "message.timeout.ms") {
      s.notices.push_back("message.timeout.ms=" + std::to_string(delivery) +
                          " is below linger.ms + request.timeout.ms (" + sum +
                          " ms): a record not yet sent fails once it passes, but a request already sent is waited "
                          "for up to request.timeout.ms; lower request.timeout.ms for a tighter bound");
    } else {
      throw ConfigError("delivery.timeout.ms",
                        "property 'delivery.timeout.ms' (" + std::to_string(delivery) +
                            ") must be at least linger.ms + request.timeout.ms (" + sum +
                            "), as in the Java client: raise it or lower those (librdkafka's name "
                            "message.timeout.ms has no such rule)");
    }
  }
  // Metadata: Java's metadata.max.age.ms and librdkafka's refresh interval.
  const milliseconds max_age(as_int(value_of("metadata.max.age.ms")));
  s.metadata_max_age = max_age;
  if (is_set("topic.metadata.refresh.interval.ms")) {
    const std::int64_t v = as_int(value_of("topic.metadata.refresh.interval.ms"));
    if (v >= 0 && v < 10) {
      throw ConfigError("topic.metadata.refresh.interval.ms",
                        "property 'topic.metadata.refresh.interval.ms' (" + std::to_string(v) +
                            ") would refresh metadata without pause: use at least 10, or -1 for no periodic refresh");
    }
    const milliseconds interval = v < 0 ? ProducerSettings::kNoLimit : milliseconds(v);
    s.metadata_max_age = is_set("metadata.max.age.ms") ? std::min(interval, max_age) : interval;
  }
  s.max_block = milliseconds(as_int(value_of("max.block.ms")));
  s.enqueue_timeout = s.max_block;
  if (is_set("queue.enqueue.timeout.ms")) {
    const std::int64_t v = as_int(value_of("queue.enqueue.timeout.ms"));
    s.enqueue_timeout = v < 0 ? ProducerSettings::kNoLimit : milliseconds(v);
  }
}

// compression.level (librdkafka, for whichever codec) or
// compression.<codec>.level (Java, per codec), checked against the codec.
void Config::resolve_compression(ProducerSettings& s) const {
  s.compression = value_of("compression.type");
  struct Range {
    const char* codec;
    int min, max;
  };
  static constexpr Range ranges[] = {{"gzip", 1, 9}, {"lz4", 1, 17}, {"zstd", -131072, 22}};
  const Range* range = nullptr;
  for (const auto& r : ranges) {
    const std::string own = std::string("compression.") + r.codec + ".level";
    if (s.compression == r.codec) range = &r;
    else if (is_set(own)) {
      s.warnings.push_back(own + " is set but compression.type=" + s.compression + ": it has no effect");
    }
  }
  if (range == nullptr) {
    if (is_set("compression.level")) {
      s.warnings.push_back("compression.level is set but compression.type=" + s.compression +
                           " has no levels: it has no effect");
    }
    return;
  }
  const std::string own = std::string("compression.") + range->codec + ".level";
  if (is_set(own) && is_set("compression.level")) {
    throw ConfigError("compression.level", "properties 'compression.level' and '" + own +
                                               "' both set the " + range->codec + " level: set one of them");
  }
  const std::string name = is_set(own) ? own : "compression.level";
  if (!is_set(name)) return;  // the codec's default
  const auto level = static_cast<int>(as_int(value_of(name)));
  if (level == -1 && (name == "compression.level" || s.compression == "gzip")) return;  // "the default"
  if (level < range->min || level > range->max) {
    throw ConfigError(name, "property '" + name + "' (" + std::to_string(level) + ") is out of range for " +
                                range->codec + ": " + std::to_string(range->min) + ".." +
                                std::to_string(range->max) + ", or -1 for the codec's default");
  }
  s.compression_level = level;
}

ProducerSettings Config::resolve() const {
  ProducerSettings s;
  auto ms = [&](const char* n) { return milliseconds(as_int(value_of(n))); };
  auto integer = [&](const char* n) { return as_int(value_of(n)); };
  auto flag = [&](const char* n) { return value_of(n) == "true"; };
  s.bootstrap_servers = value_of("bootstrap.servers");
  if (s.bootstrap_servers.empty()) {
    throw ConfigError("bootstrap.servers",
                      "property 'bootstrap.servers' (or 'metadata.broker.list') is required: the brokers to "
                      "connect to, e.g. localhost:9092");
  }
  if (auto parsed = net::parse_broker_list(s.bootstrap_servers); !parsed.ok()) {
    const std::string name = name_used("bootstrap.servers");
    throw ConfigError(name, "property '" + name + "': " + parsed.error);
  }
  s.client_id = value_of("client.id");
  const std::string acks = value_of("acks");
  s.acks = static_cast<std::int16_t>(acks == "all" ? -1 : as_int(acks));
  s.linger = std::chrono::microseconds(*detail::parse_decimal_ms(value_of("linger.ms")));
  resolve_compression(s);
  s.batch_size = static_cast<std::size_t>(integer("batch.size"));
  s.batch_num_messages = static_cast<std::int32_t>(integer("batch.num.messages"));
  s.max_request_size = static_cast<std::size_t>(integer("max.request.size"));
  s.max_in_flight = static_cast<std::int32_t>(integer("max.in.flight.requests.per.connection"));
  s.retries = static_cast<std::int32_t>(integer("retries"));
  s.retry_backoff = ms("retry.backoff.ms");
  s.request_timeout = ms("request.timeout.ms");
  s.connect_timeout = ms("socket.connection.setup.timeout.ms");
  s.metadata_max_idle = ms("metadata.max.idle.ms");
  s.reconnect_backoff = ms("reconnect.backoff.ms");
  s.reconnect_backoff_max = std::max(ms("reconnect.backoff.max.ms"), s.reconnect_backoff);
  s.retry_backoff_max = std::max(ms("retry.backoff.max.ms"), s.retry_backoff);
  s.sync = value_of("producer.type") == "sync";
  s.delivery_report_only_error = value_of("delivery.report.only.error") == "true";
  s.buffer_memory = static_cast<std::size_t>(integer("buffer.memory"));
  if (is_set("queue.buffering.max.kbytes")) {
    if (is_set("buffer.memory")) {
      throw ConfigError("queue.buffering.max.kbytes", "properties 'queue.buffering.max.kbytes' (librdkafka, KiB) and "
                                                      "'buffer.memory' (Java, bytes) are the same limit: set one");
    }
    s.buffer_memory = static_cast<std::size_t>(integer("queue.buffering.max.kbytes")) * 1024;
  }
  s.max_queued_records = static_cast<std::size_t>(integer("queue.buffering.max.messages"));
  s.partitioner = value_of("partitioner");
  s.partitioner_ignore_keys = flag("partitioner.ignore.keys");
  s.statistics_interval = ms("statistics.interval.ms");
  s.allow_auto_create_topics = flag("allow.auto.create.topics");
  s.send_buffer_bytes = static_cast<int>(integer("send.buffer.bytes"));
  s.receive_buffer_bytes = static_cast<int>(integer("receive.buffer.bytes"));
  s.socket_keepalive = flag("socket.keepalive.enable");
  s.connections_max_idle = ms("connections.max.idle.ms");
  s.max_response_bytes = static_cast<std::size_t>(integer("receive.message.max.bytes"));
  s.rebootstrap = value_of("metadata.recovery.strategy") == "rebootstrap";
  s.rebootstrap_trigger = ms("metadata.recovery.rebootstrap.trigger.ms");
  if (is_set("log_level")) s.log_level = static_cast<int>(integer("log_level"));
  if (is_set("debug")) {
    std::istringstream in(value_of("debug"));
    std::string context, ignored;
    while (std::getline(in, context, ',')) {
      context.erase(0, context.find_first_not_of(' '));
      context.erase(context.find_last_not_of(' ') + 1);
      if (context.empty()) continue;
      if (detail::debug_context_applies(context)) s.debug_contexts |= detail::debug_context_bits(context);
      else ignored += (ignored.empty() ? "" : ", ") + context;
    }
    if (!ignored.empty()) s.notices.push_back("debug context(s) " + ignored + " do not apply to a producer: ignored");
  }
  resolve_security(s);
  resolve_idempotence(s);
  resolve_timeouts(s);
  return s;
}

// The Java client's rules: idempotence set to true explicitly makes a
// contradicting setting an error; left at its default, a contradicting
// setting the user chose turns idempotence off (with a notice).
void Config::resolve_idempotence(ProducerSettings& s) const {
  const bool explicit_setting = is_set("enable.idempotence");
  const bool wanted = value_of("enable.idempotence") == "true";
  std::string conflict;
  if (s.acks != -1) conflict = "acks=" + std::to_string(s.acks) + " (needs all)";
  else if (s.max_in_flight > 5)
    conflict = "max.in.flight.requests.per.connection=" + std::to_string(s.max_in_flight) + " (needs at most 5)";
  else if (s.retries == 0)
    conflict = "retries=0 (needs retries > 0)";
  if (!wanted) {
    s.enable_idempotence = false;
  } else if (conflict.empty()) {
    s.enable_idempotence = true;
  } else if (explicit_setting) {
    throw ConfigError("enable.idempotence", "property 'enable.idempotence' is true but " + conflict +
                                                " contradicts it: change that setting or set enable.idempotence=false");
  } else {
    s.enable_idempotence = false;
    s.notices.push_back("idempotence turned off because " + conflict +
                        " was set; set enable.idempotence=false to silence this notice");
  }
}

}  // namespace sluice
